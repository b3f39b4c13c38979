"""A figure of the report that the book cannot redraw: its anchor, what it shows, and that it was lost."""
from __future__ import annotations

import html

from ..io.country import CountryData
from .tables import anchor_html, show_html
from .unpublished import or_not_published

LOST_CLASS = "dharm-lost-figure"


def lost_figure_html(spec: dict) -> str:
    """The block that stands where a lost figure would be: its number, caption and section, what it shows
    (from ``lost_figures.csv``), and the sentence saying its content did not survive the conversion."""
    name = f"{spec['label']}: {spec['title']}"
    return (f'<div class="{LOST_CLASS}" role="note"><p><strong>{html.escape(name)}</strong> '
            f"(report, section {html.escape(spec['section'])}). {html.escape(spec['shows'])}</p>"
            f"<p><em>The content of this {html.escape(spec['kind'])} did not survive the conversion of the report's PDF "
            f"to text: only {html.escape(spec['survived'])} did, so the book cannot redraw it.</em></p></div>")


@or_not_published
def show_lost_figure(data: CountryData, figure_id: str) -> None:
    """Where the report prints a figure whose content was lost: an anchor (``figure-<id>``) and what it showed."""
    lost = data.require("lost_figures")
    if figure_id not in lost.index:
        raise data.not_published(f"figure {figure_id}")
    show_html(anchor_html(figure_id), lost_figure_html(lost.loc[figure_id].to_dict()))
