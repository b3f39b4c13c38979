"""Numbers the executive summary and chapter 4 restate from the chapters.

They are recomputed by the calls the chapters make (``figure_table``, ``scale_to_population``,
the administrative recomputation, the frontline survey), never copied, and each carries a
link to the chapter figure that shows it in full. Chapter 4's insights and recommendations
are data (``insights.csv``, ``recommendations.csv``) whose ``{placeholders}`` name rows of
``chapter4_numbers.csv``; :func:`fill` writes the computed numbers into them.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .data import GROUPS, DataValidationError, _read_csv, _require_number, _require_unique, _require_values, country_dir
from .figures import CountryData, check_rank_orders, figure_table, scale_to_population
from .reporting import ReportingRules

AUDIENCES = ("government", "law enforcement", "justice professionals", "caregivers/teachers/social support", "industry")
NUMBER_KINDS = ("survey", "population", "ratio", "pooled", "printed", "rank", "frontline", "derived", "policy", "legislation")
NUMBER_COLUMNS = ["number_id", "used_in", "kind", "ref", "group", "printed", "qualifier", "printed_section", "note"]
PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")
CHAPTER_PAGES = {"summary": "00_summary", "methods": "00_methods", "context": "00_context", "1": "01_children_online",
                 "2": "02_ocsea", "3": "03_response", "4": "04_disrupting_harm"}
SURVEY_KIND = {True: "synthetic survey estimate", False: "survey estimate"}


def figure_anchor(figure_id: str) -> str:
    """The HTML id a chapter gives each figure, so other pages can link to it."""
    return f"figure-{figure_id}"


def anchor_html(figure_id: str) -> str:
    """An empty element carrying a figure's id: the target of links from other pages."""
    return f'<span class="dharm-anchor" id="{figure_anchor(figure_id)}"></span>'


def figure_href(chapter: str, figure_id: str) -> str:
    """Relative link from any page of the book to a figure of a chapter."""
    return f"{CHAPTER_PAGES[str(chapter)]}.html#{figure_anchor(figure_id)}"


def figure_of(data: CountryData, indicator_id: str) -> str:
    """The first figure (in report order) that shows an indicator."""
    for figure_id, indicators in data.figures["indicators"].items():
        if indicator_id in indicators.split(";"):
            return figure_id
    raise KeyError(f"indicator {indicator_id!r} is in no figure of figures.csv")


class _Tables:
    """Figure tables computed once per figure, with every breakdown the page asks for."""

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


def panel_name(spec: pd.Series) -> str:
    """How to name a text panel that has no figure number: its short title and section."""
    title = spec["title"].split(" (")[0]
    if len(title) > 60:
        title = title[:60].rsplit(" ", 1)[0] + "..."
    return f"{title} (section {spec['section']})"


def round_significant(value: float, digits: int = 2) -> float:
    """A national count rounded as the report rounds them (160,347 -> 160,000)."""
    return float(round(value, -int(np.floor(np.log10(abs(value)))) + digits - 1)) if value else 0.0


def number_text(row: dict | pd.Series, rules: ReportingRules) -> str:
    """How a number reads in a sentence: the reporting rules decide between a share and a count."""
    unit = row["unit"]
    if unit == "percent" and row.get("small_base", False):
        return f"{int(row['n_positive'])} of {int(row['n'])} children"
    if unit == "percent":
        return f"{row['value']:.0f}%"
    if unit == "children":
        return f"{round_significant(row['value']):,.0f}"
    if unit == "ratio":
        return f"{row['value']:.1f}"
    if unit == "percent change":
        return f"{row['value']:.0f}%"
    if unit == "count":
        return f"{row['value']:,.0f}"
    return str(row["text"]) if row.get("text") else f"{row['value']:g}"


# ---------------------------------------------------------------- executive summary
def summary_numbers(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Every number the executive summary prints, recomputed, with its chapter figure.

    Survey percentages come from the chapter's figure table, the 160,000 from
    ``scale_to_population``, the caregiver count from the microdata and the CyberTips rise
    from the administrative recomputation.
    """
    from .admin import load_admin_counts, load_admin_derived, recompute_derived

    tables = _Tables(data, rules)
    rows = []
    published = data.published[(data.published["section"] == "summary") & data.published["value"].notna()]
    for p in published.itertuples(index=False):
        name = p.indicator_id if p.group == "Total" else f"{p.indicator_id}_{p.group}"
        base = {"name": name, "wording": p.wording, "group": p.group, "printed": p.value, "qualifier": p.qualifier}
        if p.indicator_id.startswith("sample_"):
            n = len(data.surveys[p.respondent if p.respondent in data.surveys else "children"])
            rows.append(base | {"value": float(n), "unit": "count", "n": n, "chapter": "methods", "figure_id": "sample",
                                "figure": "the sample", "data_kind": "records in the synthetic survey file" if data.synthetic else "survey records"})
            continue
        if p.indicator_id.endswith("_population"):
            indicator_id = p.indicator_id[: -len("_population")]
            number = _survey_number(tables, indicator_id, "Total")
            scaled = scale_to_population(data, tables.get(number["figure_id"], "total"), indicator_id, rules)
            rows.append(base | number | {"value": scaled["estimate"], "ci_low": scaled["ci_low"], "ci_high": scaled["ci_high"],
                                         "unit": "children", "small_base": False})
            continue
        rows.append(base | _survey_number(tables, p.indicator_id, p.group))
    counts = load_admin_counts(data.country)
    derived = recompute_derived(counts, load_admin_derived(data.country, counts=counts))
    for d in derived[derived["section"] == "executive summary"].itertuples(index=False):
        rows.append({"name": d.derived_id, "wording": d.description, "group": "Total", "printed": d.printed,
                     "qualifier": "", "value": float(d.recomputed), "unit": "percent change", "n": np.nan,
                     "chapter": "2", "figure_id": _admin_figure_id(data.country, d.figure), "figure": d.figure,
                     "data_kind": "recomputed from published administrative counts"})
    out = pd.DataFrame(rows)
    out["text"] = [number_text(r, rules) for _, r in out.iterrows()]
    out["link"] = [figure_href(c, f) for c, f in zip(out["chapter"], out["figure_id"])]
    return out


def _admin_figure_id(country: str, label: str) -> str:
    from .admin import load_admin_figures
    figures = load_admin_figures(country)
    hit = figures[figures["label"] == label]
    if hit.empty:
        raise KeyError(f"no administrative figure labelled {label!r}")
    return str(hit["figure_id"].iloc[0])


def load_pooled_statements(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """Numbers the report prints for all OCSEA experiences pooled ('one in five', 'between 0% and 3%').

    The report does not say how it pooled the experiences, and its own pooled numbers
    disagree from section to section, so the book keeps them as printed and cannot recompute them.
    """
    path = country_dir(country, data_root) / "published" / "pooled_statements.csv"
    frame = _read_csv(path, ["indicator_id", "wording", "value", "unit", "qualifier", "printed_as", "base", "section", "note"])
    frame["value"] = _require_number(frame, path, "value", allow_empty=False, lo=0, hi=100)
    _require_values(frame, path, "unit", ("percent",))
    _require_values(frame, path, "printed_as")
    return frame


def pooled_ledger(country: str = "cambodia") -> pd.DataFrame:
    """Ledger rows for the pooled statements: printed, not recomputable."""
    from .admin import chapter_of

    pooled = load_pooled_statements(country)
    out = pd.DataFrame({"chapter": pooled["section"].map(chapter_of), "section": pooled["section"], "figure": "",
                        "indicator": pooled["indicator_id"], "breakdown": "total", "group": "Total",
                        "published": pooled["value"], "computed": np.nan, "status": "not recomputable"})
    out["diff"] = np.nan
    from .ledger import LEDGER_COLUMNS, with_known_gaps
    return with_known_gaps(out, country)[LEDGER_COLUMNS]


# ---------------------------------------------------------------- chapter 4
def load_chapter4_numbers(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """The numbers chapter 4 quotes, and the evidence its insights draw on, each with how to recompute it."""
    path = country_dir(country, data_root) / "published" / "chapter4_numbers.csv"
    frame = _read_csv(path, NUMBER_COLUMNS)
    _require_values(frame, path, "kind", NUMBER_KINDS)
    frame["printed"] = _require_number(frame, path, "printed", allow_empty=True)
    _require_unique(frame, path, "number_id")
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.kind in ("pooled", "printed") and pd.isna(row.printed):
            raise DataValidationError(f"{path}, row {i}, column 'printed': a {row.kind} number must give the printed value")
        if row.kind in ("survey", "ratio", "population", "frontline", "derived", "policy", "pooled") and not row.ref:
            raise DataValidationError(f"{path}, row {i}, column 'ref': a {row.kind} number needs a reference")
    return frame


def _check_placeholders(frame: pd.DataFrame, column: str, path: Path, numbers: pd.DataFrame) -> None:
    known = set(numbers["number_id"])
    for i, text in enumerate(frame[column], start=1):
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                raise DataValidationError(f"{path}, row {i}, column '{column}': {{{name}}} is not a number_id of chapter4_numbers.csv")
        if re.search(r"\d+(\.\d+)?\s?%", PLACEHOLDER.sub("", text)):
            raise DataValidationError(f"{path}, row {i}, column '{column}': a percentage is typed; use a {{placeholder}}")


def load_insights(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """The six insights: a title and a statement in the book's words, numbers as placeholders."""
    path = country_dir(country, data_root) / "published" / "insights.csv"
    frame = _read_csv(path, ["insight_number", "title", "statement", "sections"])
    frame["insight_number"] = _require_number(frame, path, "insight_number", allow_empty=False, lo=1).astype(int)
    if list(frame["insight_number"]) != list(range(1, len(frame) + 1)):
        raise DataValidationError(f"{path}, column 'insight_number': expected 1, 2, ... in order")
    _check_placeholders(frame, "statement", path, load_chapter4_numbers(country, data_root))
    return frame


def load_recommendations(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """Every recommendation (numbered, and the unnumbered bullets) with its insight and audiences."""
    path = country_dir(country, data_root) / "published" / "recommendations.csv"
    frame = _read_csv(path, ["recommendation_id", "insight_number", "number_in_report", "audience", "summary", "note"])
    _require_unique(frame, path, "recommendation_id")
    insights = set(load_insights(country, data_root)["insight_number"])
    frame["insight_number"] = _require_number(frame, path, "insight_number", allow_empty=False).astype(int)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.insight_number not in insights:
            raise DataValidationError(f"{path}, row {i}, column 'insight_number': {row.insight_number} is not an insight of insights.csv")
        for audience in row.audience.split(";"):
            if audience not in AUDIENCES:
                raise DataValidationError(f"{path}, row {i}, column 'audience': {audience!r} is not one of {', '.join(AUDIENCES)}")
    _check_placeholders(frame, "summary", path, load_chapter4_numbers(country, data_root))
    return frame


def check_audience(audience) -> list[str] | None:
    """The ``audience`` parameter: None (all), one audience or a list of them."""
    if audience is None:
        return None
    chosen = [audience] if isinstance(audience, str) else list(audience) if isinstance(audience, (list, tuple)) else None
    if not chosen or any(a not in AUDIENCES for a in chosen):
        raise ValueError(f"parameter audience={audience!r}: expected None or one or more of {', '.join(AUDIENCES)}")
    return chosen


def recommendations_for(recommendations: pd.DataFrame, audience=None) -> pd.DataFrame:
    """The recommendations addressed to ``audience`` (any of them when it is a list; all when None)."""
    chosen = check_audience(audience)
    if chosen is None:
        return recommendations
    keep = recommendations["audience"].map(lambda a: bool(set(a.split(";")) & set(chosen)))
    return recommendations[keep]


def chapter4_numbers(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Each number of chapter 4 recomputed, with its interval or base, its source and a link."""
    from .admin import load_admin_counts, load_admin_derived, recompute_derived
    from .evidence import load_frontline
    from .frontmatter import load_legislation, load_policies

    tables = _Tables(data, rules)
    counts = load_admin_counts(data.country)
    derived = recompute_derived(counts, load_admin_derived(data.country, counts=counts)).set_index("derived_id")
    frontline = load_frontline(data.country)
    policies = load_policies(data.country).set_index("policy_id")
    law = load_legislation(data.country)
    rows = []
    for spec in load_chapter4_numbers(data.country).itertuples(index=False):
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
            ranks = check_rank_orders(data, rules)
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
                          "chapter": "3", "figure_id": _admin_figure_id(data.country, d["figure"]) if d["figure"] else "",
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
    out = pd.DataFrame(rows)
    out["text"] = [r["text"] if r["text"] else number_text(r, rules) for _, r in out.iterrows()]
    out["link"] = [figure_href(c, f) if c and f else "" for c, f in zip(out["chapter"], out["figure_id"])]
    return out


def _label(data: CountryData, row: dict) -> str:
    """What a chapter-4 number is, in words, for the evidence tables."""
    from .data import GROUP_LABELS

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


def fill(template: str, numbers: pd.DataFrame, links: bool = True) -> str:
    """A statement with each ``{placeholder}`` replaced by its computed number (as HTML, linked)."""
    by_id = numbers.set_index("number_id")
    parts, last = [], 0
    for m in PLACEHOLDER.finditer(template):
        parts.append(html.escape(template[last:m.start()]))
        row = by_id.loc[m.group(1)]
        text = html.escape(str(row["text"]))
        parts.append(f'<a href="{row["link"]}"><strong>{text}</strong></a>' if links and row["link"] else f"<strong>{text}</strong>")
        last = m.end()
    parts.append(html.escape(template[last:]))
    return "".join(parts)


def chapter4_ledger(data: CountryData, rules: ReportingRules | None = None) -> pd.DataFrame:
    """Ledger rows for every number chapter 4 prints, judged as the chapters judge theirs (known gaps marked)."""
    from .ledger import LEDGER_COLUMNS, TOLERANCE_TOTAL, with_known_gaps

    rules = rules or ReportingRules()
    rows = []
    numbers = chapter4_numbers(data, rules)
    for r in numbers[numbers["printed"].notna()].itertuples(index=False):
        indicator = r.ref if r.kind in ("survey", "population", "ratio", "pooled", "derived") else f"chapter 4: {r.number_id}"
        if r.kind == "population":
            indicator += "_population"
        if pd.isna(r.value):
            status = "not recomputable"
        elif r.kind == "ratio":
            status = "reproduced" if 1.5 <= r.value <= r.printed else "outside tolerance"
        elif r.kind == "population":
            tolerance = 0.5 * 10 ** (np.floor(np.log10(r.printed)) - 1)
            status = "reproduced" if abs(r.value - r.printed) <= tolerance else "outside tolerance"
        elif r.small_base:
            status = "small base"
        else:
            status = "reproduced" if abs(r.value - r.printed) <= TOLERANCE_TOTAL + 1e-9 else "outside tolerance"
        rows.append(("4", "4", r.used_in, indicator, "total" if r.kind != "ratio" else "sex",
                     "Total" if r.kind != "ratio" else r.group, r.printed, r.value, status))
    out = pd.DataFrame(rows, columns=["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "status"])
    out["computed"] = out["computed"].astype(float).round(2)
    out["diff"] = (out["computed"] - out["published"]).round(2)
    return with_known_gaps(out, data.country)[LEDGER_COLUMNS]
