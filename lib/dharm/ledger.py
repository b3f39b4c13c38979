"""The reproduction ledger: every published number beside the number the book computes.

The checks come from the evidence modules of :mod:`dharm.report`, listed once in
:data:`PRODUCERS`; the ledger adds the difference, marks the known gaps (published numbers
the book cannot reproduce, and the report's own inconsistencies, from ``known_gaps.csv``)
and assigns each number to the page that first prints it. ``python -m dharm ledger`` writes
it to ``_build/reproduction.csv``.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .config import page_order
from .io.country import CountryData
from .io.published import gap_pattern
from .report.admin import admin_checks
from .report.frontline import frontline_checks
from .report.frontmatter import frontmatter_checks
from .report.keynumbers import chapter4_checks, pooled_checks
from .report.survey import survey_checks
from .stats import judge
from .stats.rules import ReportingRules

LEDGER_COLUMNS = ["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "diff", "status",
                  "computed_count"]
STATUSES = judge.STATUSES

# Every producer of published-against-computed checks, in report order: (name, function of data and rules).
PRODUCERS: list[tuple[str, Callable[[CountryData, ReportingRules], pd.DataFrame]]] = [
    ("survey figures", survey_checks),
    ("administrative counts", lambda data, rules: admin_checks(data)),
    ("frontline survey", lambda data, rules: frontline_checks(data)),
    ("front matter", frontmatter_checks),
    ("chapter 4", chapter4_checks),
    ("pooled statements", lambda data, rules: pooled_checks(data)),
]


def with_known_gaps(checks: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Rows not reproduced that match a known-gaps entry (indicator, breakdown, group) become 'known gap'."""
    patterns = [tuple(gap_pattern(c) for c in (g.indicator_id, g.breakdown, g.group)) for g in gaps.itertuples(index=False)]
    out = checks.copy()
    for i, row in out[out["status"].isin([judge.OUTSIDE, judge.NOT_RECOMPUTABLE])].iterrows():
        if any(ip.fullmatch(row["indicator"]) and bp.fullmatch(row["breakdown"]) and gp.fullmatch(row["group"])
               for ip, bp, gp in patterns):
            out.loc[i, "status"] = judge.KNOWN_GAP
    return out


def page_of(section: str, chapter: str) -> str:
    """The book page that first prints a number: the summary and methods pages keep their own."""
    if section in ("summary", "executive summary"):
        return "summary"
    return "methods" if section == "methods" else str(chapter)


def build_ledger(data: CountryData, rules: ReportingRules | None = None) -> pd.DataFrame:
    """Every page's published numbers, checked by every producer, known gaps marked once."""
    rules = rules or ReportingRules()
    checks = pd.concat([produce(data, rules) for _, produce in PRODUCERS], ignore_index=True)
    checks["computed"] = checks["computed"].round(2)
    checks["diff"] = (checks["computed"] - checks["published"]).round(2)
    checks["chapter"] = [page_of(s, c) for s, c in zip(checks["section"], checks["chapter"])]
    small = checks["status"] == judge.SMALL_BASE  # no share computed on a small base is ever shown: its count is
    checks.loc[small, ["computed", "diff"]] = float("nan")
    return with_known_gaps(checks, data.table("known_gaps"))[LEDGER_COLUMNS]


def page_ledger(ledger: pd.DataFrame, *pages: str) -> pd.DataFrame:
    """The ledger rows of some pages (``"1"``, ``"summary"``, ...)."""
    return ledger[ledger["chapter"].isin([str(p) for p in pages])].reset_index(drop=True)


def ledger_summary(ledger: pd.DataFrame) -> pd.DataFrame:
    """How many published numbers fall in each status."""
    counts = ledger["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return counts.rename_axis("status").reset_index(name="published numbers")


def ledger_by_page(ledger: pd.DataFrame) -> pd.DataFrame:
    """Published numbers per book page and status (pages in reading order)."""
    order = page_order()
    table = pd.crosstab(ledger["chapter"], ledger["status"]).reindex(columns=list(STATUSES), fill_value=0)
    table = table.reindex([p for p in order if p in table.index] + [p for p in table.index if p not in order])
    table["total"] = table.sum(axis=1)
    return table.rename_axis("page").reset_index()


def write_ledger(ledger: pd.DataFrame, out: Path) -> Path:
    """Write the ledger as CSV, atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    ledger.to_csv(tmp, index=False, lineterminator="\n")
    tmp.replace(out)
    return out
