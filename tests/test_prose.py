"""The book's one rule for numbers in prose (dharm.report.prose), on cases worked out by hand."""
from __future__ import annotations

import math

import pytest

from dharm.report.keynumbers import chapter4_numbers, summary_numbers
from dharm.report.prose import ProseRule, ProseRuleError, count_prose, printed_prose, survey_prose
from dharm.stats.rules import ReportingRules

SYNTHETIC, REAL = ProseRule(True, 50, False), ProseRule(False, 50, False)
CELL = {"indicator_id": "x", "respondent": "children", "estimate": 78.6, "n": 992, "n_positive": 780,
        "published": 80.0, "qualifier": "more than", "published_count": math.nan}


def test_synthetic_data_quote_the_printed_value_with_its_hedge():
    assert survey_prose(CELL, SYNTHETIC) == "more than 80%"
    assert survey_prose(CELL | {"qualifier": ""}, SYNTHETIC) == "80%"
    assert survey_prose(CELL | {"qualifier": "approximately"}, SYNTHETIC) == "about 80%"


def test_real_data_quote_the_computed_estimate():
    assert survey_prose(CELL, REAL) == "79%"
    assert survey_prose(CELL | {"n": 31, "n_positive": 9}, REAL) == "9 of 31 children"


def test_a_small_base_never_gets_a_computed_share():
    small = CELL | {"n": 31, "n_positive": 9, "published": 29.0, "qualifier": ""}
    assert survey_prose(small, SYNTHETIC) == "29% (as printed, on fewer than 50 respondents)"
    assert "%" not in survey_prose(small, REAL)


def test_a_number_the_report_never_printed_is_refused_or_marked():
    unprinted = CELL | {"published": math.nan}
    with pytest.raises(ProseRuleError, match="printed no value"):
        survey_prose(unprinted, SYNTHETIC)
    assert survey_prose(unprinted, ProseRule(True, 50, True)) == "79% (modelled)"
    assert survey_prose(unprinted | {"published_count": 92}, SYNTHETIC) == "92 children"


def test_counts_in_prose_are_printed_counts(country_data):
    assert count_prose(country_data, SYNTHETIC, "child_met_in_person", 91) == "92"  # the report prints 92
    assert count_prose(country_data, SYNTHETIC, "child_accepted_money_for_images", 519, column="n") == "520"
    with pytest.raises(ProseRuleError, match="printed no count"):
        count_prose(country_data, SYNTHETIC, "child_daily_internet", 754)
    assert count_prose(country_data, REAL, "child_daily_internet", 754) == "754"


def test_printed_values_read_as_printed():
    assert printed_prose(160000, "approximately", "children") == "about 160,000"
    assert printed_prose(261, "", "percent change") == "261%"
    assert printed_prose(2, "almost", "ratio") == "almost 2"


def test_restated_numbers_quote_the_report(country_data):
    rules = ReportingRules()
    summary = summary_numbers(country_data, rules).set_index("name")
    assert summary.loc["roster_internet_user_rural", "prose"] == "80%"  # computed 79%, printed 80%
    assert summary.loc["child_ocsea_any_clear_example_population", "prose"] == "about 160,000"
    numbers = chapter4_numbers(country_data, rules).set_index("number_id")
    assert numbers.loc["boy_girl_ratio", "prose"] == "almost 2"
    # chapter 4 prints 29% and 20% where Figure 13 prints 13% and 16%: the sentence says so
    assert numbers.loc["shared_in_love", "prose"] == "29% (as chapter 4 prints it; Figure 13 prints 13%)"
    assert numbers.loc["shared_trusted", "prose"] == "20% (as chapter 4 prints it; Figure 13 prints 16%)"
