"""Bad input gets one clear error naming the file, row and column (or the parameter) and what was expected."""
import pandas as pd
import pytest

from dharm.io.country import load_country
from dharm.io.errors import DataValidationError
from dharm.io.published import TABLES, load_table
from dharm.io.survey import load_codebook, load_indicators, load_survey

from conftest import edit_csv

FORM = r"{file}, row {row}, column '{column}': got {got}; expected "


def survey(data_copy, file="children"):
    return load_survey(file, data_copy / "cambodia", load_codebook(data_copy))


def test_every_table_loads_and_names_its_file(country_data):
    for name, spec in TABLES.items():
        frame = country_data.table(name)
        assert len(frame) > 0 and frame.attrs["path"].endswith(spec.file)


def test_unknown_answer_code(data_copy):
    edit_csv(data_copy / "cambodia/survey/children_synthetic.csv", 4, "c_freq_internet", "7")
    with pytest.raises(DataValidationError, match=FORM.format(file=r"children_synthetic.csv", row=5, column="c_freq_internet", got="'7'")
                       + r"an answer code \(1=Several times a day"):
        survey(data_copy)


def test_follow_up_answered_although_not_asked(data_copy):
    path = data_copy / "cambodia/survey/children_synthetic.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int((frame["c_met_in_person"] == "2").to_numpy().nonzero()[0][0])
    edit_csv(path, row, "c_met_feeling", "1")
    with pytest.raises(DataValidationError, match=rf"row {row + 1}, column 'c_met_feeling': got '1'; expected an empty cell, "
                                                  r"because the skip rule 'c_met_in_person == 1' says it was not asked"):
        survey(data_copy)


def test_follow_up_missing_although_asked(data_copy):
    path = data_copy / "cambodia/survey/children_synthetic.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int((frame["c_shared_naked_self"] == "1").to_numpy().nonzero()[0][0])
    edit_csv(path, row, "c_share_recipient", "")
    with pytest.raises(DataValidationError, match=rf"row {row + 1}, column 'c_share_recipient': got an empty cell; expected an answer, "
                                                  r"because the skip rule"):
        survey(data_copy)


def test_missing_column_and_bad_weight(data_copy):
    path = data_copy / "cambodia/survey/caregivers_synthetic.csv"
    edit_csv(path, 0, "weight", "-3")
    with pytest.raises(DataValidationError, match=FORM.format(file="caregivers_synthetic.csv", row=1, column="weight", got="'-3'")
                       + "a positive number"):
        survey(data_copy, "caregivers")
    pd.read_csv(path, dtype=str).drop(columns="psu").to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"caregivers_synthetic.csv: got no column 'psu'; expected the columns"):
        survey(data_copy, "caregivers")


def test_published_value_and_group_checks(data_copy):
    path = data_copy / "cambodia/published/survey_estimates.csv"
    edit_csv(path, 10, "value", "about 40")
    with pytest.raises(DataValidationError, match=FORM.format(file="survey_estimates.csv", row=11, column="value", got="'about 40'")
                       + "a number of at least 0"):
        load_table("survey_estimates", "cambodia", data_copy)
    edit_csv(path, 10, "value", "40")
    edit_csv(path, 10, "breakdown", "sex")
    edit_csv(path, 10, "group", "12-13")
    with pytest.raises(DataValidationError, match=r"row 11, column 'group': got '12-13'; expected a group of the row's breakdown"):
        load_table("survey_estimates", "cambodia", data_copy)


@pytest.mark.parametrize("table, row, column, value, expected", [
    ("figures", 3, "indicators", "child_daily_internet;no_such_indicator", "indicators defined in data/codebook/indicators.csv"),
    ("figures", 3, "chart", "pie", "one of 'bars', 'heatmap', 'risk', 'none'"),
    ("rank_orders", 0, "order", "family;aliens", "answers whose indicators"),
    ("known_gaps", 1, "description", "", "a reason for the gap"),
    ("admin_counts", 4, "year", "19", "a year such as 2019"),
    ("admin_figures", 0, "measures", "no_such_measure", "measures of the row's table"),
    ("frontline_survey", 0, "multiple", "perhaps", "one of 'yes', 'no'"),
    ("excerpts", 0, "research_activity", "RA8", "the research activity at the start of the attribution code"),
    ("definitions", 0, "kind", "other", "one of 'core'"),
    ("chapter4_numbers", 0, "kind", "guess", "one of 'survey'"),
    ("assumptions", 0, "value", "lots", "a number"),
])
def test_each_table_names_file_row_and_column(data_copy, table, row, column, value, expected):
    folder = "survey" if table == "assumptions" else "published"
    edit_csv(data_copy / "cambodia" / folder / TABLES[table].file, row, column, value)
    with pytest.raises(DataValidationError) as err:
        load_table(table, "cambodia", data_copy)
    message = str(err.value)
    assert f"{TABLES[table].file}, row {row + 1}, column '{column}': got " in message and expected in message, message


def test_codebook_and_indicators(data_copy):
    edit_csv(data_copy / "codebook/indicators.csv", 2, "variable", "cg_freq_internet|c_no_such_question")
    with pytest.raises(DataValidationError, match=r"indicators.csv, row 3, column 'variable': got 'cg_freq_internet\|c_no_such_question'; "
                                                  r"expected variables of that file"):
        load_indicators(data_copy)
    load_indicators.cache_clear()
    load_codebook.cache_clear()
    path = data_copy / "codebook/survey_codebook.csv"
    row = int((pd.read_csv(path, dtype=str)["type"] == "single").to_numpy().nonzero()[0][0])
    edit_csv(path, row, "codes", "1=Yes;two=No")
    with pytest.raises(DataValidationError, match=rf"survey_codebook.csv, row {row + 1}, column 'codes': got '1=Yes;two=No'; "
                                                  r"expected answer codes of the form"):
        load_codebook(data_copy)


def test_a_broken_csv_is_named(data_copy):
    path = data_copy / "cambodia/published/legislation.csv"
    path.write_text('topic_id,topic\n"unclosed,quote\n')
    with pytest.raises(DataValidationError, match=r"legislation.csv: got (a file that cannot be read as CSV|no column)"):
        load_table("legislation", "cambodia", data_copy)


def test_unknown_country_lists_known_ones():
    with pytest.raises(ValueError, match=r"parameter country='atlantis': expected a folder under .*known countries: cambodia"):
        load_country("atlantis")
