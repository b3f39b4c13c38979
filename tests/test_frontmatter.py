"""Front matter and chapter 4: validated inputs, recomputed restatements, the audience filter."""
from __future__ import annotations


import pandas as pd
import pytest

from conftest import edit_csv
from dharm.config import TOLERANCE_GROUP, TOLERANCE_TOTAL
from dharm.io.country import load_country
from dharm.io.errors import DataValidationError
from dharm.io.published import AUDIENCES, load_table
from dharm.present.keynumbers import fill
from dharm.report.frontmatter import check_sizes, frontmatter_checks
from dharm.report.keynumbers import chapter4_numbers, number_text, recommendations_for, summary_numbers
from dharm.report.survey import figure_table, scale_to_population
from dharm.stats.numbers import round_significant
from dharm.stats.rules import ReportingRules

RULES = ReportingRules()


def table(name: str, root=None):
    return load_table(name, "cambodia", root)


@pytest.fixture(scope="module")
def summary(country_data):
    return summary_numbers(country_data, RULES).set_index("name")


@pytest.fixture(scope="module")
def chapter4(country_data):
    return chapter4_numbers(country_data, RULES).set_index("number_id")


# ---------------------------------------------------------------- inputs
def test_figure_one_reads_as_printed():
    activities = table("research_activities").set_index("activity_id")
    in_figure = activities[activities["in_figure_1"] == "yes"]
    assert len(in_figure) == 9  # "nine research activities" (executive summary, methods)
    assert in_figure["sample_size"].dropna().astype(int).to_dict() == {
        "government_interviews": 9, "capacity_assessment": 9, "frontline_survey": 50, "household_survey": 992,
        "a2j_children": 6, "a2j_professionals": 10}


def test_sample_sizes_agree_with_their_second_source(country_data):
    sizes = check_sizes(country_data, RULES, "research_activities")
    assert (sizes["verdict"] != "disagrees").all()
    assert set(sizes.loc[sizes["verdict"] == "no second source", "id"]) == {"capacity_assessment", "survivor_conversations"}


def test_a_changed_sample_size_shows_in_the_ledger(data_copy):
    edit_csv(data_copy / "cambodia" / "published" / "research_activities.csv", 6, "sample_size", "995")
    ledger = frontmatter_checks(load_country("cambodia", data_copy), RULES)
    row = ledger[ledger["indicator"] == "methods: household_survey"].iloc[0]
    assert (row["published"], row["computed"], row["status"]) == (995, 992, "outside tolerance")


@pytest.mark.parametrize("file, row, column, value, message", [
    ("research_activities.csv", 0, "in_figure_1", "maybe", "column 'in_figure_1': got 'maybe'; expected one of 'yes', 'no'"),
    ("research_activities.csv", 1, "sample_size", "nine", "row 2, column 'sample_size': got 'nine'; expected a number"),
    ("research_activities.csv", 1, "check", "survey:teachers", "row 2, column 'check': got 'survey:teachers'; expected survey:children"),
    ("research_activities.csv", 2, "activity_id", "desk_review", "row 3, column 'activity_id': got 'desk_review'; expected a value used once"),
    ("context.csv", 0, "value", "12", "row 1, column 'value': got '12'; expected a value exactly when survived is 'yes'"),
    ("legislation.csv", 4, "coverage", "mostly", "row 5, column 'coverage': got 'mostly'; expected one of"),
    ("policies.csv", 0, "end_year", "2019", "row 1, column 'end_year': got '2019'; expected a year no earlier than start_year"),
])
def test_bad_front_matter_names_file_row_and_column(data_copy, file, row, column, value, message):
    path = data_copy / "cambodia" / "published" / file
    edit_csv(path, row, column, value)
    with pytest.raises(DataValidationError) as err:
        table(file.removesuffix(".csv"), data_copy)
    assert file in str(err.value) and message in str(err.value)


def test_legislation_gaps_are_the_three_the_report_names():
    law = table("legislation").set_index("topic_id")
    assert set(law.index[law["coverage"] == "not covered"]) == {"live_streaming", "grooming", "sexual_extortion"}
    assert law.loc["csam_definition", "articles"] == "Article 40" and law.loc["sexual_harassment", "articles"] == "Article 250"


def test_policy_periods():
    periods = table("policies").set_index("policy_id")["period"]
    assert periods["ocse_action_plan"] == "2021-2025" and periods["vac_action_plan"] == "2017-2021"
    assert periods["rectangular_strategy"] == ""  # the report prints no period


def test_context_keeps_lost_values_empty():
    context = table("context")
    assert context.loc[context["survived"] == "no", "value"].isna().all()
    assert set(context.loc[context["survived"] == "yes", "value"]) == {992}


# ---------------------------------------------------------------- recommendations
def test_recommendations_as_counted_by_hand():
    recs = table("recommendations")
    numbered = recs[recs["number_in_report"] != ""]
    assert len(numbered) == 61 and len(recs) == 69
    assert numbered.groupby("insight_number").size().tolist() == [3, 5, 7, 14, 27, 5]
    per_audience = {a: len(recommendations_for(recs, a)) for a in AUDIENCES}
    assert per_audience == {"government": 30, "law enforcement": 13, "justice professionals": 6,
                            "caregivers/teachers/social support": 9, "industry": 14}


def test_audience_filter_takes_lists_and_rejects_unknown_audiences():
    recs = table("recommendations")
    both = recommendations_for(recs, ["law enforcement", "justice professionals"])
    assert len(both) == 18  # 5.16 addresses both and is counted once
    assert recommendations_for(recs, None).equals(recs)
    with pytest.raises(ValueError, match=r"parameter audience='police': expected None or one or more of"):
        recommendations_for(recs, "police")


@pytest.mark.parametrize("file, column, value, message", [
    ("recommendations.csv", "summary", "Act now: 45% of children agree.", "expected no typed percentage"),
    ("recommendations.csv", "summary", "Act on {no_such_number}.", "expected {placeholders} that are number_ids of chapter4_numbers.csv"),
    ("recommendations.csv", "audience", "teachers", "got 'teachers'; expected audiences among"),
    ("insights.csv", "statement", "A {missing} statement.", "expected {placeholders} that are number_ids"),
])
def test_bad_chapter4_text_is_rejected(data_copy, file, column, value, message):
    edit_csv(data_copy / "cambodia" / "published" / file, 0, column, value)
    with pytest.raises(DataValidationError) as err:
        table(file.removesuffix(".csv"), data_copy)
    assert f"{file}, row 1, column '{column}'" in str(err.value) and message in str(err.value)


def test_printed_numbers_must_carry_their_value(data_copy):
    path = data_copy / "cambodia" / "published" / "chapter4_numbers.csv"
    row = pd.read_csv(path, dtype=str).index[pd.read_csv(path, dtype=str)["kind"] == "printed"][0]
    edit_csv(path, row, "printed", "")
    with pytest.raises(DataValidationError, match=rf"row {row + 1}, column 'printed'"):
        table("chapter4_numbers", data_copy)


# ---------------------------------------------------------------- restated numbers
def test_fill_writes_numbers_in_and_escapes_text():
    numbers = pd.DataFrame({"number_id": ["x", "y"], "text": ["4.6%", "3 of 40 children"], "prose": ["5%", "8% (as printed)"],
                            "link": ["02_ocsea.html#figure-a", ""]})
    # statements quote the prose form of each number (what the report printed), never the computed text
    assert fill("A <b> {x} and {y}.", numbers) == ('A &lt;b&gt; <a href="02_ocsea.html#figure-a"><strong>5%</strong></a> '
                                                   'and <strong>8% (as printed)</strong>.')


def test_number_text_follows_the_small_base_rule():
    row = {"unit": "percent", "value": 29.0, "n": 31, "n_positive": 9, "small_base": True}
    assert number_text(row) == "9 of 31 children"
    assert number_text(row | {"small_base": False}) == "29%"
    assert number_text({"unit": "children", "value": 160347.4}) == "160,000"
    assert round_significant(1234.0) == 1200.0 and round_significant(0.0) == 0.0


def test_summary_numbers_match_the_printed_summary(summary):
    explained = {"child_accepted_money_for_images"}  # 6% printed against 16 of 520 in 2.2.2 (known gap)
    for name, row in summary.drop(index=list(explained)).iterrows():
        if row["unit"] == "children":
            assert abs(row["value"] - row["printed"]) <= 5000, name
        elif row["qualifier"] == "more than":
            assert row["value"] > row["printed"], name
        elif row["unit"] in ("percent", "percent change"):
            tolerance = TOLERANCE_TOTAL if row["group"] == "Total" else TOLERANCE_GROUP
            assert abs(row["value"] - row["printed"]) <= tolerance + 0.5, name  # printed rounded to whole points
        else:
            assert row["value"] == row["printed"], name
    assert summary.loc["child_accepted_money_for_images", "text"] == "3%"
    assert summary.loc["child_ocsea_talk_sex_response_complied", "text"] == "9 of 31 children"


def test_summary_links_each_number_to_its_figure(summary):
    assert summary.loc["child_daily_internet", "link"] == "01_children_online.html#figure-fig03"
    assert summary.loc["exec_summary_pct_cambodia_2017_2019", "link"] == "02_ocsea.html#figure-fig15"
    assert summary["link"].str.match(r"^0\d_[a-z_]+\.html#figure-[\w-]+$").all()


def test_restated_numbers_are_the_chapters_own(country_data, chapter4, summary):
    table = figure_table(country_data, "s2_any", RULES, ["sex"])
    estimate = float(table.query("indicator_id == 'child_ocsea_any_clear_example' and group == 'Total'")["estimate"].iloc[0])
    assert chapter4.loc["any_total", "value"] == summary.loc["child_ocsea_any_clear_example", "value"] == estimate
    boys = float(table.query("indicator_id == 'child_ocsea_any_clear_example' and group == 'boy'")["estimate"].iloc[0])
    girls = float(table.query("indicator_id == 'child_ocsea_any_clear_example' and group == 'girl'")["estimate"].iloc[0])
    assert chapter4.loc["boy_girl_ratio", "value"] == pytest.approx(boys / girls)
    scaled = scale_to_population(country_data, table, "child_ocsea_any_clear_example", RULES)
    assert chapter4.loc["any_population", "value"] == pytest.approx(scaled["estimate"])


def test_chapter4_inconsistencies_are_caught_not_hidden(chapter4):
    # chapter 4 prints 29% and 20%; Figure 13 prints 13% and 16% for the same reasons
    assert chapter4.loc["shared_in_love", "printed"] == 29 and abs(chapter4.loc["shared_in_love", "value"] - 13) < 1
    assert chapter4.loc["shared_trusted", "printed"] == 20 and abs(chapter4.loc["shared_trusted", "value"] - 16) < 1
    assert chapter4.loc["teacher_main_source", "text"] == "88% as printed, not recomputed"


def test_every_placeholder_renders(chapter4):
    numbers = chapter4.reset_index()
    for text in list(table("insights")["statement"]) + list(table("recommendations")["summary"]):
        rendered = fill(text, numbers)
        assert "{" not in rendered and " nan" not in rendered.lower() and ">nan<" not in rendered.lower()


def test_ledger_covers_every_page(ledger):
    assert set(ledger["chapter"]) == {"summary", "methods", "context", "1", "2", "3", "4"}
    assert not (ledger["status"] == "outside tolerance").any(), ledger[ledger["status"] == "outside tolerance"]
    assert not (ledger["status"] == "not recomputable").any()  # each one is explained in known_gaps.csv
    page4 = ledger[ledger["chapter"] == "4"]
    assert len(page4) == len(table("chapter4_numbers").dropna(subset=["printed"]).query("printed_section == '4'"))


def test_pooled_statements_are_kept_as_printed_and_marked_known_gaps(ledger):
    pooled = table("pooled_statements")
    unknown = pooled[pooled["indicator_id"] == "child_ocsea_any_offender_unknown"].set_index("section")
    assert unknown.loc["summary", "printed_as"] == "approximately one in five" and unknown.loc["2.4.2", "value"] == 25
    rows = ledger[ledger["indicator"].str.startswith("child_ocsea_any_") & ledger["computed"].isna() & (ledger["chapter"] != "4")]
    assert len(rows) == len(pooled) and (rows["status"] == "known gap").all()
    assert set(rows["chapter"]) == {"summary", "2"}


def test_pooled_statements_are_validated(data_copy):
    edit_csv(data_copy / "cambodia" / "published" / "pooled_statements.csv", 2, "value", "300")
    with pytest.raises(DataValidationError, match=r"pooled_statements.csv, row 3, column 'value': got '300'; expected a number from 0 to 100"):
        table("pooled_statements", data_copy)
