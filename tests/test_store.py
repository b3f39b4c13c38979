"""The estimate store: the same numbers as the per-call path, computed once per data version and parameters."""
from __future__ import annotations

import multiprocessing
import shutil
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
import pytest

from dharm.config import GROUPS
from dharm.io.country import load_country
from dharm.stats import store as store_module
from dharm.stats.estimation import estimate_indicator
from dharm.stats.store import COLUMNS, estimate_store, read_store, store_inputs, store_key

from conftest import edit_csv

COMPARED = ["estimate", "se", "ci_low", "ci_high", "n", "n_positive", "weighted_base"]


def _per_call(indicator_ids: list[str]) -> pd.DataFrame:
    """Today's per-call result for some indicators, every breakdown of their file (a design built per call)."""
    data = load_country()
    parts = []
    for indicator_id in indicator_ids:
        indicator = data.indicators.loc[indicator_id]
        frame = data.surveys[indicator["file"]]
        parts.append(estimate_indicator(frame, indicator, [b for b in GROUPS if b == "total" or b in frame.columns]))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture(scope="module")
def stored(country_data):
    return estimate_store(country_data).estimates


def test_every_stored_estimate_equals_the_per_call_result(country_data, stored, monkeypatch):
    ids = list(country_data.indicators.index)
    halves = [ids[0::2], ids[1::2]]  # both cores, one thread each: the per-call path is the slow one
    for name in ("POLARS_MAX_THREADS", "RAYON_NUM_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.setenv(name, "1")  # inherited by the worker processes as they start
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        reference = pd.concat(pool.map(_per_call, halves), ignore_index=True)
    keys = ["indicator_id", "breakdown", "group"]
    merged = reference.merge(stored, on=keys, how="outer", suffixes=("_call", "_store"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", keys + ["_merge"]].head()
    assert len(merged) == len(stored) > 5000
    for column in COMPARED:
        call, kept = merged[f"{column}_call"].to_numpy(float), merged[f"{column}_store"].to_numpy(float)
        assert np.array_equal(np.isnan(call), np.isnan(kept)), column
        both = ~np.isnan(call)
        assert np.max(np.abs(call[both] - kept[both])) <= 1e-9, column


def test_the_table_has_its_columns_and_design_facts(country_data, stored):
    assert list(stored.columns[: len(COLUMNS)]) == COLUMNS
    store = estimate_store(country_data)
    children = country_data.surveys["children"]
    facts = store.facts("children")
    assert (facts["records"], facts["psus"], facts["strata"], facts["df"]) == (len(children), children["psu"].nunique(),
                                                                                children["stratum"].nunique(), 98)
    assert store.facts("children", "sex", "girl")["records"] == int((children["sex"] == "girl").sum())
    assert store.facts("household_roster")["households"] == country_data.surveys["household_roster"]["household_id"].nunique()
    # degrees of freedom of an interval: the domain's PSUs minus its strata (R: degf of the subset design)
    urban = stored[(stored["indicator_id"] == "child_daily_internet") & (stored["group"] == "urban")].iloc[0]
    in_domain = children[children["area"] == "urban"]
    assert urban["df"] == in_domain["psu"].nunique() - in_domain["stratum"].nunique()
    assert stored["deff"].dropna().between(0, 20).all() and stored.loc[stored["se"] == 0, "deff"].isna().all()


def test_the_key_follows_data_code_and_parameters(country_data, data_copy):
    inputs = store_inputs(country_data, 0.95)
    assert store_key(inputs) == store_key(store_inputs(load_country(), 0.95))
    assert store_key(store_inputs(country_data, 0.90)) != store_key(inputs)
    copy = load_country("cambodia", data_copy)
    assert store_key(store_inputs(copy, 0.95)) == store_key(inputs)  # the same bytes, wherever they are
    edit_csv(data_copy / "codebook" / "indicators.csv", 0, "label", "Another label")
    assert store_key(store_inputs(load_country("cambodia", data_copy), 0.95)) != store_key(inputs)
    children = data_copy / "cambodia" / "survey" / "children_synthetic.csv"
    shutil.copy(country_data.survey_files()["children"], children)
    edit_csv(children, 0, "weight", "123.4567")
    assert store_inputs(load_country("cambodia", data_copy), 0.95)["files"]["children"] != inputs["files"]["children"]


def test_a_stored_table_is_read_not_recomputed(country_data, tmp_path, monkeypatch):
    computed = []
    real = estimate_store(country_data)  # the book's store: its tables stand in for a computation here

    def compute(data, confidence):
        computed.append(confidence)
        return real.estimates, real.design

    monkeypatch.setattr(store_module, "compute_estimates", compute)
    first = estimate_store(country_data, 0.95, store_dir=tmp_path)
    assert first.path.parent == tmp_path and first.path.name.startswith("cambodia-") and computed == [0.95]
    read_store.cache_clear()
    again = estimate_store(load_country(), 0.95, store_dir=tmp_path)
    assert computed == [0.95]  # read from the file, not computed again
    pd.testing.assert_frame_equal(again.estimates, first.estimates)
    pd.testing.assert_frame_equal(again.design, real.design)
    estimate_store(load_country(), 0.90, store_dir=tmp_path)
    assert computed == [0.95, 0.90]  # another parameter set is another table
    assert len(list(tmp_path.glob("*.parquet"))) == 2 and not list(tmp_path.glob("*.tmp*"))


def test_confidence_changes_only_the_intervals(country_data, stored):
    other = estimate_store(country_data, 0.90).estimates
    assert len(other) == len(stored)
    pd.testing.assert_series_equal(other["estimate"], stored["estimate"])
    mixed = (stored["se"] > 0) & (stored["df"] > 0)  # with one PSU and stratum the interval is undefined in both
    assert (other.loc[mixed, "ci_low"] > stored.loc[mixed, "ci_low"]).all()
    assert (other.loc[mixed, "ci_high"] < stored.loc[mixed, "ci_high"]).all()


def test_bad_confidence_is_refused_before_anything_is_computed(country_data, tmp_path):
    with pytest.raises(ValueError, match=r"parameter confidence=1.5: expected a number in \[0.5, 1\)"):
        estimate_store(country_data, 1.5, store_dir=tmp_path)
    assert not list(tmp_path.iterdir())
