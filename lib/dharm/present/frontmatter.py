"""The front matter on a page: definitions as a glossary, grouped as the report groups them."""
from __future__ import annotations

import html

import pandas as pd

from .tables import download_link, show_html

DEFINITION_HEADINGS = {"core": "Core definitions", "Figure 2: form of OCSEA": "Figure 2: forms of OCSEA studied",
                       "Figure 2: related phenomenon": "Figure 2: related phenomena", "term used in the report": "Other terms"}


def show_definitions(definitions: pd.DataFrame) -> None:
    """Each group of terms as a definition list, then the CSV."""
    for kind, heading in DEFINITION_HEADINGS.items():
        rows = definitions[definitions["kind"] == kind]
        show_html(f"<h4>{html.escape(heading)}</h4><dl>", "".join(f"<dt>{html.escape(r.term)}</dt><dd>{html.escape(r.definition)}</dd>"
                                                              for r in rows.itertuples()), "</dl>")
    show_html("<p>", download_link(definitions, "definitions.csv", "this glossary"), "</p>")
