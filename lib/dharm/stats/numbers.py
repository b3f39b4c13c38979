"""The one place that turns numbers into the text a reader sees.

Every page, table and check formats through these functions, so a share, a count, an
interval or a printed value reads the same everywhere: shares as whole percentages,
counts as whole numbers with thousands separators, national numbers of children rounded
to two significant digits as the report rounds them.
"""
from __future__ import annotations

import math

import pandas as pd

RESPONDENT_NOUN = {"children": "children", "caregivers": "caregivers", "household_roster": "children"}


def round_significant(value: float, digits: int = 2) -> float:
    """A national count rounded as the report rounds them (160,347 -> 160,000)."""
    if not value or not math.isfinite(value):
        return 0.0 if not value else value
    return float(round(value, -int(math.floor(math.log10(abs(value)))) + digits - 1))


def percent(value: float, decimals: int = 0) -> str:
    """``11%``."""
    return f"{value:.{decimals}f}%"


def count(value: float) -> str:
    """``1,463`` (whole numbers, thousands separated)."""
    return f"{value:,.0f}"


def count_of(positives: float, base: float, noun: str = "") -> str:
    """``9 of 31 children``: how a share on a small base is written."""
    return f"{int(positives)} of {int(base)}" + (f" {noun}" if noun else "")


def interval(low: float, high: float, unit: str = "percent") -> str:
    """``9 to 14`` (points) or ``128,000 to 199,000`` (children, to the nearest thousand)."""
    if unit == "children":
        return f"{round(low, -3):,.0f} to {round(high, -3):,.0f}"
    return f"{low:.0f} to {high:.0f}"


def estimate_text(estimate: float, low: float, high: float, positives: float, base: float, min_base: int,
                  noun: str = "", modelled: bool = False) -> str:
    """An estimate as a table shows it: ``31% (20-44)``, or ``15 of 49 children`` on a small base.

    A domain whose records lie in one PSU of each stratum has no design-based variance (its degrees
    of freedom are 0) and so no interval: ``50% (no interval)``, never ``nan``."""
    if base < min_base:
        return count_of(positives, base, noun)
    text = f"{estimate:.0f}% (no interval)" if pd.isna(low) or pd.isna(high) else f"{estimate:.0f}% ({low:.0f}-{high:.0f})"
    return f"{text} [modelled]" if modelled else text


def printed(value: float, qualifier: str = "", unit: str = "") -> str:
    """A value as the report prints it, with its hedge: ``more than 40%``, ``160,000``."""
    if pd.isna(value):
        return ""
    number = f"{value:g}%" if unit == "percent" else f"{value:,.10g}"
    return f"{qualifier} {number}" if qualifier else number


def number_text(value: float, unit: str, positives: float | None = None, base: float | None = None,
                small_base: bool = False) -> str:
    """How a number reads in a sentence; the reporting rules decide between a share and a count."""
    if unit == "percent" and small_base:
        return count_of(positives, base, "children")
    if unit in ("percent", "percent change"):
        return percent(value)
    if unit == "children":
        return count(round_significant(value))
    if unit == "ratio":
        return f"{value:.1f}"
    if unit == "count":
        return count(value)
    return f"{value:g}"


def table_number(value) -> str:
    """A number in a data table: integers without decimals, others to at most two decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
