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
    number = f"{value:g}%" if unit in ("percent", "percent change") else f"{value:,.10g}"
    return f"{qualifier} {number}" if isinstance(qualifier, str) and qualifier else number


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


# What a column of a table holds, which decides how its numbers read (see :func:`value_text`).
NUMBER_KINDS = ("count", "children", "percent", "percent change", "points", "ratio", "year", "number")


def is_missing(value) -> bool:
    """True for an empty cell: None, NaN, NA or an empty string."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def decimals_of(value: float, most: int = 3) -> int:
    """How many decimals a printed number carries (``261`` -> 0, ``0.25`` -> 2), at most ``most``."""
    if is_missing(value):
        return 0
    text = f"{float(value):.{most}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _trimmed(value: float, most: int, fixed: bool = False) -> str:
    """``1,463`` or ``2.5``: thousands separated, at most ``most`` decimals (exactly ``most`` when ``fixed``),
    no trailing zeros otherwise, never a negative zero."""
    text = f"{float(value) + 0.0:,.{most}f}"
    if "." in text and not fixed:
        text = text.rstrip("0").rstrip(".")
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def value_text(value, kind: str = "number", decimals: int | None = None) -> str:
    """A number in a table as the report prints it, by what it is (one of :data:`NUMBER_KINDS`).

    Counts and numbers of children are whole and thousands separated (``1,463``); percentages and
    percentage changes carry a percent sign and as many decimals as printed (``261%``, ``-31%``,
    ``0.25%``; a change is whole unless ``decimals`` says otherwise); gaps in points have one decimal at most (``-0.1``); ratios two (``3.14``); years
    are bare (``2019``); other numbers have at most two decimals. An empty cell stays empty, and
    text is left as it is. ``decimals`` fixes the number of decimals, trailing zeros kept (as for a
    recomputed value shown one decimal finer than the printed one: ``-8.0%``)."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if pd.api.types.is_bool(value):
        return "yes" if value else "no"
    fixed = decimals is not None
    if kind in ("count", "children"):
        return _trimmed(round(float(value)), 0) if decimals is None else _trimmed(value, decimals, fixed)
    if kind == "percent change":
        return _trimmed(value, 0 if decimals is None else decimals, fixed) + "%"
    if kind == "percent":
        return _trimmed(value, 2 if decimals is None else decimals, fixed) + "%"
    if kind == "points":
        return _trimmed(value, 1 if decimals is None else decimals, fixed)
    if kind == "ratio":
        return _trimmed(value, 2 if decimals is None else decimals, fixed)
    if kind == "year":
        return f"{int(value)}"
    return _trimmed(value, 2 if decimals is None else decimals, fixed)


def unit_kind(unit: str) -> str:
    """The kind of number a published ``unit`` names (``percent``, ``count``, ``ratio`` ...)."""
    return unit if unit in NUMBER_KINDS else "number"


def table_number(value) -> str:
    """A number in a data table whose kind is not known: whole numbers without decimals, others to at most two."""
    return value_text(value, "number")
