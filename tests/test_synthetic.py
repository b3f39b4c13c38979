"""The generator's building blocks: settings read from data, the exact solver, raking, portability."""
from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from dharm import synthetic
from dharm.io.errors import DataValidationError
from dharm.io.published import load_table
from dharm.config import TOLERANCE_GROUP, TOLERANCE_TOTAL
from dharm.stats.rules import ReportingRules
from dharm.synthetic import RakingError, assign, design_settings, rake
from dharm.synthetic.design import build_roster
from dharm.synthetic.fitting import fit_cells, regularised_least_squares, solve_exact
from dharm.synthetic.settings import band_limits, split_proportionally

from conftest import edit_csv

PACKAGE = Path(synthetic.__file__).parent
SURVEY_FILES = ("children", "caregivers", "household_roster")


def assumption_row(root: Path, variable: str, codes: str = "") -> int:
    frame = pd.read_csv(root / "cambodia/survey/assumptions.csv", dtype=str, keep_default_na=False)
    hit = frame.index[(frame["file"] == "design") & (frame["variable"] == variable) & (frame["codes"] == codes)]
    assert len(hit) == 1, (variable, codes)
    return int(hit[0])


def set_population(root: Path, children: int) -> None:
    """Change the population aged 12-17 in a private copy's metadata.yml."""
    path = root / "cambodia/metadata.yml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta["population"]["children_12_17"] = children
    path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


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
    set_population(data_copy, 2345678)
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
    set_population(data_copy, 2000000)
    roster = build_roster(np.random.default_rng(synthetic.SEED), design_settings(data_root=data_copy))
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
    pub = load_table("survey_estimates", "cambodia")
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


# ------------------------------------------------------------------ the exact least-squares solver
def test_regularised_least_squares_by_hand():
    """min 2 (p1/2 + p2/2 - 1)^2 + (p1 - 1)^2 + p2^2.

    Normal equations: [[3/2, 1/2], [1/2, 3/2]] p = [2, 1], so p2 = 1/4 and p1 = 5/4.
    """
    p = regularised_least_squares([[Fraction(1, 2), Fraction(1, 2)]], [1], prior=[1, 0], penalty=2)
    assert p == [Fraction(5, 4), Fraction(1, 4)]


def test_solve_exact_by_hand_and_singular():
    # 2x + y = 5, x + 3y = 10 -> x = 1, y = 3 (the first pivot is zero until rows are swapped below)
    assert solve_exact([[Fraction(0), Fraction(1)], [Fraction(2), Fraction(1)]], [Fraction(3), Fraction(5)]) == [1, 3]
    assert solve_exact([[Fraction(2), Fraction(1)], [Fraction(1), Fraction(3)]], [Fraction(5), Fraction(10)]) == [1, 3]
    with pytest.raises(ValueError, match="singular"):
        solve_exact([[Fraction(1), Fraction(2)], [Fraction(2), Fraction(4)]], [Fraction(1), Fraction(2)])


def test_fit_cells_is_exact_and_calls_no_lapack(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("fit_cells must not call LAPACK")

    monkeypatch.setattr(np.linalg, "lstsq", refuse)
    monkeypatch.setattr(np.linalg, "solve", refuse)
    cells = pd.DataFrame(list(itertools.product(["12-13", "14-15", "16-17"], ["boy", "girl"], ["rural", "urban"])),
                         columns=["age_group", "sex", "area"])
    weights = pd.Series([1.0, 2.0, 3.0, 4.0] * 3)
    # a total alone: the smooth prior (40% everywhere) meets it exactly, so it is the answer, to the last bit
    assert fit_cells({("total", "Total"): 40.0}, cells, weights).tolist() == [0.4] * 12
    # boys 30%, girls 50% (and no total): every boy cell 0.3, every girl cell 0.5, exactly
    fitted = fit_cells({("sex", "boy"): 30.0, ("sex", "girl"): 50.0}, cells, weights)
    assert fitted.tolist() == [0.3 if s == "boy" else 0.5 for s in cells["sex"]]


# ------------------------------------------------------------------ raking
def test_raking_by_hand():
    """Start 1, 1, 1, 6 (boy-urban, boy-rural, girl-urban, girl-rural); boys 4, girls 6, urban 5, rural 5.

    Raked weights keep the start's cross-ratio, (bu * gr) / (br * gu) = 6, and meet the margins:
    with bu = x the table is [[x, 4 - x], [5 - x, 1 + x]] and x (1 + x) = 6 (4 - x)(5 - x), i.e.
    x^2 - 11x + 24 = 0, x = 3 (8 would make a weight negative): 3, 1, 2, 4.
    """
    sample = pd.DataFrame({"weight": [1.0, 1.0, 1.0, 6.0], "sex": ["boy", "boy", "girl", "girl"],
                           "area": ["urban", "rural", "urban", "rural"]})
    raked = rake(sample, {"sex": {"boy": 4, "girl": 6}, "area": {"urban": 5, "rural": 5}})
    assert raked.tolist() == [3.0, 1.0, 2.0, 4.0]


def test_raking_that_cannot_converge_is_an_error():
    """All boys are urban and all girls rural, yet boys must be 5 and the urban total 2."""
    sample = pd.DataFrame({"weight": [1.0, 1.0], "sex": ["boy", "girl"], "area": ["urban", "rural"]})
    with pytest.raises(RakingError, match=r"raking 2 records .* failed: Did not converge"):
        rake(sample, {"sex": {"boy": 5, "girl": 5}, "area": {"urban": 2, "rural": 8}})


def test_raking_refuses_weights_on_a_rounding_boundary():
    sample = pd.DataFrame({"weight": [1.0], "sex": ["boy"]})
    with pytest.raises(RakingError, match="rounding boundary"):
        rake(sample, {"sex": {"boy": 1.00005}})


# ------------------------------------------------------------------ the package itself
def test_public_names():
    for name in ("generate", "write", "load_assumptions", "DesignSettings", "SEED"):
        assert hasattr(synthetic, name), name


def test_calibration_aims_inside_the_ledger_tolerances():
    """The generator aims inside the ledger's tolerances, and its small-group rule is the report's."""
    assert 0 < assign.AIM_TOTAL < TOLERANCE_TOTAL
    assert 0 < assign.AIM_GROUP < TOLERANCE_GROUP
    assert assign.SMALL_GROUP == ReportingRules().min_base
