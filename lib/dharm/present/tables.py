"""Tables on a page: one style, one number format, and the data behind every table as CSV."""
from __future__ import annotations

import base64
import html

import pandas as pd
from IPython.display import HTML, display

from ..report.keynumbers import figure_anchor
from ..stats.numbers import table_number

TABLE_CLASS = "dharm-table"


def anchor_html(figure_id: str) -> str:
    """An empty element carrying a figure's id: the target of links from other pages."""
    return f'<span class="dharm-anchor" id="{figure_anchor(figure_id)}"></span>'


def html_table(frame: pd.DataFrame, escape: bool = True, index: bool = False) -> str:
    """A data frame as the book's one table style (numbers through the one formatter)."""
    return frame.to_html(index=index, border=0, classes=TABLE_CLASS, na_rep="", float_format=table_number, escape=escape)


def download_link(table: pd.DataFrame, filename: str, what: str = "this figure") -> str:
    """An HTML link that downloads ``table`` as CSV, embedded in the page (no server, no network)."""
    payload = base64.b64encode(table.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:text/csv;charset=utf-8;base64,{payload}">'
            f"Download the data of {html.escape(what)} (CSV: {html.escape(filename)})</a>")


def readable_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names as a reader sees them: ``issued_by`` -> ``Issued by``."""
    return frame.rename(columns=lambda c: c.replace("_", " ").capitalize())


def show_html(*parts: str) -> None:
    """Put HTML fragments on the page."""
    display(HTML("".join(parts)))


def show_table(table: pd.DataFrame, filename: str, anchor: str | None = None, caption: str = "",
               escape: bool = True, download: pd.DataFrame | None = None) -> None:
    """A data table (optional link target and caption) with its CSV download."""
    head = (anchor_html(anchor) if anchor else "") + (f"<p>{html.escape(caption)}</p>" if caption else "")
    show_html(head, html_table(table, escape=escape), "<p>",
              download_link(table if download is None else download, filename), "</p>")
