"""Chapter 3's evidence: interview excerpts, the frontline survey, and nested administrative tables."""
import pandas as pd
import pytest

from dharm.io.errors import DataValidationError
from dharm.io.published import RESEARCH_ACTIVITIES, load_table
from dharm.ledger import page_ledger
from dharm.present.evidence import show_distribution
from dharm.report.admin import check_hierarchy
from dharm.report.frontline import distribution, distribution_check, excerpts_for

from conftest import edit_csv


def load_excerpts():
    return load_table("excerpts", "cambodia")


def load_frontline():
    return load_table("frontline_survey", "cambodia")


def test_every_excerpt_has_a_known_code_section_and_theme():
    excerpts = load_excerpts()
    assert len(excerpts) >= 50
    assert set(excerpts["research_activity"]) <= set(RESEARCH_ACTIVITIES)
    assert excerpts["attribution"].str.startswith(tuple(RESEARCH_ACTIVITIES)).all()
    assert excerpts["section"].str.match(r"^[23](\.\d+)*$").all()


def test_excerpts_by_theme_and_section():
    excerpts = load_excerpts()
    courts = excerpts_for(excerpts, ["courts and legal aid"])
    assert len(courts) > 0 and (courts["theme"] == "courts and legal aid").all()
    in_32 = excerpts_for(excerpts, sections=["3.2"])
    assert in_32["section"].str.startswith("3.2").all() and len(in_32) > 0
    assert not excerpts_for(excerpts, sections=["3"])["section"].str.startswith("2.").any()
    with pytest.raises(ValueError, match=r"parameter themes=\['astrology'\]: expected None or a list of .*\(unknown: astrology\)"):
        excerpts_for(excerpts, ["astrology"])
    with pytest.raises(ValueError, match=r"parameter themes='courts and legal aid': expected None or a list"):
        excerpts_for(excerpts, "courts and legal aid")  # a string is not split into characters


def test_bad_attribution_code_is_named(data_copy):
    edit_csv(data_copy / "cambodia/published/excerpts.csv", 2, "attribution", "Mr Smith")
    with pytest.raises(DataValidationError, match=r"excerpts.csv, row 3, column 'attribution': got 'Mr Smith'; expected a code like"):
        load_table("excerpts", "cambodia", data_copy)


def test_frontline_distributions_are_checked_not_estimated(ledger):
    frontline = load_frontline()
    assert set(frontline["base_n"].dropna()) == {50}
    checks = distribution_check(frontline).set_index("question_id")
    assert checks.loc["collaboration_ngos", "sum_of_shares"] == 104  # 60 + 40 + 4, as printed
    assert checks.loc["collaboration_ngos", "verdict"] == "over 100"
    ledger = page_ledger(ledger, "3").set_index("indicator")
    assert ledger.loc["frontline: collaboration_ngos (sum of shares)", "status"] == "known gap"


def test_nested_referrals_sum_to_their_parents():
    nested = check_hierarchy(load_table("admin_counts", "cambodia"))
    assert len(nested) >= 16 and (nested["verdict"] == "adds up").all()
    hosting = nested[(nested["parent"] == "Hosting/Domain Owner") & (nested["year"] == "all years")].iloc[0]
    assert hosting["printed_parent"] == 3326


def test_a_broken_child_row_is_caught(data_copy):
    path = data_copy / "cambodia/published/admin_counts.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = frame.index[(frame["category"] == "Hosting/Domain Owner>Content removed") & (frame["year"] == "2019")][0]
    edit_csv(path, row, "value", "1888")
    nested = check_hierarchy(load_table("admin_counts", "cambodia", data_copy))
    bad = nested[nested["verdict"] != "adds up"]
    assert list(zip(bad["parent"], bad["year"])) == [("Hosting/Domain Owner", "2019")]


def test_chapter_three_ledger_has_no_unexplained_disagreement(ledger):
    ledger = page_ledger(ledger, "3")
    assert not (ledger["status"] == "outside tolerance").any()
    assert (ledger["status"] == "reproduced").sum() >= 30


def test_frontline_small_base_rule_turns_shares_into_counts(country_data):
    frontline = load_frontline()
    drawn, table = distribution(frontline, ["collaboration_ngos"], min_base=60)
    assert drawn.empty and (table["unit"] == "count").all()
    assert sorted(table["value"]) == [2, 20, 30]  # 4%, 40%, 60% of 50 workers
    shown = show_distribution(country_data, ["collaboration_ngos"], "t", min_base=60)
    assert shown.empty  # 50 respondents < 60: no bars, counts only
    drawn = show_distribution(country_data, ["collaboration_ngos"], "t", min_base=50)
    assert sorted(drawn["value"]) == [4, 40, 60]
    with pytest.raises(ValueError, match="parameter min_base"):
        show_distribution(country_data, ["collaboration_ngos"], "t", min_base=0)
