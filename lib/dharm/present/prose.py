"""Numbers handed to a page's prose with myst-nb's ``glue``: never typed into the text."""
from __future__ import annotations

from myst_nb import glue

from ..config import TOLERANCE_GROUP, TOLERANCE_TOTAL
from ..stats.rules import ReportingRules


def glue_numbers(**values: float) -> None:
    """Glue plain numbers (counts, sizes, years) for the prose."""
    for name, value in values.items():
        glue(name, value, display=False)


def glue_rules(rules: ReportingRules) -> None:
    """The page's reporting rules, for the prose that states them."""
    glue_numbers(ci_level=100 * rules.confidence, min_base=rules.min_base, min_difference=rules.min_difference)


def glue_tolerances() -> None:
    """The ledger's tolerances, for the prose that states them."""
    glue_numbers(tol_total=TOLERANCE_TOTAL, tol_group=TOLERANCE_GROUP)
