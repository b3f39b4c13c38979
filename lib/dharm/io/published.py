"""Every published table of a country, declared as data: file, schema and the tables it checks against.

Each :class:`TableSpec` names its CSV, its pandera schema (built from the tables it depends
on, for checks across files) and an optional ``finish`` step that adds derived columns. One
function, :func:`load_table`, reads any of them; dependencies are loaded first, so a
cross-file check (a formula naming a cell of another table, a placeholder naming a number)
sees validated data.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import BREAKDOWNS, GROUPS, SCALED_SUFFIX, SURVEY_FILES, data_root
from .errors import parameter_error
from .survey import load_indicators
from .tables import choice, matching, number, read_csv_text, row_rule, text, validate

# Vocabularies the published tables use.
UNITS = ("percent", "count")
QUALIFIERS = ("more than", "at least", "up to", "as many as", "approximately", "almost")
CHARTS = ("bars", "heatmap", "risk", "none")
ADMIN_UNITS = ("count", "ratio", "percent", "score", "years")
AXES = ("year", "category", "measure")
COVERAGE = ("covered", "partly covered", "not covered", "condition", "draft only")
DEFINITION_KINDS = ("core", "Figure 2: form of OCSEA", "Figure 2: related phenomenon", "term used in the report")
AUDIENCES = ("government", "law enforcement", "justice professionals", "caregivers/teachers/social support", "industry")
NUMBER_KINDS = ("survey", "population", "ratio", "pooled", "printed", "rank", "frontline", "derived", "policy", "legislation")
RESEARCH_ACTIVITIES = {
    "RA1": "interviews with government representatives",
    "RA3": "survey of frontline social-service workers",
    "RA4": "access-to-justice interviews (children, caregivers, justice professionals)",
    "RA5": "conversations with survivors",
    "RA8": "interviews with law enforcement",
}
ATTRIBUTION = r"(RA[13458])-[A-Za-z0-9&-]+"  # the report's codes, kept as printed (including its own variants)
SIZE_CHECK = r"survey:(children|caregivers)|frontline:base_n|admin:[^:]+:[^:]+:[^:]*:[^:]*:\d{0,4}"
CELL = re.compile(r"\{([^{}]+)\}")  # a cell of admin_counts.csv inside a formula
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")  # a number of chapter4_numbers.csv inside a statement
TYPED_PERCENT = re.compile(r"\d+(\.\d+)?\s?%")
# Where the report prints a number (the `figure` column): a number the report prints, or a panel it leaves unnumbered,
# named by the title figures.csv gives it and the section it is printed in (never an invented number).
PANEL_PLACE = re.compile(r"panel: (?P<title>.+) \(section (?P<section>\d+(\.\d+)*)\)")
PLACE = (r"Figure \d+|Figures \d+(-\d+)?(, \d+(-\d+)?)*|" + PANEL_PLACE.pattern.replace("?P<title>", "").replace("?P<section>", "")
         + r"|panels on .+ \(sections .+\)")
PLACE_TEXT = "empty, 'Figure 6', 'Figures 3-5, 7-12', or 'panel: <title of figures.csv> (section <its section>)'"

Tables = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class TableSpec:
    """One published CSV: where it is, how it is checked, what it depends on, what is added after."""

    file: str
    schema: Callable[[Tables], pa.DataFrameSchema]
    depends: tuple[str, ...] = ()
    finish: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    folder: str = "published"
    needs_indicators: bool = False  # checked against data/codebook/indicators.csv
    sourced: bool = False  # rows may name their source in an optional column `source` (see load_table)


def _per_row(frame: pd.DataFrame, test: Callable) -> pd.Series:
    return pd.Series([bool(test(r)) for r in frame.itertuples(index=False)], index=frame.index)


def _unique(column: str) -> pa.Check:
    return row_rule(column, lambda d: ~d[column].duplicated(), "a value used once in the column")


def gap_pattern(cell: str) -> re.Pattern:
    """A cell of known_gaps.csv: ';'-separated alternatives, '*' matching anything."""
    return re.compile("|".join(f"(?:{re.escape(p).replace(chr(92) + '*', '.*')})" for p in cell.split(";")))


def _known_inconsistency(gaps: pd.DataFrame) -> Callable[[str, str, str], bool]:
    """Whether known_gaps.csv records a report inconsistency for a number (indicator, breakdown, group)."""
    rows = gaps[gaps["kind"] == "report inconsistency"]
    patterns = [tuple(gap_pattern(c) for c in cells) for cells in zip(rows["indicator_id"], rows["breakdown"], rows["group"])]
    return lambda *number: any(all(p.fullmatch(x) for p, x in zip(cells, number)) for cells in patterns)


def _hedges_agree(a: float, qa: str, b: float, qb: str) -> bool:
    """Two printings of one number agree: the same hedge and value, or a hedge the unhedged value
    satisfies ('more than 80' beside 81); two different hedges are not compared."""
    if qa == qb:
        return a == b
    if qa and qb:
        return True
    exact, (hedged, qualifier) = (a, (b, qb)) if not qa else (b, (a, qa))
    if qualifier == "more than":
        return exact > hedged
    if qualifier in ("up to", "almost"):
        return exact <= hedged
    return True  # 'approximately': any nearby value


def _disagreeing(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """For each row, the first earlier row printing the same number (same ``keys``) with a value it
    does not agree with; -1 where there is none. Works on the file as read and on the typed table."""
    value = pd.to_numeric(frame["value"], errors="coerce")
    qualifier = frame["qualifier"] if "qualifier" in frame else pd.Series("", index=frame.index)
    out = pd.Series(-1, index=frame.index)
    printed = frame[value.notna()]
    for _, rows in printed.groupby(keys, sort=False):
        if len(rows) < 2:
            continue
        for i in rows.index:
            out[i] = next((j for j in rows.index if j < i
                           and not _hedges_agree(value[i], qualifier[i], value[j], qualifier[j])), -1)
    return out


def _one_value(keys: list[str], exempt: Callable[[pd.DataFrame], pd.Series] | None = None) -> pa.Check:
    """Every printing of one number gives the same value (unless ``exempt``, e.g. a known report inconsistency)."""
    def explain(frame: pd.DataFrame, row: int) -> str:
        other = int(_disagreeing(frame, keys)[row])
        hedge = frame.at[other, "qualifier"] if "qualifier" in frame else ""
        return f"; row {other + 1} prints {(hedge + ' ') if hedge else ''}{frame.at[other, 'value']}"
    allowed = exempt or (lambda d: pd.Series(False, index=d.index))
    expected = (f"the value every other printing of this number gives (same {', '.join(keys)})"
                + (", or a 'report inconsistency' row of known_gaps.csv matching it" if exempt else ""))
    return row_rule("value", lambda d: (_disagreeing(d, keys) < 0) | allowed(d), expected, explain)


def _count_within_base() -> pa.Check:
    return row_rule("value", lambda d: (d["unit"] != "count") | ~(d["value"] > d["base_n"]),
                    "a count no larger than the row's base_n", lambda f, r: f" ({f.at[r, 'base_n']})")


def _percent_at_most_100() -> pa.Check:
    return row_rule("value", lambda d: (d["unit"] != "percent") | ~(d["value"] > 100), "a percentage of at most 100")


def evaluate_formula(expression: str) -> float:
    """Arithmetic only (numbers, + - * /, parentheses): formulas are data, not code."""
    ops = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            return ops[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError(f"unsupported element {type(node).__name__}")
    return walk(ast.parse(expression, mode="eval"))


def _is_arithmetic(formula: str) -> bool:
    if not formula:
        return True
    try:
        evaluate_formula(CELL.sub("1", formula))
    except (ValueError, SyntaxError, ZeroDivisionError):
        return False
    return True


def count_key(table_id: str, measure: str, dimension: str, category: str, year: str) -> str:
    """``table:measure:dimension:category:year``: the name a formula uses for one count."""
    return f"{table_id}:{measure}:{dimension}:{category}:{year}"


# ------------------------------------------------------------------ survey numbers and figures
def _survey_estimates(t: Tables) -> pa.DataFrameSchema:
    known = set(t["indicators"].index)
    inconsistent = _known_inconsistency(t["known_gaps"])
    stem = lambda ind: ind[: -len(SCALED_SUFFIX)] if ind.endswith(SCALED_SUFFIX) else ind  # noqa: E731
    return pa.DataFrameSchema({
        "indicator_id": text(), "respondent": text(), "wording": text(), "breakdown": choice(BREAKDOWNS), "group": text(),
        "value": number(lo=0, required=False), "unit": choice(UNITS), "qualifier": choice(QUALIFIERS, required=False),
        "base": text(required=False), "base_n": number(lo=1, required=False), "section": text(), "figure": _place_column(),
        "note": text(required=False)}, checks=[
        _panels_named(t),
        row_rule("indicator_id", lambda d: d["indicator_id"].map(lambda i: stem(i) in known or i.startswith("sample_")),
                 "an indicator defined in data/codebook/indicators.csv (or a sample_ size)"),
        row_rule("group", lambda d: _per_row(d, lambda r: r.group in GROUPS.get(r.breakdown, ())),
                 "a group of the row's breakdown (" + "; ".join(f"{b}: {', '.join(g)}" for b, g in GROUPS.items()) + ")"),
        row_rule("value", lambda d: d["value"].notna() | d["note"].str.contains("blank"),
                 "a number (a cell may be empty only where the printed cell is blank, and the note must say so)"),
        _percent_at_most_100(),
        _count_within_base(),
        # the same number (16-17 is one group of children whether printed by age band or by age split), printed twice
        _one_value(["indicator_id", "group", "unit"],
                   lambda d: _per_row(d, lambda r: inconsistent(r.indicator_id, r.breakdown, r.group))),
    ])


def _place_column() -> pa.Column:
    return matching(PLACE, PLACE_TEXT, required=False)


def _panels_named(t: Tables) -> pa.Check:
    """A `figure` cell naming a panel names a row of figures.csv by its title and section."""
    panels = set(zip(t["figures"]["title"], t["figures"]["section"]))
    named = lambda place: (m := PANEL_PLACE.fullmatch(place)) is None or (m["title"], m["section"]) in panels  # noqa: E731
    return row_rule("figure", lambda d: d["figure"].map(named), "a panel named by the title and section of a row of figures.csv")


def _figures(t: Tables) -> pa.DataFrameSchema:
    known = set(t["indicators"].index)
    return pa.DataFrameSchema({
        "figure_id": text(unique=True), "chapter": text(), "section": text(), "label": text(required=False), "title": text(),
        "base": text(), "indicators": text(), "breakdowns": text(), "chart": choice(CHARTS)}, checks=[
        _unique("figure_id"),
        row_rule("indicators", lambda d: d["indicators"].map(lambda s: all(i in known or i.startswith("sample_") for i in s.split(";"))),
                 "indicators defined in data/codebook/indicators.csv, ';'-separated"),
        row_rule("breakdowns", lambda d: d["breakdowns"].map(lambda s: all(b in GROUPS for b in s.split(";"))),
                 "breakdowns among " + ", ".join(GROUPS) + ", ';'-separated"),
    ])


def _rank_orders(t: Tables) -> pa.DataFrameSchema:
    known = set(t["indicators"].index)
    return pa.DataFrameSchema({
        "experience": text(), "question": choice(("offender", "feeling", "response", "platform")), "order": text(),
        "section": text(), "statement": text()}, checks=[
        row_rule("order", lambda d: _per_row(d, lambda r: all(f"child_ocsea_{r.experience}_{r.question}_{k}" in known
                                                              for k in r.order.split(";"))),
                 "answers whose indicators child_ocsea_<experience>_<question>_<answer> are defined, ';'-separated"),
    ])


def _known_gaps(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({"section": text(), "figure": _place_column(), "indicator_id": text(), "breakdown": text(),
                               "group": text(), "kind": text(), "description": text("a reason for the gap")},
                              checks=[_panels_named(t)])


def _pooled(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "indicator_id": text(), "wording": text(), "value": number(0, 100), "unit": choice(("percent",)),
        "qualifier": text(required=False), "printed_as": text(), "base": text(required=False), "section": text(),
        "note": text(required=False)})


# ------------------------------------------------------------------ administrative data
def _admin_counts(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "table_id": text(), "source": text(), "measure": text(), "dimension": text(), "category": text(),
        "year": matching(r"\d{4}", "a year such as 2019, or empty for a whole period", required=False),
        "value": number(required=False), "unit": choice(ADMIN_UNITS), "section": text(), "figure": text(required=False),
        "note": text(required=False)}, checks=[
        row_rule("value", lambda d: d["value"].notna() | d["note"].str.contains("blank"),
                 "a number (a cell may be empty only where the printed cell is blank, and the note must say so)"),
        row_rule("category", lambda d: ~d.duplicated(["table_id", "measure", "dimension", "category", "year"]),
                 "one row per printed cell (table, measure, dimension, category, year)"),
    ])


def _finish_admin_counts(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(key=[count_key(*r) for r in frame[["table_id", "measure", "dimension", "category", "year"]].itertuples(index=False)])


def _admin_derived(t: Tables) -> pa.DataFrameSchema:
    known = set(t["admin_counts"]["key"])
    return pa.DataFrameSchema({
        "derived_id": text(unique=True), "description": text(), "printed_value": number(),
        "qualifier": choice(("just under", "approximately"), required=False), "unit": text(), "formula": text(required=False),
        "section": text(), "figure": text(required=False), "note": text(required=False)}, checks=[
        row_rule("formula", lambda d: d["formula"].map(lambda f: all(k in known for k in CELL.findall(f))),
                 "{cells} of admin_counts.csv, named table:measure:dimension:category:year"),
        row_rule("formula", lambda d: d["formula"].map(_is_arithmetic), "arithmetic (+ - * / and parentheses) on {cells}"),
    ])


def _admin_figures(t: Tables) -> pa.DataFrameSchema:
    measures = t["admin_counts"].groupby("table_id")["measure"].agg(set).to_dict()
    return pa.DataFrameSchema({
        "figure_id": text(unique=True), "chapter": text(), "section": text(), "label": text(required=False), "title": text(),
        "base": text(), "table_id": choice(tuple(measures), description="a table_id of admin_counts.csv"),
        "measures": text(), "x": choice(AXES), "colour": choice(AXES), "log_scale": choice(("true", "false")),
        "cites": matching(r"[a-z0-9-]+(;[a-z0-9-]+)*", "keys of entries in references.bib, ;-separated", required=False)}, checks=[
        row_rule("measures", lambda d: _per_row(d, lambda r: all(m in measures.get(r.table_id, ()) for m in r.measures.split(";"))),
                 "measures of the row's table in admin_counts.csv, ';'-separated"),
    ])


# ------------------------------------------------------------------ frontline survey and interviews
def _frontline(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "question_id": text(), "question": text(), "answer": text(), "value": number(lo=0, required=False),
        "unit": choice(UNITS), "base_n": number(lo=1, required=False), "multiple": choice(("yes", "no")),
        "section": text(), "figure": text(required=False), "note": text(required=False)}, checks=[
        row_rule("value", lambda d: d["value"].notna() | d["note"].str.contains("words only"),
                 "a number (empty only for findings printed in words, whose note says 'words only')"),
        _percent_at_most_100(),
        _count_within_base(),
        _one_value(["question_id", "answer", "unit"]),
    ])


def _excerpts(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "excerpt_id": text(unique=True), "attribution": matching(ATTRIBUTION, "a code like RA4-CA-03-child (research activities "
                                                                              + ", ".join(RESEARCH_ACTIVITIES) + ")"),
        "research_activity": choice(tuple(RESEARCH_ACTIVITIES)), "respondent_group": text(required=False),
        "section": matching(r"\d(\.\d+)*", "a report section such as 3.2"), "theme": text(), "topic": text(required=False),
        "excerpt": text()}, checks=[
        _unique("excerpt_id"),
        row_rule("research_activity", lambda d: _per_row(d, lambda r: r.attribution.split("-")[0] == r.research_activity),
                 "the research activity at the start of the attribution code"),
    ])


# ------------------------------------------------------------------ front matter
def _research_activities(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "activity_id": text(), "in_figure_1": choice(("yes", "no")), "phase": choice(("1", "2"), required=False),
        "activity": text(), "code": text(required=False), "sample_size": number(lo=1, required=False),
        "unit": text(required=False), "period": text(required=False),
        "check": matching(SIZE_CHECK, "survey:children, survey:caregivers, frontline:base_n, admin:<cell of admin_counts.csv> or empty",
                          required=False),
        "section": text(), "note": text(required=False)}, checks=[
        _unique("activity_id"),
        row_rule("check", lambda d: (d["check"] == "") | d["sample_size"].notna(), "empty, because there is no sample size to check"),
    ])


def _definitions(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({"term": text(), "kind": choice(DEFINITION_KINDS), "definition": text(), "section": text()},
                              checks=[_unique("term")])


def _lost_figures(t: Tables) -> pa.DataFrameSchema:
    drawn = set(t["figures"]["figure_id"]) | set(t["admin_figures"]["figure_id"])
    return pa.DataFrameSchema({
        "figure_id": text(unique=True), "chapter": text(), "section": matching(r"\d+(\.\d+)*", "a section number such as 1.3.3"),
        "label": matching(r"Figure \d+", "the report's figure number, e.g. Figure 14"), "title": text(),
        "kind": choice(("diagram", "chart", "map", "photograph")), "shows": text("what the figure shows, in the book's words"),
        "survived": text("what of the figure survived the conversion (e.g. its caption)")}, checks=[
        _unique("figure_id"),
        row_rule("figure_id", lambda d: ~d["figure_id"].isin(drawn), "an id that figures.csv and admin_figures.csv do not use"),
    ])


def _context(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "item_id": text(), "panel": text(), "item": text(), "value": number(required=False), "unit": text(required=False),
        "year": text(required=False), "source": text(required=False), "survived": choice(("yes", "no")),
        "check": matching(SIZE_CHECK, "survey:children, survey:caregivers, frontline:base_n, admin:<cell of admin_counts.csv> or empty",
                          required=False),
        "note": text(required=False)}, checks=[
        _unique("item_id"),
        row_rule("value", lambda d: (d["survived"] == "yes") == d["value"].notna(), "a value exactly when survived is 'yes'"),
        row_rule("note", lambda d: (d["survived"] == "yes") | (d["note"] != ""), "a note saying what was lost"),
    ])


def _legislation(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "topic_id": text(), "topic": text(), "coverage": choice(COVERAGE), "what_law_covers": text(), "gaps": text(required=False),
        "articles": text(required=False), "instrument": text(required=False), "section": text()}, checks=[_unique("topic_id")])


def _policies(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "policy_id": text(), "policy": text(), "start_year": number(1950, 2100, required=False, integer=True),
        "end_year": number(1950, 2100, required=False, integer=True), "issued_by": text(required=False),
        "summary": text(required=False), "section": text()}, checks=[
        _unique("policy_id"),
        row_rule("end_year", lambda d: d["end_year"].isna() | (d["start_year"].notna() & (d["end_year"] >= d["start_year"])),
                 "a year no earlier than start_year (which must be given), or empty"),
    ])


def _finish_policies(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.astype({"start_year": "Int64", "end_year": "Int64"})
    out["period"] = [("" if pd.isna(s) else f"{s}" + ("" if pd.isna(e) else f"-{e}")) for s, e in zip(out["start_year"], out["end_year"])]
    return out


# ------------------------------------------------------------------ chapter 4
def _chapter4_numbers(t: Tables) -> pa.DataFrameSchema:
    needs_ref = ("survey", "ratio", "population", "frontline", "derived", "policy", "pooled")
    return pa.DataFrameSchema({
        "number_id": matching(r"[a-z0-9_]+", "an id of lower-case letters, digits and _"), "used_in": text(),
        "kind": choice(NUMBER_KINDS), "ref": text(required=False), "group": text(required=False),
        "printed": number(required=False), "qualifier": text(required=False), "printed_section": text(required=False),
        "note": text(required=False)}, checks=[
        _unique("number_id"),
        row_rule("printed", lambda d: ~d["kind"].isin(("pooled", "printed")) | d["printed"].notna(),
                 "the printed value, for a pooled or printed number"),
        row_rule("ref", lambda d: ~d["kind"].isin(needs_ref) | (d["ref"] != ""), "a reference, for this kind of number"),
    ])


def _statement_rules(column: str, numbers: pd.DataFrame) -> list[pa.Check]:
    known = set(numbers["number_id"])
    return [
        row_rule(column, lambda d: d[column].map(lambda s: all(n in known for n in PLACEHOLDER.findall(s))),
                 "{placeholders} that are number_ids of chapter4_numbers.csv"),
        row_rule(column, lambda d: d[column].map(lambda s: not TYPED_PERCENT.search(PLACEHOLDER.sub("", s))),
                 "no typed percentage (write a {placeholder} naming a row of chapter4_numbers.csv)"),
    ]


def _insights(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "insight_number": number(lo=1, integer=True), "title": text(), "statement": text(), "sections": text(required=False)},
        checks=[row_rule("insight_number", lambda d: d["insight_number"] == pd.Series(range(1, len(d) + 1), index=d.index),
                         "insights numbered 1, 2, ... in order"), *_statement_rules("statement", t["chapter4_numbers"])])


def _recommendations(t: Tables) -> pa.DataFrameSchema:
    insights = set(t["insights"]["insight_number"])
    return pa.DataFrameSchema({
        "recommendation_id": text(), "insight_number": number(integer=True), "number_in_report": text(required=False),
        "audience": text(), "summary": text(), "note": text(required=False)}, checks=[
        _unique("recommendation_id"),
        row_rule("insight_number", lambda d: d["insight_number"].isin(insights), "an insight_number of insights.csv"),
        row_rule("audience", lambda d: d["audience"].map(lambda a: all(x in AUDIENCES for x in a.split(";"))),
                 "audiences among " + ", ".join(AUDIENCES) + ", ';'-separated"),
        *_statement_rules("summary", t["chapter4_numbers"])])


def _assumptions(t: Tables) -> pa.DataFrameSchema:
    return pa.DataFrameSchema({
        "file": choice(("design", *SURVEY_FILES)), "variable": text(), "codes": text(required=False),
        "breakdown": choice(BREAKDOWNS), "group": text(), "value": number(), "reason": text("a reason for the assumption")}, checks=[
        row_rule("group", lambda d: _per_row(d, lambda r: r.group in GROUPS.get(r.breakdown, ())),
                 "a group of the row's breakdown (" + "; ".join(f"{b}: {', '.join(g)}" for b, g in GROUPS.items()) + ")"),
    ])


def _as_int(column: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame.astype({column: int})


TABLES: dict[str, TableSpec] = {
    "survey_estimates": TableSpec("survey_estimates.csv", _survey_estimates, depends=("known_gaps", "figures"), needs_indicators=True,
                                  sourced=True),
    "figures": TableSpec("figures.csv", _figures, needs_indicators=True, finish=lambda f: f.set_index("figure_id", drop=False),
                         sourced=True),
    "rank_orders": TableSpec("rank_orders.csv", _rank_orders, needs_indicators=True),
    "known_gaps": TableSpec("known_gaps.csv", _known_gaps, depends=("figures",), sourced=True),
    "pooled_statements": TableSpec("pooled_statements.csv", _pooled, sourced=True),
    "admin_counts": TableSpec("admin_counts.csv", _admin_counts, finish=_finish_admin_counts),
    "admin_derived": TableSpec("admin_derived.csv", _admin_derived, depends=("admin_counts",)),
    "admin_figures": TableSpec("admin_figures.csv", _admin_figures, depends=("admin_counts",),
                               finish=lambda f: f.set_index("figure_id", drop=False)),
    "frontline_survey": TableSpec("frontline_survey.csv", _frontline, sourced=True),
    "excerpts": TableSpec("excerpts.csv", _excerpts),
    "research_activities": TableSpec("research_activities.csv", _research_activities),
    "definitions": TableSpec("definitions.csv", _definitions),
    "context": TableSpec("context.csv", _context),
    "lost_figures": TableSpec("lost_figures.csv", _lost_figures, depends=("figures", "admin_figures"),
                              finish=lambda f: f.set_index("figure_id", drop=False)),
    "legislation": TableSpec("legislation.csv", _legislation),
    "policies": TableSpec("policies.csv", _policies, finish=_finish_policies),
    "chapter4_numbers": TableSpec("chapter4_numbers.csv", _chapter4_numbers),
    "insights": TableSpec("insights.csv", _insights, depends=("chapter4_numbers",), finish=_as_int("insight_number")),
    "recommendations": TableSpec("recommendations.csv", _recommendations, depends=("insights", "chapter4_numbers"),
                                 finish=_as_int("insight_number")),
    "assumptions": TableSpec("assumptions.csv", _assumptions, folder="survey"),
}


PUBLISHED_TABLES = tuple(name for name, spec in TABLES.items() if spec.folder == "published")


def country_dir(country: str, root: Path | str | None = None) -> Path:
    """The folder of one country's data; a clear error naming the known countries."""
    base = data_root(root)
    if not isinstance(country, str) or not country or "/" in country:
        raise parameter_error("country", country, "the name of a folder under data/")
    path = base / country
    if not path.is_dir():
        known = sorted(p.name for p in base.iterdir() if p.is_dir() and p.name != "codebook") if base.is_dir() else []
        raise parameter_error("country", country, f"a folder under {base}; known countries: {', '.join(known) or 'none'}")
    return path


def source_column(sources: frozenset[str] | None) -> pa.Column:
    """The ``source`` column of a table whose rows may name where they come from.

    A cell is a source id of the country's metadata.yml (the report or one of its other
    sources); empty means the report itself. Without the metadata's ids (``sources`` None)
    only empty cells are accepted: a named source is checked when the table is loaded through
    :class:`dharm.io.country.CountryData`, which knows them.
    """
    if sources is None:
        return choice((), required=False, description="empty (source ids are checked against metadata.yml: "
                                                      "load the table through CountryData)")
    return choice(sorted(sources), required=False,
                  description="a source id of metadata.yml (" + ", ".join(sorted(sources)) + "), or empty for the report")


def load_table(name: str, country: str, root: Path | str | None = None, loaded: Tables | None = None,
               published: frozenset[str] | None = None, sources: frozenset[str] | None = None) -> pd.DataFrame:
    """Read and validate one published table (and, first, the tables it is checked against).

    ``loaded`` holds tables already read, so a caller loading several shares their dependencies.
    ``published`` names the tables the country publishes (its metadata); any other published
    table is returned empty, with its columns, so that a page can say it is not published.
    ``sources`` are the source ids of the country's metadata, which the optional ``source``
    column of a sourced table may name; a file without that column comes wholly from the
    country's report (the column is not added, so the table reads as it is written).
    """
    if name not in TABLES:
        raise KeyError(f"no published table {name!r} (known: {', '.join(TABLES)})")
    spec = TABLES[name]
    loaded = loaded if loaded is not None else {}
    context: Tables = {}
    for dep in spec.depends:
        if dep not in loaded:
            loaded[dep] = load_table(dep, country, root, loaded, published, sources)
        context[dep] = loaded[dep]
    if spec.needs_indicators:
        context["indicators"] = load_indicators(root)
    path = country_dir(country, root) / spec.folder / spec.file
    schema = spec.schema(context)
    unpublished = published is not None and spec.folder == "published" and name not in published
    raw = pd.DataFrame({c: pd.Series(dtype=str) for c in schema.columns}) if unpublished else read_csv_text(path)
    if spec.sourced and "source" in raw.columns:
        schema = schema.add_columns({"source": source_column(sources)})
    frame = validate(raw, schema, path)
    frame.attrs["path"] = str(path)
    return spec.finish(frame) if spec.finish else frame
