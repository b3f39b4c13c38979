"""Administrative data exactly as published (NCMEC CyberTips, hotline reports, referrals).

These are counts, not survey estimates: they need no generator and no intervals. The
book keeps them as tidy tables (``admin_counts.csv``; printed blanks stay missing) and
recomputes every derived number the report prints from them (``admin_derived.csv``:
percentage changes, shares, reports per IP address), showing where the printed value and
the recomputed one disagree; it also checks that printed tables add up.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.country import CountryData
from ..io.published import CELL, evaluate_formula
from ..stats import judge
from .checks import checks_frame, page_of_section

AGREES, DISAGREES, NOT_RECOMPUTABLE = "agrees", "disagrees", "not recomputable"


def figure_rows(counts: pd.DataFrame, spec: pd.Series) -> pd.DataFrame:
    """The cells one administrative figure draws: its measures, without printed totals."""
    cells = counts[(counts["table_id"] == spec["table_id"]) & counts["measure"].isin(spec["measures"].split(";"))]
    sub = cells[(cells["dimension"] != "total") & ~cells["dimension"].str.contains(">", regex=False)]  # top level of nested tables
    if sub.empty:  # a table of totals only (e.g. reports by year)
        sub = cells.assign(category=cells["category"].replace("total", "All reports"))
    if (sub["year"] != "").any():
        sub = sub[sub["year"] != ""]
    return sub.assign(year=sub["year"].replace("", "All years"))


def recompute_derived(data: CountryData) -> pd.DataFrame:
    """Each printed derived number beside its recomputation and a verdict at the printed precision."""
    counts, derived = data.table("admin_counts"), data.table("admin_derived")
    values = dict(zip(counts["key"], counts["value"]))
    rows = []
    for d in derived.itertuples(index=False):
        cells = [values[k] for k in CELL.findall(d.formula)]
        if not d.formula or any(np.isnan(v) for v in cells):
            rows.append((d.derived_id, d.description, d.printed_value, np.nan, NOT_RECOMPUTABLE))
            continue
        recomputed = evaluate_formula(CELL.sub(lambda m: repr(values[m.group(1)]), d.formula))
        verdict = AGREES if judge.at_printed_precision(d.printed_value, recomputed, d.qualifier) else DISAGREES
        rows.append((d.derived_id, d.description, d.printed_value, recomputed, verdict))
    out = pd.DataFrame(rows, columns=["derived_id", "description", "printed", "recomputed", "verdict"])
    return out.merge(derived[["derived_id", "qualifier", "unit", "section", "figure"]], on="derived_id")


def check_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """Within each table, do the printed categories add up to the printed total?

    Blank cells count as no reports for the sum (the total shows they were empty), but
    they stay missing in the data.
    """
    rows = []
    totals = counts[(counts["dimension"] == "total") & (counts["category"] == "total") & counts["value"].notna()]
    for t in totals.itertuples(index=False):
        parts = counts[(counts["table_id"] == t.table_id) & (counts["measure"] == t.measure) & (counts["year"] == t.year)
                       & (counts["dimension"] != "total") & ~counts["dimension"].str.contains(">", regex=False)]  # top level only
        if parts.empty:
            continue
        rows.append((t.table_id, t.measure, t.year or "all years", t.value, float(parts["value"].fillna(0).sum()),
                     t.section, t.figure))
    out = pd.DataFrame(rows, columns=["table_id", "measure", "year", "printed_total", "sum_of_cells", "section", "figure"])
    out["verdict"] = np.where(out["printed_total"] == out["sum_of_cells"], "adds up", "does not add up")
    return out


def check_hierarchy(counts: pd.DataFrame) -> pd.DataFrame:
    """Nested tables (dimension 'a>b', category 'A>B'): does each printed parent equal the sum of its children?"""
    rows = []
    nested = counts[counts["dimension"].str.contains(">", regex=False)]
    for (table, measure, year), sub in nested.groupby(["table_id", "measure", "year"], sort=False):
        for parent, children in sub.groupby(sub["category"].str.rsplit(">", n=1).str[0], sort=False):
            level = children["dimension"].iloc[0].rsplit(">", 1)[0]
            printed = counts[(counts["table_id"] == table) & (counts["measure"] == measure) & (counts["year"] == year)
                             & (counts["dimension"] == level) & (counts["category"] == parent)]
            if printed.empty or printed["value"].isna().all():
                continue
            rows.append((table, measure, year or "all years", parent, float(printed["value"].iloc[0]),
                         float(children["value"].fillna(0).sum()), printed["section"].iloc[0], printed["figure"].iloc[0]))
    out = pd.DataFrame(rows, columns=["table_id", "measure", "year", "parent", "printed_parent", "sum_of_children", "section", "figure"])
    out["verdict"] = np.where(out["printed_parent"] == out["sum_of_children"], "adds up", "does not add up")
    return out


def wide_table(counts: pd.DataFrame, table_id: str, measure: str | list[str] | None = None) -> pd.DataFrame:
    """One printed table back in its printed shape; blanks stay blank.

    Categories run down and years across; a table of several measures for one category
    has the measures down; a table without years has the measures across.
    """
    sub = counts[counts["table_id"] == table_id]
    if measure:
        sub = sub[sub["measure"].isin([measure] if isinstance(measure, str) else measure)]
    if sub.empty:
        raise KeyError(f"no admin table {table_id!r}" + (f" with measure {measure!r}" if measure else ""))
    sub = sub.assign(year=sub["year"].replace("", "All years"),
                     row=np.where(sub["dimension"] == "total", "Total", sub["category"]))
    several = sub["measure"].nunique() > 1
    if several and (sub["year"] == "All years").all():
        index, columns = "row", "measure"
    elif several:
        index, columns = "measure", "year"
    else:
        index, columns = "row", "year"
    wide = sub.pivot_table(index=index, columns=columns, values="value", aggfunc="first", dropna=False)
    wide = wide.reindex(index=list(dict.fromkeys(sub[index])), columns=list(dict.fromkeys(sub[columns])))
    wide.index.name, wide.columns.name = None, None
    return wide


def admin_figure_id(data: CountryData, label: str) -> str:
    """The id of the administrative figure printed as ``label`` (e.g. Figure 15)."""
    figures = data.table("admin_figures")
    hit = figures[figures["label"] == label]
    if hit.empty:
        raise KeyError(f"no administrative figure labelled {label!r}")
    return str(hit["figure_id"].iloc[0])


def admin_checks(data: CountryData) -> pd.DataFrame:
    """Every printed derived number, total and parent row of the administrative data, recomputed."""
    counts = data.table("admin_counts")
    status = {AGREES: judge.REPRODUCED, DISAGREES: judge.OUTSIDE, NOT_RECOMPUTABLE: judge.NOT_RECOMPUTABLE}
    adds = {"adds up": judge.REPRODUCED, "does not add up": judge.OUTSIDE}
    rows = [(page_of_section(d.section), d.section, d.figure, d.derived_id, "total", "Total", d.printed, d.recomputed, status[d.verdict])
            for d in recompute_derived(data).itertuples(index=False)]
    rows += [(page_of_section(t.section), t.section, t.figure, f"{t.table_id} total ({t.year})", "total", "Total",
              t.printed_total, t.sum_of_cells, adds[t.verdict]) for t in check_totals(counts).itertuples(index=False)]
    rows += [(page_of_section(h.section), h.section, h.figure, f"{h.table_id}: {h.parent} ({h.year})", "total", "Total",
              h.printed_parent, h.sum_of_children, adds[h.verdict]) for h in check_hierarchy(counts).itertuples(index=False)]
    return checks_frame(rows)
