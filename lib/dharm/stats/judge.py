"""Tolerance judgements: does a computed number reproduce the one the report printed?

One function per kind of number, each returning a ledger status. The tolerances come from
:mod:`dharm.config`; the reporting rules decide when a base is too small to judge.
"""
from __future__ import annotations

import math

from ..config import TOLERANCE_GROUP, TOLERANCE_TOTAL

REPRODUCED, OUTSIDE, SMALL_BASE, KNOWN_GAP, NOT_RECOMPUTABLE = (
    "reproduced", "outside tolerance", "small base", "known gap", "not recomputable")
STATUSES = (REPRODUCED, OUTSIDE, SMALL_BASE, KNOWN_GAP, NOT_RECOMPUTABLE)
EPSILON = 1e-9  # floating-point slack at the edge of a tolerance
ADD_UP = (98.5, 101.5)  # printed shares of a single-answer question add up to 100 within rounding


def _verdict(ok: bool) -> str:
    return REPRODUCED if ok else OUTSIDE


def tolerance_of(breakdown: str) -> float:
    """Percentage points a computed share may stray from the printed one: a total's, or a group's."""
    return TOLERANCE_TOTAL if breakdown == "total" else TOLERANCE_GROUP


def survey_number(published: float, computed: float, breakdown: str, n: float, unit: str, qualifier: str,
                  min_base: int) -> str:
    """A survey share or count: counts exactly, 'more than X' above X, small bases not judged,
    'at least X' from X up to X plus the tolerance, else within the total or group tolerance.

    The hedges read as the words say, and no more: 'more than X' rules out X and anything
    below (the report prints it where a share is over a round number); 'at least X' rules out
    anything below X, while X is still the printed estimate, so the tolerance holds above it
    (at least 4% of all children: 4.0 to 4.5); 'up to', 'as many as', 'approximately' and 'almost'
    hedge a printed estimate, which the tolerance already allows for on both sides.
    """
    if unit == "count":
        return _verdict(computed == published)
    if qualifier == "more than":
        return _verdict(computed > published)
    if n < min_base:
        return SMALL_BASE
    tolerance = tolerance_of(breakdown)
    if qualifier == "at least":
        return _verdict(published - EPSILON <= computed <= published + tolerance + EPSILON)
    return _verdict(abs(computed - published) <= tolerance + EPSILON)


def share(published: float, computed: float, small_base: bool = False) -> str:
    """A whole-sample share restated elsewhere (summary, chapter 4)."""
    if small_base:
        return SMALL_BASE
    return _verdict(abs(computed - published) <= TOLERANCE_TOTAL + EPSILON)


def exact(published: float, computed: float, tolerance: float = 0.0) -> str:
    """Sizes and counts: equal (or within ``tolerance``)."""
    return _verdict(abs(computed - published) <= tolerance + EPSILON)


def two_significant_digits(published: float, computed: float) -> str:
    """A national number printed to two significant digits (about 160,000): within half its last digit."""
    tolerance = 0.5 * 10 ** (math.floor(math.log10(abs(published))) - 1)
    return _verdict(abs(computed - published) <= tolerance)


def printed_decimals(value: float) -> int:
    """How many decimals the report printed (12.5 -> 1)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return len(text.split(".")[1]) if "." in text else 0


def at_printed_precision(printed: float, recomputed: float, qualifier: str = "") -> bool:
    """A derived number agrees when it rounds to the printed value; 'just under' and
    'approximately' are read as such."""
    if qualifier == "just under":
        return printed - 0.5 <= recomputed < printed
    if qualifier == "approximately":
        return abs(recomputed - printed) <= 1.0
    return abs(recomputed - printed) <= 0.5 * 10 ** -printed_decimals(printed) + EPSILON


def almost(printed_ratio: float, computed_ratio: float, lower: float = 1.5) -> str:
    """'Almost twice as often': at least ``lower`` and not above the printed ratio."""
    return _verdict(lower <= computed_ratio <= printed_ratio)


def adds_up(total: float) -> str:
    """Printed shares of one question add up to about 100."""
    return "adds up" if ADD_UP[0] <= total <= ADD_UP[1] else ("over 100" if total > ADD_UP[1] else "under 100")
