"""The reproduction ledger: every published number beside the number the book computes.

Building the book writes ``_build/reproduction.csv`` (``python -m dharm.ledger``) from
the same calls the chapter notebooks make, with the report's reporting rules.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .data import DataValidationError, country_dir, _read_csv
from .data import SCALED_SUFFIX
from .figures import CountryData, figure_table, load_country, sample_table, scale_to_population
from .reporting import ReportingRules

LEDGER_COLUMNS = ["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "diff", "status"]
TOLERANCE_TOTAL = 0.5  # percentage points, whole-sample estimates
TOLERANCE_GROUP = 1.0  # percentage points, age, sex and area groups
STATUSES = ("reproduced", "outside tolerance", "small base", "known gap", "not recomputable")


def load_known_gaps(country: str = "cambodia", data_root=None) -> pd.DataFrame:
    """Published numbers the book cannot reproduce, and the report's own inconsistencies."""
    path = country_dir(country, data_root) / "published" / "known_gaps.csv"
    frame = _read_csv(path, ["section", "figure", "indicator_id", "breakdown", "group", "kind", "description"])
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.description.strip() == "":
            raise DataValidationError(f"{path}, row {i}, column 'description': every gap needs a reason")
    return frame


def _status(published: float, computed: float, breakdown: str, n: float, unit: str, qualifier: str,
            min_base: int) -> str:
    if unit == "count":
        return "reproduced" if computed == published else "outside tolerance"
    if qualifier == "more than":
        return "reproduced" if computed > published else "outside tolerance"
    if n < min_base:
        return "small base"
    tolerance = TOLERANCE_TOTAL if breakdown == "total" else TOLERANCE_GROUP
    return "reproduced" if abs(computed - published) <= tolerance + 1e-9 else "outside tolerance"


def chapter_ledger(data: CountryData, chapter: int | str, rules: ReportingRules | None = None) -> pd.DataFrame:
    """Ledger rows for every published number of one chapter's figures and text panels."""
    rules = rules or ReportingRules()
    rows = []
    figures = data.figures[data.figures["chapter"].astype(str) == str(chapter)]
    for spec in figures.itertuples(index=False):
        if spec.figure_id == "sample":
            for r in sample_table(data).dropna(subset=["published"]).itertuples(index=False):
                tol = 0 if r.unit == "count" else TOLERANCE_TOTAL
                ok = abs(r.computed - r.published) <= tol + 1e-9
                status = "reproduced" if ok else "outside tolerance"
                rows.append((chapter, r.section, "", r.indicator_id, r.breakdown, r.group, r.published, r.computed, status))
            continue
        indicators = spec.indicators.split(";")
        pub = data.published[data.published["indicator_id"].isin(indicators)]
        wanted = sorted(set(spec.breakdowns.split(";")) | set(pub["breakdown"]))
        table = figure_table(data, spec.figure_id, rules, wanted)
        scaled = data.published[data.published["indicator_id"].isin([i + SCALED_SUFFIX for i in indicators])]
        for p in scaled[scaled["value"].notna()].itertuples(index=False):
            computed = scale_to_population(data, table, p.indicator_id[: -len(SCALED_SUFFIX)], rules)["estimate"]
            tolerance = 0.5 * 10 ** (np.floor(np.log10(p.value)) - 1)  # half the last of two printed significant digits
            status = "reproduced" if abs(computed - p.value) <= tolerance else "outside tolerance"
            rows.append((chapter, p.section, p.figure or spec.label, p.indicator_id, p.breakdown, p.group, p.value, computed, status))
        for p in pub[pub["value"].notna()].itertuples(index=False):
            hit = table[(table["indicator_id"] == p.indicator_id) & (table["breakdown"] == p.breakdown) & (table["group"] == p.group)]
            if hit.empty:
                raise DataValidationError(f"ledger: no estimate for {p.indicator_id} {p.breakdown}={p.group} in {spec.figure_id}")
            h = hit.iloc[0]
            computed = float(h["n_positive"]) if p.unit == "count" else float(h["estimate"])
            status = _status(p.value, computed, p.breakdown, h["n"], p.unit, p.qualifier, rules.min_base)
            rows.append((chapter, p.section, p.figure or spec.label, p.indicator_id, p.breakdown, p.group,
                         p.value, computed, status))
            if not np.isnan(p.base_n):
                status = "reproduced" if float(h["n"]) == p.base_n else "outside tolerance"
                rows.append((chapter, p.section, p.figure or spec.label, f"{p.indicator_id} (base n)", p.breakdown, p.group,
                             p.base_n, float(h["n"]), status))
    out = pd.DataFrame(rows, columns=["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "status"])
    out["computed"] = out["computed"].round(2)
    out["diff"] = (out["computed"] - out["published"]).round(2)
    return with_known_gaps(out, data.country)[LEDGER_COLUMNS]


def ledger_summary(ledger: pd.DataFrame) -> pd.DataFrame:
    """How many published numbers fall in each status."""
    counts = ledger["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return counts.rename_axis("status").reset_index(name="published numbers")


def known_gap_pattern(cell: str) -> re.Pattern:
    """A known-gaps cell: ';'-separated alternatives, '*' matching anything."""
    return re.compile("|".join(f"(?:{re.escape(p).replace(chr(92) + '*', '.*')})" for p in cell.split(";")))


def with_known_gaps(ledger: pd.DataFrame, country: str = "cambodia") -> pd.DataFrame:
    """Rows not reproduced that match a known-gaps entry (indicator, breakdown, group) become 'known gap'."""
    gaps = [tuple(known_gap_pattern(c) for c in (g.indicator_id, g.breakdown, g.group))
            for g in load_known_gaps(country).itertuples(index=False)]
    out = ledger.copy()
    for i, row in out[out["status"].isin(["outside tolerance", "not recomputable"])].iterrows():
        if any(ip.fullmatch(row["indicator"]) and bp.fullmatch(row["breakdown"]) and gp.fullmatch(row["group"])
               for ip, bp, gp in gaps):
            out.loc[i, "status"] = "known gap"
    return out


def admin_chapter_ledger(country: str = "cambodia", chapter: int | str | None = None) -> pd.DataFrame:
    """The administrative data's ledger rows (one chapter, or all), known gaps marked."""
    from .admin import admin_ledger
    return with_known_gaps(admin_ledger(country, chapter), country)[LEDGER_COLUMNS]


def evidence_chapter_ledger(country: str = "cambodia", chapter: int | str | None = None) -> pd.DataFrame:
    """Frontline survey distributions that should add up to 100% (single-answer questions)."""
    from .admin import chapter_of
    from .evidence import distribution_check, load_frontline
    checks = distribution_check(load_frontline(country))
    rows = [(chapter_of(c.section), c.section, c.figure, f"frontline: {c.question_id} (sum of shares)", "total", "Total",
             100.0, float(c.sum_of_shares), "reproduced" if c.verdict == "adds up" else "outside tolerance")
            for c in checks.itertuples(index=False)]
    out = pd.DataFrame(rows, columns=["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "status"])
    out["diff"] = (out["computed"] - out["published"]).round(2)
    out = with_known_gaps(out, country)[LEDGER_COLUMNS]
    return out if chapter is None else out[out["chapter"] == str(chapter)].reset_index(drop=True)


PAGE_ORDER = ("summary", "methods", "context", "1", "2", "3", "4")


def page_of(section: str, chapter: str) -> str:
    """The book page that first prints a number: the summary and methods pages keep their own."""
    if section in ("summary", "executive summary"):
        return "summary"
    return "methods" if section == "methods" else str(chapter)


def build_ledger(country: str = "cambodia") -> pd.DataFrame:
    """Every page's ledger: survey figures, administrative data, the frontline survey, the
    front matter's sample sizes and chapter 4's numbers. ``chapter`` names the page."""
    from .frontmatter import frontmatter_ledger
    from .keyfindings import chapter4_ledger, pooled_ledger

    data = load_country(country)
    chapters = sorted(data.figures["chapter"].astype(str).unique())
    parts = [chapter_ledger(data, c) for c in chapters]
    parts.append(admin_chapter_ledger(country))
    parts.append(evidence_chapter_ledger(country))
    parts += [frontmatter_ledger(country, data), chapter4_ledger(data), pooled_ledger(country)]
    out = pd.concat(parts, ignore_index=True)
    out["chapter"] = [page_of(s, c) for s, c in zip(out["section"], out["chapter"].astype(str))]
    return out


def ledger_by_page(ledger: pd.DataFrame) -> pd.DataFrame:
    """Published numbers per book page and status (pages in report order)."""
    table = pd.crosstab(ledger["chapter"], ledger["status"]).reindex(columns=list(STATUSES), fill_value=0)
    table = table.reindex([p for p in PAGE_ORDER if p in table.index] + [p for p in table.index if p not in PAGE_ORDER])
    table["total"] = table.sum(axis=1)
    return table.rename_axis("page").reset_index()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the reproduction ledger")
    parser.add_argument("--country", default="cambodia")
    parser.add_argument("--out", default="_build/reproduction.csv")
    args = parser.parse_args(argv)
    ledger = build_ledger(args.country)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    ledger.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(out)
    print(f"wrote {out}: {len(ledger)} published numbers; " +
          ", ".join(f"{r['status']}: {r['published numbers']}" for _, r in ledger_summary(ledger).iterrows()))


if __name__ == "__main__":
    main()
