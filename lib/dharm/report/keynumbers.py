"""Numbers the executive summary and chapter 4 restate from the chapters.

They are recomputed from the same tables the chapters show (figure tables from the estimate
store, the population scaling, the administrative recomputation, the frontline survey),
never copied, and each carries a link to the chapter figure that shows it in full.
Chapter 4's insights and recommendations are data (``insights.csv``,
``recommendations.csv``) whose ``{placeholders}`` name rows of ``chapter4_numbers.csv``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import GROUP_LABELS, GROUPS, SCALED_SUFFIX, page
from ..io.country import CountryData
from ..io.errors import NotPublished
from ..io.parameters import check_audience
from ..stats import judge
from ..stats.numbers import count_of, number_text as format_number
from ..stats.rules import ReportingRules
from .admin import admin_figure_id, recompute_derived
from .checks import checks_frame, page_of_section
from .prose import ProseRule, ProseRuleError, printed_prose, prose_rule, published_cell, small_base_label
from .survey import figure_table, rank_orders, scale_to_population, store_for

SURVEY_KIND = {True: "synthetic survey estimate", False: "survey estimate"}
# The columns of a table of restated numbers, so a country that restates none still gets a table with them.
NUMBER_COLUMNS = ["name", "number_id", "used_in", "kind", "ref", "wording", "label", "group", "printed", "qualifier", "value",
                  "ci_low", "ci_high", "n", "n_positive", "small_base", "unit", "chapter", "figure_id", "figure", "data_kind",
                  "text", "link", "prose"]
RATIO_FLOOR = 1.5  # 'almost twice': a computed ratio from 1.5 up to the printed value reproduces it


def figure_anchor(figure_id: str) -> str:
    """The HTML id a page gives each figure, so other pages can link to it."""
    return f"figure-{figure_id}"


def figure_href(chapter: str, figure_id: str) -> str:
    """Relative link from any page of the book to a figure of a page."""
    return f"{page(str(chapter)).html}#{figure_anchor(figure_id)}"


def figure_of(data: CountryData, indicator_id: str) -> str:
    """The first figure (in report order) that shows an indicator."""
    for figure_id, indicators in data.figures["indicators"].items():
        if indicator_id in indicators.split(";"):
            return figure_id
    raise KeyError(f"indicator {indicator_id!r} is in no figure of figures.csv")


def panel_name(spec: pd.Series) -> str:
    """How to name a text panel that has no figure number: its short title and section (or 'summary', 'methods')."""
    title = spec["title"].split(" (")[0]
    if len(title) > 60:
        title = title[:60].rsplit(" ", 1)[0] + "..."
    section = spec["section"]
    return f"{title} (section {section})" if section[:1].isdigit() else f"{title} ({section})"


def number_text(row: dict | pd.Series) -> str:
    """How a restated number reads in a sentence (a count of children on a small base)."""
    if row.get("text"):
        return str(row["text"])
    return format_number(row["value"], row["unit"], row.get("n_positive"), row.get("n"), bool(row.get("small_base", False)))


class _Tables:
    """Figure tables computed once per figure and breakdown, for the numbers a page restates."""

    def __init__(self, data: CountryData, rules: ReportingRules):
        self.data, self.rules, self.cache = data, rules, {}

    def get(self, figure_id: str, breakdown: str) -> pd.DataFrame:
        key = (figure_id, breakdown)
        if key not in self.cache:
            self.cache[key] = figure_table(self.data, figure_id, self.rules, [breakdown])
        return self.cache[key]


def _breakdown_of(group: str) -> str:
    for breakdown, groups in GROUPS.items():
        if group in groups:
            return breakdown
    raise KeyError(f"group {group!r} is not one of the groups of {', '.join(GROUPS)}")


def _survey_number(tables: _Tables, indicator_id: str, group: str) -> dict:
    figure_id = figure_of(tables.data, indicator_id)
    table = tables.get(figure_id, _breakdown_of(group))
    row = table[(table["indicator_id"] == indicator_id) & (table["group"] == group)].iloc[0]
    spec = tables.data.figures.loc[figure_id]
    return {"value": float(row["estimate"]), "ci_low": float(row["ci_low"]), "ci_high": float(row["ci_high"]),
            "n": int(row["n"]), "n_positive": int(row["n_positive"]), "small_base": bool(row["small_base"]),
            "unit": "percent", "chapter": str(spec["chapter"]), "figure_id": figure_id,
            "figure": spec["label"] or panel_name(spec), "data_kind": SURVEY_KIND[tables.data.synthetic]}


# ---------------------------------------------------------------- executive summary
def summary_numbers(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Every number the executive summary prints, recomputed, with its chapter figure."""
    tables = _Tables(data, rules)
    store = store_for(data, rules)
    rows = []
    published = data.published[(data.published["section"] == "summary") & data.published["value"].notna()]
    for p in published.itertuples(index=False):
        name = p.indicator_id if p.group == "Total" else f"{p.indicator_id}_{p.group}"
        base = {"name": name, "wording": p.wording, "group": p.group, "printed": p.value, "qualifier": p.qualifier}
        if p.indicator_id.startswith("sample_"):
            respondent = p.respondent if p.respondent in ("children", "caregivers") else "children"
            n = int(store.facts(respondent)["records"])
            rows.append(base | {"value": float(n), "unit": "count", "n": n, "chapter": "methods", "figure_id": "sample",
                                "figure": "the sample", "data_kind": "records in the synthetic survey file" if data.synthetic else "survey records"})
            continue
        if p.indicator_id.endswith(SCALED_SUFFIX):
            indicator_id = p.indicator_id[: -len(SCALED_SUFFIX)]
            number = _survey_number(tables, indicator_id, "Total")
            scaled = scale_to_population(data, tables.get(number["figure_id"], "total"), indicator_id, rules)
            rows.append(base | number | {"value": scaled["estimate"], "ci_low": scaled["ci_low"], "ci_high": scaled["ci_high"],
                                         "unit": "children", "small_base": False})
            continue
        rows.append(base | _survey_number(tables, p.indicator_id, p.group))
    derived = recompute_derived(data)
    for d in derived[derived["section"] == "executive summary"].itertuples(index=False):
        rows.append({"name": d.derived_id, "wording": d.description, "group": "Total", "printed": d.printed,
                     "qualifier": "", "value": float(d.recomputed), "unit": "percent change", "n": np.nan,
                     "chapter": "2", "figure_id": admin_figure_id(data, d.figure), "figure": d.figure,
                     "data_kind": "recomputed from published administrative counts"})
    if not rows:
        return pd.DataFrame(columns=NUMBER_COLUMNS)
    out = pd.DataFrame(rows)
    out["text"] = [number_text(r) for _, r in out.iterrows()]
    out["link"] = [figure_href(c, f) for c, f in zip(out["chapter"], out["figure_id"])]
    rule = prose_rule(data, rules)
    out["prose"] = [_or_unpublished(restated_prose, r, rule, r["data_kind"].startswith(("synthetic", "survey")))
                    for _, r in out.iterrows()]
    return out


def _or_unpublished(quote, *args) -> str | NotPublished:
    """What a sentence may quote, or the :class:`NotPublished` that says why it may not."""
    try:
        return quote(*args)
    except NotPublished as exc:
        return exc


def pooled_checks(data: CountryData) -> pd.DataFrame:
    """The pooled statements ('one in five', 'between 0% and 3%'): printed, not recomputable.

    The report does not say how it pooled the experiences, and its own pooled numbers
    disagree from section to section, so the book keeps them as printed.
    """
    pooled = data.table("pooled_statements")
    return checks_frame([(page_of_section(p.section), p.section, "", p.indicator_id, "total", "Total", p.value, np.nan,
                          judge.NOT_RECOMPUTABLE) for p in pooled.itertuples(index=False)])


# ---------------------------------------------------------------- chapter 4
def recommendations_for(recommendations: pd.DataFrame, audience=None) -> pd.DataFrame:
    """The recommendations addressed to ``audience`` (any of them when it is a list; all when None)."""
    chosen = check_audience(audience)
    if chosen is None:
        return recommendations
    keep = recommendations["audience"].map(lambda a: bool(set(a.split(";")) & set(chosen)))
    return recommendations[keep]


def chapter4_numbers(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Each number of chapter 4 recomputed, with its interval or base, its source and a link."""
    tables = _Tables(data, rules)
    derived = recompute_derived(data).set_index("derived_id")
    frontline = data.table("frontline_survey")
    policies = data.table("policies").set_index("policy_id")
    law = data.table("legislation")
    rows = []
    for spec in data.table("chapter4_numbers").itertuples(index=False):
        base = {"number_id": spec.number_id, "used_in": spec.used_in, "kind": spec.kind, "ref": spec.ref, "group": spec.group,
                "printed": spec.printed, "qualifier": spec.qualifier, "printed_section": spec.printed_section, "note": spec.note,
                "ci_low": np.nan, "ci_high": np.nan, "n": np.nan, "n_positive": np.nan, "small_base": False, "text": "",
                "chapter": "", "figure_id": "", "figure": "", "data_kind": ""}
        if spec.kind == "survey":
            row = base | _survey_number(tables, spec.ref, spec.group)
        elif spec.kind == "population":
            number = _survey_number(tables, spec.ref, "Total")
            scaled = scale_to_population(data, tables.get(number["figure_id"], "total"), spec.ref, rules)
            row = base | number | {"value": scaled["estimate"], "ci_low": scaled["ci_low"], "ci_high": scaled["ci_high"], "unit": "children"}
        elif spec.kind == "ratio":
            numerator, denominator = spec.group.split("/")
            top, bottom = _survey_number(tables, spec.ref, numerator), _survey_number(tables, spec.ref, denominator)
            row = base | top | {"value": top["value"] / bottom["value"], "unit": "ratio", "ci_low": np.nan, "ci_high": np.nan,
                                "n": top["n"] + bottom["n"], "n_positive": np.nan}
        elif spec.kind in ("pooled", "printed"):
            row = base | {"value": np.nan, "unit": "as printed",
                          "text": f"{spec.qualifier + ' ' if spec.qualifier else ''}{spec.printed:g}% as printed, not recomputed",
                          "data_kind": "printed only"}
        elif spec.kind == "rank":
            ranks = rank_orders(data, rules)
            ranks = ranks[ranks["question"] == spec.ref]
            row = base | {"value": float(ranks["honoured"].sum()), "n": len(ranks), "unit": "orders",
                          "text": f"{int(ranks['honoured'].sum())} of {len(ranks)}", "chapter": "2", "figure_id": "rank-orders",
                          "figure": "published orders (chapter 2)", "data_kind": SURVEY_KIND[data.synthetic]}
        elif spec.kind == "frontline":
            hit = frontline[(frontline["question_id"] == spec.ref) & (frontline["answer"] == spec.group)]
            if hit.empty:
                raise KeyError(f"chapter4_numbers {spec.number_id}: no frontline answer {spec.ref}/{spec.group}")
            h = hit.iloc[0]
            row = base | {"value": float(h["value"]), "unit": "percent", "n": h["base_n"], "chapter": "3",
                          "label": f"Frontline workers: {h['question'].lower()}: {h['answer'].lower()}",
                          "figure_id": spec.ref, "figure": h["figure"] or f"section {h['section']}",
                          "data_kind": "published frontline survey share (non-probability sample)"}
        elif spec.kind == "derived":
            d = derived.loc[spec.ref]
            recomputable = pd.notna(d["recomputed"])
            row = base | {"value": float(d["recomputed"]) if recomputable else np.nan, "unit": "percent", "label": d["description"],
                          "source_printed": d["printed"], "source_qualifier": d["qualifier"],
                          "chapter": "3", "figure_id": admin_figure_id(data, d["figure"]) if d["figure"] else "",
                          "figure": d["figure"] or f"section {d['section']}",
                          "text": "" if recomputable else f"{d['qualifier'] + ' ' if d['qualifier'] else ''}{d['printed']:g}% as printed, not recomputable",
                          "data_kind": "recomputed from published administrative counts" if recomputable else "printed only"}
        elif spec.kind == "policy":
            p = policies.loc[spec.ref]
            row = base | {"value": np.nan, "unit": "text", "text": p["period"], "chapter": "context", "figure_id": "policies",
                          "figure": "policy table", "data_kind": "policy table"}
        else:  # legislation
            topics = law.loc[law["coverage"] == spec.ref, "topic"].str.lower().tolist()
            row = base | {"value": float(len(topics)), "unit": "text",
                          "text": ", ".join(topics[:-1]) + (" or " if len(topics) > 1 else "") + topics[-1],
                          "chapter": "context", "figure_id": "legislation", "figure": "legislation table", "data_kind": "legislation table"}
        row["label"] = _label(data, row)
        rows.append(row)
    if not rows:
        return pd.DataFrame(columns=NUMBER_COLUMNS)
    out = pd.DataFrame(rows)
    out["text"] = [number_text(r) for _, r in out.iterrows()]
    out["link"] = [figure_href(c, f) if c and f else "" for c, f in zip(out["chapter"], out["figure_id"])]
    rule = prose_rule(data, rules)
    out["prose"] = [_or_unpublished(chapter4_prose, data, r, rule) for _, r in out.iterrows()]
    return out


def restated_prose(row, rule: ProseRule, survey: bool) -> str:
    """How a sentence quotes a restated number: the printed value (survey numbers once the files are
    real: the computed one), on a small base labelled so."""
    if survey and not rule.synthetic:
        return str(row["text"])
    if pd.isna(row["printed"]):
        if survey and not rule.show_modelled:
            raise ProseRuleError(rule.country_name, f"prose: {row.get('name', row.get('number_id'))} has no printed value and the survey files are synthetic")
        return str(row["text"]) if not survey else f"{row['text']} (modelled)"
    text = printed_prose(row["printed"], row.get("qualifier", "") or "", row["unit"])
    return small_base_label(text, rule) if survey and bool(row.get("small_base", False)) else text


def chapter4_prose(data: CountryData, row, rule: ProseRule) -> str:
    """A chapter-4 number in a sentence: what chapter 4 prints, else what the chapter figure prints; where
    chapter 4 prints a survey number differently from its figure, the sentence says so."""
    row = dict(row)
    survey = row["kind"] in ("survey", "population", "ratio")
    if row["kind"] in ("policy", "legislation", "rank"):
        return str(row["text"])
    if row["kind"] == "survey":
        cell = published_cell(data, row["ref"], row["group"], "percent")
        figure_value = None if cell is None else cell["value"]
        if pd.isna(row["printed"]) and figure_value is not None:
            return restated_prose(row | {"printed": figure_value, "qualifier": cell["qualifier"]}, rule, True)
        text = restated_prose(row, rule, True)
        if rule.synthetic and figure_value is not None and pd.notna(row["printed"]) and figure_value != row["printed"]:
            return f"{text} (as chapter 4 prints it; {row['figure']} prints {printed_prose(figure_value, cell['qualifier'])})"
        return text
    if row["kind"] in ("pooled", "printed"):
        return printed_prose(row["printed"], row["qualifier"] or "", "percent")
    if pd.isna(row["printed"]) and pd.notna(row.get("source_printed", np.nan)):  # what the chapter prints
        return printed_prose(row["source_printed"], row.get("source_qualifier", "") or "", row["unit"])
    if pd.isna(row["printed"]):
        return str(row["text"])  # published frontline shares
    return restated_prose(row, rule, survey)


def _label(data: CountryData, row: dict) -> str:
    """What a chapter-4 number is, in words, for the evidence tables."""
    kind, ref, group = row["kind"], row["ref"], row["group"]
    if kind in ("survey", "population", "ratio") and ref in data.indicators.index:
        label = data.indicators.loc[ref, "label"]
        if kind == "population":
            return f"{label}: internet-using children nationally"
        if kind == "ratio":
            top, bottom = group.split("/")
            return f"{label}: {GROUP_LABELS.get(top, top)} against {GROUP_LABELS.get(bottom, bottom)} (ratio)"
        return label if group == "Total" else f"{label} ({GROUP_LABELS.get(group, group)})"
    if row.get("label"):
        return row["label"]
    if kind == "rank":
        return f"Published {ref} orders honoured by the estimates"
    if kind == "policy":
        return "Period of the national OCSEA action plan"
    if kind == "legislation":
        return f"Offences the law does not cover ({ref})"
    return row["note"]


def chapter4_checks(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Every number chapter 4 prints, judged as the chapters judge theirs."""
    rows = []
    numbers = chapter4_numbers(data, rules)
    for r in numbers[numbers["printed"].notna()].itertuples(index=False):
        indicator = r.ref if r.kind in ("survey", "population", "ratio", "pooled", "derived") else f"chapter 4: {r.number_id}"
        if r.kind == "population":
            indicator += SCALED_SUFFIX
        if pd.isna(r.value):
            status = judge.NOT_RECOMPUTABLE
        elif r.kind == "ratio":
            status = judge.almost(r.printed, r.value, RATIO_FLOOR)
        elif r.kind == "population":
            status = judge.two_significant_digits(r.printed, r.value)
        else:
            status = judge.share(r.printed, r.value, r.small_base)
        small = count_of(r.n_positive, r.n, "children") if status == judge.SMALL_BASE else ""
        rows.append(("4", "4", r.used_in, indicator, "total" if r.kind != "ratio" else "sex",
                     "Total" if r.kind != "ratio" else r.group, r.printed, r.value, status, small))
    return checks_frame(rows)
