"""The shape every producer of published-against-computed checks returns.

One row per published number: where it is printed (``chapter`` is the page key, ``section``,
``figure``), what it is (``indicator``, ``breakdown``, ``group``), the printed and computed
values, a status from :mod:`dharm.stats.judge` and, for a share computed on a base under the
minimum, the count that stands for it (``computed_count``: no such share is ever shown). The
ledger collects these tables.
"""
from __future__ import annotations

import pandas as pd

CHECK_COLUMNS = ["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "status",
                 "computed_count"]


def checks_frame(rows: list[tuple] | list[dict]) -> pd.DataFrame:
    """A checks table from rows in :data:`CHECK_COLUMNS` order (or dicts with those keys)."""
    if rows and isinstance(rows[0], tuple):  # a row may leave out the last column, computed_count
        frame = pd.DataFrame([row + ("",) * (len(CHECK_COLUMNS) - len(row)) for row in rows], columns=CHECK_COLUMNS)
    else:
        frame = pd.DataFrame(rows)
    frame = frame.reindex(columns=CHECK_COLUMNS)
    frame["computed_count"] = frame["computed_count"].fillna("")
    frame["chapter"] = frame["chapter"].astype(str)
    frame["published"] = frame["published"].astype(float)
    frame["computed"] = frame["computed"].astype(float)
    return frame


def page_of_section(section: str) -> str:
    """The page that prints a number, from its section: 2.1.2 -> 2; methods; the executive summary -> summary."""
    if section[:1].isdigit():
        return section.split(".")[0]
    if section == "methods":
        return "methods"
    return "summary"
