"""The generator's building blocks: settings read from data."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from dharm import synthetic
from dharm.data import DataValidationError, load_published
from dharm.synthetic import design_settings
from dharm.synthetic.settings import band_limits, split_proportionally

from conftest import edit_csv


def assumption_row(root: Path, variable: str, codes: str = "") -> int:
    frame = pd.read_csv(root / "cambodia/survey/assumptions.csv", dtype=str, keep_default_na=False)
    hit = frame.index[(frame["file"] == "design") & (frame["variable"] == variable) & (frame["codes"] == codes)]
    assert len(hit) == 1, (variable, codes)
    return int(hit[0])


def published_row(root: Path, indicator: str) -> int:
    frame = pd.read_csv(root / "cambodia/published/survey_estimates.csv", dtype=str, keep_default_na=False)
    hit = frame.index[(frame["indicator_id"] == indicator) & (frame["breakdown"] == "total")]
    assert len(hit) == 1, indicator
    return int(hit[0])


# ------------------------------------------------------------------ settings come from data
def test_design_settings_follow_the_data_files(data_copy):
    """Change design rows and a published sample size in a private copy: the settings follow."""
    before = design_settings(data_root=data_copy)
    assumptions = data_copy / "cambodia/survey/assumptions.csv"
    edit_csv(assumptions, assumption_row(data_copy, "n_urban_psus"), "value", "31")
    edit_csv(assumptions, assumption_row(data_copy, "population_12_17"), "value", "2345678")
    edit_csv(assumptions, assumption_row(data_copy, "cluster_sd"), "value", "0.45")
    for code, share in (("1", "55"), ("2", "35"), ("3", "10")):
        edit_csv(assumptions, assumption_row(data_copy, "children_per_household", code), "value", share)
    for code, share in (("female", "64"), ("male", "36")):
        edit_csv(assumptions, assumption_row(data_copy, "cg_sex", code), "value", share)
    edit_csv(data_copy / "cambodia/published/survey_estimates.csv", published_row(data_copy, "sample_psus"), "value", "120")
    after = design_settings(data_root=data_copy)
    assert (after.n_urban_psus, after.population_12_17, after.cluster_sd) == (31, 2345678.0, 0.45)
    assert (before.n_urban_psus, before.population_12_17, before.cluster_sd) != (31, 2345678.0, 0.45)
    assert after.children_per_household == {1: 0.55, 2: 0.35, 3: 0.10}
    assert after.cg_sex == {"male": 0.36, "female": 0.64}
    assert after.n_psus == 120 != before.n_psus
    assert after.age_band_shares == before.age_band_shares  # untouched rows stay as they were


def test_generator_uses_the_edited_design(data_copy):
    """Not only the settings: the generated roster follows an edited design row."""
    assumptions = data_copy / "cambodia/survey/assumptions.csv"
    edit_csv(assumptions, assumption_row(data_copy, "n_urban_psus"), "value", "33")
    edit_csv(assumptions, assumption_row(data_copy, "population_12_17"), "value", "2000000")
    roster = synthetic.generate(data_root=data_copy)["household_roster"]
    assert roster.loc[roster["stratum"] == "urban", "psu"].nunique() == 33
    assert roster["weight"].sum() == pytest.approx(2_000_000, abs=1)


def test_design_shares_must_add_up_to_100(data_copy):
    edit_csv(data_copy / "cambodia/survey/assumptions.csv", assumption_row(data_copy, "cg_age_group", "50+"), "value", "25")
    with pytest.raises(DataValidationError, match=r"assumptions.csv: the shares of design distribution 'cg_age_group' add up to 105, not 100"):
        design_settings(data_root=data_copy)


def test_design_distribution_needs_a_row_per_code(data_copy):
    edit_csv(data_copy / "cambodia/survey/assumptions.csv", assumption_row(data_copy, "cg_sex", "male"), "codes", "man")
    with pytest.raises(DataValidationError, match=r"design distribution 'cg_sex' has rows for codes \['female', 'man'\]"):
        design_settings(data_root=data_copy)


def test_sample_quotas_come_from_the_published_sample_sizes():
    s = design_settings()
    pub = load_published("cambodia")
    sample = pub[pub["indicator_id"] == "sample_children"].set_index(["breakdown", "group"])["value"]
    for sex in ("boy", "girl"):
        assert sum(n for (_, sx), n in s.sample_quotas.items() if sx == sex) == sample[("sex", sex)]
    for band in ("12-13", "14-15", "16-17"):
        first, last = band_limits(band)
        assert sum(n for (b, _), n in s.sample_quotas.items() if first <= band_limits(b)[0] <= last) == sample[("age_group", band)]
    # the band 14-15 is split where the report prints the base of a question asked from age 15
    asked_from_15 = pub.loc[pub["indicator_id"] == "child_accepted_money_for_images", "base_n"].dropna().iloc[0]
    assert sum(n for (b, _), n in s.sample_quotas.items() if band_limits(b)[0] >= 15) == asked_from_15
    assert s.quota_band(14) == "14" and s.quota_band(15) == "15" and s.quota_band(17) == "16-17"


def test_split_proportionally_by_hand():
    # largest remainders: 1.67, 1.67, 1.67 -> floors 1, 1, 1 and the two spare units go to the first two (ties in order)
    assert split_proportionally(5, {"a": 1, "b": 1, "c": 1}) == {"a": 2, "b": 2, "c": 1}
    # 518 boys over bands of 311, 161, 178, 342 children: 162.39, 84.07, 92.95, 178.58 -> 162, 84, 93, 179
    assert split_proportionally(518, {"12-13": 311, "14": 161, "15": 178, "16-17": 342}) == {"12-13": 162, "14": 84, "15": 93, "16-17": 179}
