"""Administrative data exactly as published (NCMEC CyberTips, hotline reports, referrals).

These are counts, not survey estimates: they need no generator and no intervals. The
book keeps them as tidy tables (``admin_counts.csv``; printed blanks stay missing) and
recomputes every derived number the report prints from them (``admin_derived.csv``:
percentage changes, shares, reports per IP address), showing where the printed value
and the recomputed one disagree.
"""
from __future__ import annotations

import ast
import operator
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .data import DataValidationError, _read_csv, _require_number, _require_values, country_dir

COUNT_COLUMNS = ["table_id", "source", "measure", "dimension", "category", "year", "value", "unit", "section", "figure", "note"]
DERIVED_COLUMNS = ["derived_id", "description", "printed_value", "qualifier", "unit", "formula", "section", "figure", "note"]
KEY = re.compile(r"\{([^{}]+)\}")
_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def count_key(row) -> str:
    """``table:measure:dimension:category:year``, the name a formula uses for one count."""
    return f"{row['table_id']}:{row['measure']}:{row['dimension']}:{row['category']}:{row['year']}"


def load_admin_counts(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """Published counts, one row per printed cell; blank cells keep an empty value."""
    path = country_dir(country, data_root) / "published" / "admin_counts.csv"
    frame = _read_csv(path, COUNT_COLUMNS)
    _require_values(frame, path, "unit", ("count", "ratio", "percent", "score"))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.value == "" and "blank" not in row.note:
            raise DataValidationError(f"{path}, row {i}, column 'value': empty; only cells printed blank may be empty, and their note must say so")
        if row.year and not re.fullmatch(r"\d{4}", row.year):
            raise DataValidationError(f"{path}, row {i}, column 'year': {row.year!r} is not a year (leave it empty for a whole period)")
    frame["value"] = _require_number(frame, path, "value", allow_empty=True)
    frame["key"] = [count_key(r) for _, r in frame.iterrows()]
    dup = frame["key"].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0]) + 1
        raise DataValidationError(f"{path}, row {i}: the cell {frame['key'][dup].iloc[0]!r} appears twice")
    return frame


def load_admin_derived(country: str = "cambodia", data_root: Path | str | None = None,
                       counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Derived numbers as printed, with the formula that recomputes each from the counts."""
    path = country_dir(country, data_root) / "published" / "admin_derived.csv"
    frame = _read_csv(path, DERIVED_COLUMNS)
    frame["printed_value"] = _require_number(frame, path, "printed_value", allow_empty=False)
    counts = counts if counts is not None else load_admin_counts(country, data_root)
    known = set(counts["key"])
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for key in KEY.findall(row.formula):
            if key not in known:
                raise DataValidationError(f"{path}, row {i}, column 'formula': {{{key}}} is not a cell of admin_counts.csv")
        if row.formula:
            try:
                _evaluate(KEY.sub("1", row.formula))
            except (ValueError, SyntaxError) as exc:
                raise DataValidationError(f"{path}, row {i}, column 'formula': {row.formula!r} is not arithmetic on {{cells}} ({exc})") from None
    return frame


FIGURE_COLUMNS = ["figure_id", "chapter", "section", "label", "title", "base", "table_id", "measures", "x", "colour", "log_scale"]


def load_admin_figures(country: str = "cambodia", data_root: Path | str | None = None,
                       counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """How each administrative figure is drawn: its table, measures and axes, as data."""
    path = country_dir(country, data_root) / "published" / "admin_figures.csv"
    frame = _read_csv(path, FIGURE_COLUMNS)
    _require_values(frame, path, "x", ("year", "category", "measure"))
    _require_values(frame, path, "colour", ("year", "category", "measure"))
    _require_values(frame, path, "log_scale", ("true", "false"))
    counts = counts if counts is not None else load_admin_counts(country, data_root)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        known = set(counts.loc[counts["table_id"] == row.table_id, "measure"])
        if not known:
            raise DataValidationError(f"{path}, row {i}, column 'table_id': {row.table_id!r} is not a table of admin_counts.csv")
        for m in row.measures.split(";"):
            if m not in known:
                raise DataValidationError(f"{path}, row {i}, column 'measures': {m!r} is not a measure of {row.table_id}")
    return frame.set_index("figure_id", drop=False)


def figure_rows(counts: pd.DataFrame, spec: pd.Series) -> pd.DataFrame:
    """The cells one administrative figure draws: its measures, without printed totals."""
    cells = counts[(counts["table_id"] == spec["table_id"]) & counts["measure"].isin(spec["measures"].split(";"))]
    sub = cells[(cells["dimension"] != "total") & ~cells["dimension"].str.contains(">", regex=False)]  # top level of nested tables
    if sub.empty:  # a table of totals only (e.g. reports by year)
        sub = cells.assign(category=cells["category"].replace("total", "All reports"))
    if (sub["year"] != "").any():
        sub = sub[sub["year"] != ""]
    return sub.assign(year=sub["year"].replace("", "All years"))


def _evaluate(expression: str) -> float:
    """Arithmetic only (numbers, + - * /, parentheses): formulas are data, not code."""
    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError(f"unsupported element {type(node).__name__}")
    return walk(ast.parse(expression, mode="eval"))


def printed_decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def recompute_derived(counts: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Each printed derived number beside its recomputation and a verdict.

    A printed value agrees when the recomputed one rounds to it at the printed number of
    decimals; 'just under' and 'approximately' are read as such.
    """
    values = dict(zip(counts["key"], counts["value"]))
    rows = []
    for d in derived.itertuples(index=False):
        if not d.formula:
            rows.append((d.derived_id, d.description, d.printed_value, np.nan, "not recomputable"))
            continue
        cells = [values[k] for k in KEY.findall(d.formula)]
        if any(np.isnan(v) for v in cells):
            rows.append((d.derived_id, d.description, d.printed_value, np.nan, "not recomputable"))
            continue
        recomputed = _evaluate(KEY.sub(lambda m: repr(values[m.group(1)]), d.formula))
        half_step = 0.5 * 10 ** -printed_decimals(d.printed_value)
        if d.qualifier == "just under":
            agrees = d.printed_value - 0.5 <= recomputed < d.printed_value
        elif d.qualifier == "approximately":
            agrees = abs(recomputed - d.printed_value) <= 1.0
        else:
            agrees = abs(recomputed - d.printed_value) <= half_step + 1e-9
        rows.append((d.derived_id, d.description, d.printed_value, recomputed, "agrees" if agrees else "disagrees"))
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


def chapter_of(section: str) -> str:
    """The page a number belongs to, from its section (2.1.2 -> 2; methods -> methods; executive summary -> summary)."""
    if section[:1].isdigit():
        return section.split(".")[0]
    return "methods" if section == "methods" else "summary"


def admin_ledger(country: str = "cambodia", chapter: int | str | None = None) -> pd.DataFrame:
    """Ledger rows: every printed derived number, total and parent row, recomputed (one chapter or all)."""
    counts = load_admin_counts(country)
    derived = recompute_derived(counts, load_admin_derived(country, counts=counts))
    rows = []
    for d in derived.itertuples(index=False):
        status = {"agrees": "reproduced", "disagrees": "outside tolerance", "not recomputable": "not recomputable"}[d.verdict]
        rows.append((chapter_of(d.section), d.section, d.figure, d.derived_id, "total", "Total",
                     d.printed, d.recomputed, status))
    for t in check_totals(counts).itertuples(index=False):
        status = "reproduced" if t.verdict == "adds up" else "outside tolerance"
        rows.append((chapter_of(t.section), t.section, t.figure, f"{t.table_id} total ({t.year})", "total", "Total",
                     t.printed_total, t.sum_of_cells, status))
    for h in check_hierarchy(counts).itertuples(index=False):
        status = "reproduced" if h.verdict == "adds up" else "outside tolerance"
        rows.append((chapter_of(h.section), h.section, h.figure, f"{h.table_id}: {h.parent} ({h.year})", "total", "Total",
                     h.printed_parent, h.sum_of_children, status))
    out = pd.DataFrame(rows, columns=["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "status"])
    out["computed"] = out["computed"].round(2)
    out["diff"] = (out["computed"] - out["published"]).round(2)
    return out if chapter is None else out[out["chapter"] == str(chapter)].reset_index(drop=True)


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
