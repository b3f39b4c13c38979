"""The report's reporting rules, as parameters with the report's values as defaults.

* bases under ``min_base`` (50) are shown as counts of children, never as percentages;
* differences between groups under ``min_difference`` (5 points) are not called differences;
* estimates without a published twin rest on the generator's assumptions: hidden unless
  ``show_modelled`` is true, and then marked as modelled wherever they appear.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .data import GROUP_LABELS
from .estimation import check_confidence

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
        if isinstance(self.min_base, bool) or not isinstance(self.min_base, (int, np.integer)) or self.min_base < 1:
            raise ValueError(f"parameter min_base={self.min_base!r}: expected a whole number of at least 1 (the report uses 50)")
        if isinstance(self.min_difference, bool) or not isinstance(self.min_difference, (int, float)) or not 0 <= self.min_difference <= 100:
            raise ValueError(f"parameter min_difference={self.min_difference!r}: expected percentage points between 0 and 100 (the report uses 5)")
        if not isinstance(self.show_modelled, bool):
            raise ValueError(f"parameter show_modelled={self.show_modelled!r}: expected True or False")


def format_estimate(row: pd.Series, rules: ReportingRules) -> str:
    """The text a reader sees for one estimate: a percentage with its CI, or a count."""
    if row["n"] < rules.min_base:
        return f"{int(row['n_positive'])} of {int(row['n'])} children" if row.get("file", "children") == "children" \
            else f"{int(row['n_positive'])} of {int(row['n'])}"
    text = f"{row['estimate']:.0f}% ({row['ci_low']:.0f}-{row['ci_high']:.0f})"
    return f"{text} [{MODELLED_MARK}]" if row.get("modelled", False) else text


def apply_reporting_rules(table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """Add ``small_base``, ``display`` and ``shown`` columns; drop nothing the caller may need."""
    out = table.copy()
    out["small_base"] = out["n"] < rules.min_base
    out["display"] = [format_estimate(r, rules) for _, r in out.iterrows()]
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
