"""Tables on a page: one style, one number format, readable headers, and the data behind every table as CSV.

Every table of the book is written by :func:`html_table`: inside a container that scrolls
sideways on its own (so a wide table never widens the page on a phone), with header cells
``<th scope="col">``, an accessible name, numbers formatted by what their column holds
(:func:`dharm.stats.numbers.value_text`) and right-aligned, and the source or base note under
the table.
"""
from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping

import pandas as pd
from IPython.display import HTML, display

from ..report.keynumbers import figure_anchor
from ..stats.numbers import NUMBER_KINDS, is_missing, value_text

TABLE_CLASS = "dharm-table"
WRAP_CLASS = "dharm-table-wrap"
NOTE_CLASS = "dharm-table-note"
NUMBER_CLASS = "dharm-num"
LONG_TEXT_CLASS = "dharm-long"  # a column of sentences: given room to wrap into lines, not one word per line
LONG_TEXT = 40  # characters

# Names of columns and rows in the report's words, where dropping the underscores is not enough.
READABLE_NAMES = {
    "n": "Unweighted n", "n_positive": "Children with the answer", "base_n": "Base (n)", "id": "Check",
    "indicator_id": "Indicator", "table_id": "Printed table", "diff": "Difference", "computed_count": "Computed count",
    "printed_total": "Printed total", "sum_of_cells": "Sum of its cells", "printed_parent": "Printed total of the parent",
    "sum_of_children": "Sum of its parts", "published numbers": "Published numbers", "age_group": "Age group",
    "unique_upload_ips": "Unique upload IP addresses", "reports_per_ip": "Reports per unique IP address",
    "cybertip_reports": "CyberTip reports", "p2p_ip_addresses": "Peer-to-peer IP addresses", "p2p_guids": "Peer-to-peer GUIDs",
    "reporting_esps": "Reporting electronic service providers", "esps_listed": "Electronic service providers listed",
}
ACRONYMS = {"ip": "IP", "ips": "IPs", "esp": "ESP", "esps": "ESPs", "guid": "GUID", "guids": "GUIDs", "ocsea": "OCSEA",
            "ocse": "OCSE", "csam": "CSAM", "gdp": "GDP", "iwf": "IWF", "inhope": "INHOPE", "p2p": "P2P", "id": "ID",
            "ncmec": "NCMEC", "psu": "PSU", "psus": "PSUs"}
IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# Columns whose cells are identifiers of the data (a breakdown, a measure), shown in words.
IDENTIFIER_COLUMNS = ("breakdown", "measure")
# A cell that reads as a number: ``1,463``, ``-31%``, ``3.14``, ``81% (78-84)``, ``128,000 to 200,000``, ``about 160,000``.
# A number may carry the report's hedge (``just under 8``, ``approximately 11%``).
QUALIFIERS = ("more than", "up to", "approximately", "almost", "just under", "about", "at least", "as many as", "nearly", "over")
NUMERIC_TEXT = re.compile(r"^(?:(?:" + "|".join(QUALIFIERS) + r") )?"
                          r"[-+\u2212]?\d[\d,]*(\.\d+)?%?( \(\d[\d.]*-\d[\d.]*\)| to [-+]?\d[\d,]*(\.\d+)?%?)?$")


def readable_name(name) -> str:
    """A column or row name as a reader sees it: ``issued_by`` -> ``Issued by``, ``unique_upload_ips`` ->
    ``Unique upload IP addresses``. A name already in words (``Estimate % (95% CI)``, ``2019``) is kept."""
    text = str(name)
    if text in READABLE_NAMES:
        return READABLE_NAMES[text]
    if not IDENTIFIER.match(text):
        return text[:1].upper() + text[1:]
    words = [ACRONYMS.get(w, w) for w in text.split("_")]
    first = words[0] if words[0] in ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


def readable_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Column names as a reader sees them (:func:`readable_name`)."""
    return frame.rename(columns=readable_name)


def anchor_html(figure_id: str) -> str:
    """An empty element carrying a figure's id: the target of links from other pages."""
    return f'<span class="dharm-anchor" id="{figure_anchor(figure_id)}"></span>'


def column_kind(series: pd.Series) -> str:
    """How a column's numbers read when the table does not say: years bare, whole numbers as counts, others as numbers."""
    if str(series.name).lower() in ("year", "start_year", "end_year", "start year", "end year"):
        return "year"
    return "number"


def cell_texts(series: pd.Series, kind: str) -> list[str]:
    """The column's cells as text: numbers by ``kind``, text as it is, empty cells empty."""
    if kind == "text":
        return ["" if is_missing(v) else str(v) for v in series]
    return [value_text(v, kind) if not isinstance(v, str) else v for v in series]


def html_table(frame: pd.DataFrame, label: str, escape: bool = True, index: bool = False,
               kinds: Mapping[str, str] | None = None, caption: str = "", note: str = "", index_label: str = "") -> str:
    """A data frame as the book's one table: scrolling container, named, readable headers, numbers by kind.

    ``label`` names the table for assistive technology (and the scrolling region); ``caption`` is a
    visible caption above it; ``note`` (a source or base line, as HTML-safe text) goes under it.
    ``kinds`` maps a column to one of :data:`~dharm.stats.numbers.NUMBER_KINDS` or ``text``; other
    columns are read by :func:`column_kind`. ``index=True`` makes the row labels row headers.
    ``escape=False`` keeps HTML already in the cells (links)."""
    kinds = dict(kinds or {})
    unknown = set(kinds.values()) - set(NUMBER_KINDS) - {"text"}
    if unknown:
        raise ValueError(f"unknown column kinds {sorted(unknown)}; use one of {NUMBER_KINDS} or 'text'")
    body = frame.reset_index() if index else frame
    if index:
        body = body.rename(columns={body.columns[0]: index_label or frame.index.name or "Row"})
    quote = _breakable if escape else str
    columns, classes = [], []
    for position, name in enumerate(body.columns):
        series = body.iloc[:, position]
        kind = kinds.get(name, column_kind(series))
        texts = cell_texts(series, kind)
        if str(name).lower() in IDENTIFIER_COLUMNS:
            texts = [readable_name(t) for t in texts]
        filled = [t for t in texts if t]
        if filled and kind != "text" and all(NUMERIC_TEXT.match(t) for t in filled):
            classes.append(f' class="{NUMBER_CLASS}"')
        elif any(len(t) > LONG_TEXT for t in filled):
            classes.append(f' class="{LONG_TEXT_CLASS}"')
        else:
            classes.append("")
        columns.append(texts)
    heads = "".join(f'<th scope="col"{classes[i] if NUMBER_CLASS in classes[i] else ""}>{html.escape(readable_name(name))}</th>'
                    for i, name in enumerate(body.columns))
    rows = []
    for r in range(len(body)):
        cells = []
        for i, texts in enumerate(columns):
            cell = quote(texts[r])
            if index and i == 0:
                cells.append(f'<th scope="row">{html.escape(readable_name(texts[r]))}</th>')
            else:
                cells.append(f"<td{classes[i]}>{cell}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    name = html.escape(label, quote=True)
    top = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = (f'<div class="{WRAP_CLASS}" tabindex="0" role="region" aria-label="{name}">'
             f'<table class="{TABLE_CLASS}"' + ("" if caption else f' aria-label="{name}"') + f">{top}"
             f"<thead><tr>{heads}</tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>")
    return table + (f'<p class="{NOTE_CLASS}">{note}</p>' if note else "")


def _breakable(text: str) -> str:
    """Escaped text in which a long identifier (``child_ocsea_talk_sex_offender``) may break after its underscores."""
    return html.escape(text).replace("_", "_<wbr>")


def download_link(table: pd.DataFrame, filename: str, what: str = "this figure") -> str:
    """An HTML link that downloads ``table`` as CSV, embedded in the page (no server, no network)."""
    payload = base64.b64encode(table.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:text/csv;charset=utf-8;base64,{payload}">'
            f"Download the data of {html.escape(what)} (CSV: {html.escape(filename)})</a>")


def show_html(*parts: str) -> None:
    """Put HTML fragments on the page."""
    display(HTML("".join(parts)))


def show_table(table: pd.DataFrame, filename: str, label: str, anchor: str | None = None, caption: str = "",
               escape: bool = True, download: pd.DataFrame | None = None, kinds: Mapping[str, str] | None = None,
               note: str = "") -> None:
    """A data table (optional link target, caption and note) with its CSV download."""
    show_html(anchor_html(anchor) if anchor else "",
              html_table(table, label, escape=escape, kinds=kinds, caption=caption, note=note), "<p>",
              download_link(table if download is None else download, filename), "</p>")
