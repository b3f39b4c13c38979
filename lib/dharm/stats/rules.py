"""The report's reporting rules, as parameters with the report's values as defaults.

* bases under ``min_base`` (50) are shown as counts of children, never as percentages;
* differences between groups under ``min_difference`` (5 points) are not called differences;
* estimates without a published twin rest on the generator's assumptions: hidden unless
  ``show_modelled`` is true, and then marked as modelled wherever they appear.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import GROUP_LABELS
from ..io.parameters import check_confidence, check_flag, check_min_base, check_min_difference
from .numbers import RESPONDENT_NOUN, estimate_text

MODELLED_MARK = "modelled"


@dataclass(frozen=True)
class ReportingRules:
    """One object carries every rule through a chapter, so no cell reads a global."""

    confidence: float = 0.95
    min_base: int = 50
    min_difference: float = 5.0
    show_modelled: bool = False

    def __post_init__(self) -> None:
        check_confidence(self.confidence)
        check_min_base(self.min_base)
        check_min_difference(self.min_difference)
        check_flag("show_modelled", self.show_modelled)


def format_estimate(row: pd.Series, rules: ReportingRules) -> str:
    """The text a reader sees for one estimate: a percentage with its CI, or a count on a small base."""
    return estimate_text(row["estimate"], row["ci_low"], row["ci_high"], row["n_positive"], row["n"], rules.min_base,
                         RESPONDENT_NOUN.get(row.get("respondent", "children"), ""), bool(row.get("modelled", False)))


def apply_reporting_rules(table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """Add ``small_base``, ``display`` and ``shown`` columns; drop nothing the caller may need."""
    out = table.copy()
    out["small_base"] = out["n"] < rules.min_base
    noun = out["respondent"].map(RESPONDENT_NOUN).fillna("") if "respondent" in out else pd.Series("children", index=out.index)
    modelled = out["modelled"] if "modelled" in out else pd.Series(False, index=out.index)
    out["display"] = [estimate_text(*values, rules.min_base, k, bool(m)) for *values, k, m in
                      zip(out["estimate"], out["ci_low"], out["ci_high"], out["n_positive"], out["n"], noun, modelled)]
    out["shown"] = ~out["modelled"] | rules.show_modelled
    return out


def group_differences(table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """For each indicator and breakdown, the largest gap between groups and whether it counts.

    A gap is called a difference only when it reaches ``min_difference`` points and every
    group compared has a base of at least ``min_base``.
    """
    rows = []
    for (indicator, breakdown), sub in table[table["breakdown"] != "total"].groupby(["indicator_id", "breakdown"], sort=False):
        if len(sub) < 2:
            continue
        hi, lo = sub.loc[sub["estimate"].idxmax()], sub.loc[sub["estimate"].idxmin()]
        gap = float(hi["estimate"] - lo["estimate"])
        comparable = bool((sub["n"] >= rules.min_base).all())
        called = comparable and gap >= rules.min_difference
        if not comparable:
            verdict = f"not compared: a base under {rules.min_base}"
        elif called:
            verdict = (f"{GROUP_LABELS.get(hi['group'], hi['group'])} higher than "
                       f"{GROUP_LABELS.get(lo['group'], lo['group'])} by {gap:.0f} points")
        else:
            verdict = f"no difference (gap under {rules.min_difference:g} points)"
        rows.append({"indicator_id": indicator, "breakdown": breakdown, "highest": hi["group"], "lowest": lo["group"],
                     "gap_points": round(gap, 1), "difference": called, "verdict": verdict})
    return pd.DataFrame(rows, columns=["indicator_id", "breakdown", "highest", "lowest", "gap_points", "difference", "verdict"])
