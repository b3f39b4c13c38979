"""Bad input gets a clear error naming the file, row and column, and nothing is half-written."""
import pandas as pd
import pytest

from dharm.data import DataValidationError, load_published, load_survey
from dharm.figures import load_country

from conftest import edit_csv


def test_unknown_answer_code(data_copy):
    edit_csv(data_copy / "cambodia/survey/children_synthetic.csv", 4, "c_freq_internet", "7")
    with pytest.raises(DataValidationError, match=r"children_synthetic.csv, row 5, column 'c_freq_internet': code 7 is not one of"):
        load_survey("children", data_root=data_copy)


def test_follow_up_answered_although_not_asked(data_copy):
    path = data_copy / "cambodia/survey/children_synthetic.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int((frame["c_met_in_person"] == "2").to_numpy().nonzero()[0][0])
    edit_csv(path, row, "c_met_feeling", "1")
    with pytest.raises(DataValidationError, match=rf"row {row + 1}, column 'c_met_feeling': has an answer although the skip rule"):
        load_survey("children", data_root=data_copy)


def test_follow_up_missing_although_asked(data_copy):
    path = data_copy / "cambodia/survey/children_synthetic.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = int((frame["c_shared_naked_self"] == "1").to_numpy().nonzero()[0][0])
    edit_csv(path, row, "c_share_recipient", "")
    with pytest.raises(DataValidationError, match=rf"row {row + 1}, column 'c_share_recipient': is empty although the question was asked"):
        load_survey("children", data_root=data_copy)


def test_missing_column_and_bad_weight(data_copy):
    path = data_copy / "cambodia/survey/caregivers_synthetic.csv"
    edit_csv(path, 0, "weight", "-3")
    with pytest.raises(DataValidationError, match=r"caregivers_synthetic.csv, row 1, column 'weight'"):
        load_survey("caregivers", data_root=data_copy)
    pd.read_csv(path, dtype=str).drop(columns="psu").to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"missing column\(s\) psu"):
        load_survey("caregivers", data_root=data_copy)


def test_published_value_and_group_checks(data_copy):
    path = data_copy / "cambodia/published/survey_estimates.csv"
    edit_csv(path, 10, "value", "about 40")
    with pytest.raises(DataValidationError, match=r"survey_estimates.csv, row 11, column 'value': 'about 40' is not a number"):
        load_published(data_root=data_copy)
    edit_csv(path, 10, "value", "40")
    edit_csv(path, 10, "breakdown", "sex")
    edit_csv(path, 10, "group", "12-13")
    with pytest.raises(DataValidationError, match=r"row 11, column 'group': '12-13' is not a group of breakdown 'sex'"):
        load_published(data_root=data_copy)


def test_unknown_country_lists_known_ones():
    with pytest.raises(DataValidationError, match=r"parameter country='atlantis'.*known countries: cambodia"):
        load_country("atlantis")


def test_generator_writes_nothing_when_output_is_invalid(data_copy, monkeypatch):
    from dharm import synthetic
    frames = synthetic.generate(data_root=data_copy)
    frames["children"].loc[0, "c_met_feeling"] = 1.0  # breaks the skip rule if c_met_in_person != 1
    frames["children"].loc[0, "c_met_in_person"] = 2.0
    before = {p.name: p.read_bytes() for p in (data_copy / "cambodia/survey").glob("*.csv")}
    with pytest.raises(DataValidationError):
        synthetic.write(frames, data_root=data_copy)
    after = {p.name: p.read_bytes() for p in (data_copy / "cambodia/survey").glob("*.csv")}
    assert before == after
    assert not list((data_copy / "cambodia/survey").glob("*.tmp"))
