"""The report's reporting rules, on small tables whose answers are known."""
import re

import pandas as pd
import pytest

from dharm.io.parameters import check_breakdowns
from dharm.stats.rules import ReportingRules, apply_reporting_rules, format_estimate, group_differences


def table(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "breakdown", "group", "estimate", "ci_low", "ci_high", "n", "n_positive", "modelled"])


def test_small_base_is_a_count_not_a_percentage():
    rules = ReportingRules()
    row = pd.Series({"estimate": 31.0, "ci_low": 20.0, "ci_high": 44.0, "n": 49, "n_positive": 15, "modelled": False, "respondent": "children"})
    assert format_estimate(row, rules) == "15 of 49 children"
    assert format_estimate(pd.Series({**row, "n": 50}), rules) == "31% (20-44)"


def test_min_base_is_a_parameter():
    row = pd.Series({"estimate": 31.0, "ci_low": 20.0, "ci_high": 44.0, "n": 40, "n_positive": 12, "modelled": False, "respondent": "children"})
    assert format_estimate(row, ReportingRules(min_base=30)) == "31% (20-44)"
    assert format_estimate(row, ReportingRules(min_base=50)) == "12 of 40 children"


def test_modelled_values_are_hidden_unless_asked_and_then_marked():
    t = table([("a", "total", "Total", 40.0, 35.0, 45.0, 900, 360, True), ("b", "total", "Total", 10.0, 8.0, 12.0, 900, 90, False)])
    hidden = apply_reporting_rules(t, ReportingRules())
    assert hidden["shown"].tolist() == [False, True]
    shown = apply_reporting_rules(t, ReportingRules(show_modelled=True))
    assert shown["shown"].tolist() == [True, True]
    assert shown.loc[0, "display"].endswith("[modelled]") and "modelled" not in shown.loc[1, "display"]


def test_difference_rule_threshold_and_base():
    t = table([
        ("x", "sex", "boy", 30.0, 0, 0, 500, 150, False), ("x", "sex", "girl", 25.1, 0, 0, 480, 120, False),  # 4.9 points
        ("y", "sex", "boy", 30.0, 0, 0, 500, 150, False), ("y", "sex", "girl", 25.0, 0, 0, 480, 120, False),  # 5.0 points
        ("z", "sex", "boy", 60.0, 0, 0, 49, 29, False), ("z", "sex", "girl", 10.0, 0, 0, 480, 48, False),  # base 49
    ])
    out = group_differences(t, ReportingRules()).set_index("indicator_id")
    assert not out.loc["x", "difference"] and "no difference" in out.loc["x", "verdict"]
    assert out.loc["y", "difference"] and out.loc["y", "verdict"] == "Boys higher than Girls by 5 points"
    assert not out.loc["z", "difference"] and "base under 50" in out.loc["z", "verdict"]
    assert group_differences(t, ReportingRules(min_difference=4.0)).set_index("indicator_id").loc["x", "difference"]


@pytest.mark.parametrize("kwargs, name", [
    ({"confidence": 95}, "confidence"), ({"min_base": 0}, "min_base"), ({"min_base": 2.5}, "min_base"),
    ({"min_difference": -1}, "min_difference"), ({"show_modelled": "yes"}, "show_modelled"),
])
def test_bad_parameters_are_named(kwargs, name):
    with pytest.raises(ValueError, match=f"parameter {name}="):
        ReportingRules(**kwargs)


@pytest.mark.parametrize("value, message", [
    (["total", "province"], "parameter breakdowns=['total', 'province']: expected None or a list of total, age_group, "
                            "sex, area, age_split (unknown: province)"),
    ("area", "parameter breakdowns='area': expected None or a list such as [\"total\", \"area\"], not a single text"),
])
def test_bad_breakdowns_are_named(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        check_breakdowns(value)
    assert check_breakdowns(None) is None and check_breakdowns(("total", "sex")) == ["total", "sex"]
