"""Administrative data on a page: each figure as printed (chart, printed table, CSV), derived
numbers beside their recomputation, and published counts glued for prose."""
from __future__ import annotations

import html

import pandas as pd

from ..io.country import CountryData
from ..report.admin import figure_rows, wide_table
from ..report.prose import printed_prose
from ..stats.numbers import decimals_of, printed, unit_kind, value_text
from .charts import count_chart
from .cite import cite_placeholder, references_html
from .prose import glue_numbers, glue_text
from .render import show_chart
from .tables import anchor_html, download_link, html_table, show_html
from .unpublished import or_not_published

ADMIN_LABELS = {"year": "Year", "category": "Category", "measure": "Measure", "value": "Count"}
DERIVED_ORDER = {"disagrees": 0, "not recomputable": 1, "agrees": 2}
#: The report's words for the measures of admin_counts.csv that figures draw side by side (as its tables head them).
MEASURE_LABELS = {"cybertip_reports": "CyberTip reports", "unique_upload_ips": "Unique upload IP addresses",
                  "p2p_ip_addresses": "IP addresses", "p2p_guids": "Globally unique identifiers",
                  "referrals": "Referrals", "entry_denials": "Entry denials", "hotline_reports": "Hotline reports",
                  "reports": "Reports"}


def measure_label(measure: str) -> str:
    """A measure in the report's words; an unlisted identifier becomes words ("entry_denials": "Entry denials")."""
    return MEASURE_LABELS.get(measure, measure.replace("_", " ").capitalize())


@or_not_published
def show_admin_figure(data: CountryData, figure_id: str) -> pd.DataFrame:
    """Draw one administrative figure as printed: chart, base and source, the printed table, CSV."""
    counts, figures = data.table("admin_counts"), data.table("admin_figures")
    if figure_id not in figures.index:
        raise data.not_published(f"administrative figure {figure_id!r}")
    spec = figures.loc[figure_id]
    rows = figure_rows(counts, spec).rename(columns=ADMIN_LABELS)
    title = f"{spec['label']}: {spec['title']}" if spec["label"] else spec["title"]
    source = (f"Source: {spec['base']}, as published in {data.metadata.report.short}"
              + (f", {spec['label']}." if spec["label"] else ".") + " Published counts, not estimates.")
    cites = (spec.get("cites") or "").split(";") + [data.metadata.report.bibkey or ""]
    show_html(anchor_html(figure_id), cite_placeholder(figure_id, title, spec["label"], data.metadata.report.short))
    scale = " Symmetric-log scale." if spec["log_scale"] == "true" else ""
    drawn = rows.assign(Measure=rows["Measure"].map(measure_label))
    show_chart(count_chart(drawn, ADMIN_LABELS[spec["x"]], "Count", ADMIN_LABELS[spec["colour"]], title,
                           [source + scale + " Cells printed blank are not drawn."],
                           log_scale=spec["log_scale"] == "true", x_title=""))
    wide = wide_table(counts, spec["table_id"], spec["measures"].split(";"))
    row_label = "Measure" if set(wide.index) <= set(counts["measure"]) else "Category"
    show_html(html_table(wide, f"{title}, as printed", index=True, index_label=row_label, note=html.escape(source) + references_html(cites)), "<p>",
              download_link(counts[counts["table_id"] == spec["table_id"]].drop(columns="key"), f"{figure_id}.csv"), "</p>")
    return rows


@or_not_published
def show_derived(data: CountryData, checked: pd.DataFrame, figures: list[str] | None = None, intro: str = "") -> None:
    """Printed derived numbers beside their recomputation, disagreements first."""
    view = checked if figures is None else checked[checked["figure"].isin(figures) | checked["section"].isin(figures)]
    if view.empty:
        raise data.not_published(f"numbers derived from counts ({', '.join(figures or [])})")
    view = view.assign(order=view["verdict"].map(DERIVED_ORDER)).sort_values("order", kind="stable")
    show_html(f"<p>{html.escape(intro)}</p>" if intro else "",
              html_table(derived_for_readers(view), "Printed derived numbers beside their recomputation"
                         + (f" ({', '.join(figures)})" if figures else "")))


def derived_for_readers(view: pd.DataFrame) -> pd.DataFrame:
    """Derived numbers as the report prints them (``261%``, ``just under 8``) beside the recomputation,
    shown one decimal finer than the printed value so that a reader sees why it agrees or not."""
    return pd.DataFrame({
        "Description": view["description"],
        "Printed": [printed(v, q, u) for v, q, u in zip(view["printed"], view["qualifier"], view["unit"])],
        "Recomputed": [value_text(c, unit_kind(u), decimals_of(p) + 1) for c, p, u in zip(view["recomputed"], view["printed"], view["unit"])],
        "Verdict": view["verdict"],
    })


@or_not_published
def show_counts(data: CountryData, table_ids: list[str], columns: list[str], intro: str = "") -> None:
    """Published counts of some tables or prose passages, as printed."""
    counts = data.table("admin_counts")
    chosen = counts[counts["table_id"].isin(table_ids)]
    if chosen.empty:
        raise data.not_published(f"counts {', '.join(table_ids)}")
    if "value" in columns:  # each count as printed, by its unit (a count, a percentage, a ratio ...)
        chosen = chosen.assign(value=[value_text(v, unit_kind(u)) for v, u in zip(chosen["value"], chosen["unit"])])
    show_html(f"<p>{html.escape(intro)}</p>" if intro else "",
              html_table(chosen[columns], intro or "Published counts as printed, section " + ", ".join(dict.fromkeys(chosen["section"]))))


@or_not_published
def show_checks(data: CountryData, frame: pd.DataFrame, intro: str) -> None:
    """A table of additions checked (printed totals, parents of nested tables)."""
    if frame.empty:
        raise data.not_published("printed tables to add up")
    show_html(f"<p>{html.escape(intro)}</p>", html_table(frame, "Printed totals beside the sum of their parts", kinds={"year": "text"}))


def glue_admin(data: CountryData, checked: pd.DataFrame | None = None, cells: dict[str, str] | None = None,
               derived: dict[str, str] | None = None) -> None:
    """Glue published counts (by cell key) and derived numbers (by id) for the prose. A derived number
    is quoted as the report prints it; its recomputation sits in the page's table."""
    counts = data.table("admin_counts")
    values = dict(zip(counts["key"], counts["value"]))
    for name, key in (cells or {}).items():
        if key not in values or pd.isna(values[key]):
            glue_numbers(**{name: data.not_published(f"count {key!r}")})
        else:
            glue_numbers(**{name: float(values[key])})
    table = checked.set_index("derived_id") if checked is not None else pd.DataFrame()
    for name, derived_id in (derived or {}).items():
        if derived_id not in table.index:
            glue_text(**{name: data.not_published(f"derived number {derived_id!r}")})
            continue
        row = table.loc[derived_id]
        glue_text(**{name: printed_prose(row["printed"], row["qualifier"], row["unit"])})
