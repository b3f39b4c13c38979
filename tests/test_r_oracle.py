"""dharm's survey estimates against an outside oracle: R's `survey` package.

``tests/oracle/r_survey_reference.csv`` was written by ``tests/oracle/survey_reference.R``
(svydesign with strata and PSUs, domains as subsets of the full design, logit intervals
from svyciprop with the domain's degrees of freedom, design effects against sampling with
replacement). The library's values are read from its estimate store, which every page uses.
R is not needed here: the reference numbers are committed. Regenerate them with ``Rscript tests/oracle/survey_reference.R``
(see tests/oracle/README.md).
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from dharm.io.country import load_country
from dharm.stats.store import estimate_store

REPO = Path(__file__).resolve().parents[1]
ORACLE = REPO / "tests" / "oracle"
REFERENCE = ORACLE / "r_survey_reference.csv"
SCRIPT = ORACLE / "survey_reference.R"
INDICATORS = REPO / "data" / "codebook" / "indicators.csv"

COLUMNS = ["indicator_id", "file", "breakdown", "group", "estimate", "se", "ci_low", "ci_high",
           "deff_replace", "deff_kish", "n", "n_positive", "weighted_base",
           "df_full", "df_domain", "ci_low_full_df", "ci_high_full_df"]
TOLERANCE = 1e-6  # absolute, in percentage points


def read_reference() -> pd.DataFrame:
    return pd.read_csv(REFERENCE, comment="#", dtype={"indicator_id": str, "file": str, "breakdown": str, "group": str},
                       keep_default_na=False)


REF = read_reference()


@lru_cache(maxsize=1)
def _stored() -> pd.DataFrame:
    return estimate_store(load_country("cambodia"), 0.95).estimates.set_index(["indicator_id", "breakdown", "group"])


def library_estimate(indicator_id: str, breakdown: str, group: str) -> dict:
    """dharm's estimate of one cell, from the estimate store: estimate, se, ci_low, ci_high (percent),
    deff, df, n, n_positive, weighted_base. The only place this test reads the library."""
    return _stored().loc[(indicator_id, breakdown, group)].to_dict()


CELLS = REF.to_dict("records")
CELL_IDS = [f"{r['indicator_id']}-{r['breakdown']}-{r['group']}" for r in CELLS]


@pytest.mark.parametrize("ref", CELLS, ids=CELL_IDS)
def test_estimate_se_and_counts_match_r_survey(ref):
    got = library_estimate(ref["indicator_id"], ref["breakdown"], ref["group"])
    assert int(got["n"]) == ref["n"]
    assert int(got["n_positive"]) == ref["n_positive"]
    for col in ("estimate", "se"):
        assert abs(float(got[col]) - ref[col]) <= TOLERANCE, f"{col}: library {got[col]!r}, R {ref[col]!r}"
    assert float(got["weighted_base"]) == pytest.approx(ref["weighted_base"], rel=1e-12)


@pytest.mark.parametrize("ref", CELLS, ids=CELL_IDS)
def test_logit_interval_matches_r_survey(ref):
    """svyciprop(method = "logit") with its default df: the domain's PSUs minus strata."""
    got = library_estimate(ref["indicator_id"], ref["breakdown"], ref["group"])
    assert int(got["df"]) == ref["df_domain"]
    for col in ("ci_low", "ci_high"):
        assert abs(float(got[col]) - ref[col]) <= TOLERANCE, f"{col}: library {got[col]!r}, R {ref[col]!r}"


@pytest.mark.parametrize("ref", CELLS, ids=CELL_IDS)
def test_design_effect_matches_r_survey(ref):
    """The design effect against simple random sampling with replacement (R: deff = "replace")."""
    got = library_estimate(ref["indicator_id"], ref["breakdown"], ref["group"])
    assert float(got["deff"]) == pytest.approx(ref["deff_replace"], abs=TOLERANCE)


def test_the_df_choice_matters_for_small_domains():
    """The reference holds cells whose domain misses some PSUs, where the two df conventions differ."""
    small = REF[REF["df_domain"] < REF["df_full"] - 10]
    assert len(small) >= 3
    assert ((small["ci_low"] - small["ci_low_full_df"]).abs() > 1e-3).any()


def test_reference_was_computed_from_the_committed_data():
    """A change of the synthetic files or the indicator definitions needs a new reference (see tests/oracle/README.md)."""
    first = REFERENCE.read_text().splitlines()[0]
    recorded = dict(item.split("=") for item in first.split("inputs md5: ", 1)[1].split())
    files = [REPO / "data" / "cambodia" / "survey" / f"{f}_synthetic.csv" for f in ("children", "caregivers", "household_roster")]
    current = {p.name: hashlib.md5(p.read_bytes()).hexdigest() for p in [*files, INDICATORS]}
    assert recorded == current, "the R reference is stale: run Rscript tests/oracle/survey_reference.R"


def test_reference_file_is_well_formed():
    first = REFERENCE.read_text().splitlines()[0]
    assert first.startswith("# produced by Rscript tests/oracle/survey_reference.R"), first  # no date: reruns are byte-stable
    assert re.search(r"R version \d+\.\d+\.\d+", first) and re.search(r"survey \d+\.\d+", first), first
    assert list(REF.columns) == COLUMNS
    assert not REF.duplicated(["indicator_id", "breakdown", "group"]).any()
    assert REF[COLUMNS[4:]].notna().all().all()
    assert ((REF["ci_low"] < REF["estimate"]) & (REF["estimate"] < REF["ci_high"])).all()
    assert (REF["df_full"] == 98).all()  # 100 PSUs in 2 strata, in every file
    assert (REF["df_domain"] <= REF["df_full"]).all()


def _kinds(row: pd.Series, indicators: pd.DataFrame) -> set[str]:
    ind = indicators.loc[row["indicator_id"]]
    kinds = {row["breakdown"]}  # total, sex, age_group, area, age_split
    if ind["universe"]:
        kinds.add("follow_up")
    if row["n"] < 50:
        kinds.add("small_domain")
    if row["n_positive"] <= 5:
        kinds.add("rare_outcome")
    if row["file"] == "caregivers":
        kinds.add("caregivers")
    if row["indicator_id"] == "roster_internet_user":
        kinds.add("household_roster")
    if " in [" in ind["universe"]:
        kinds.add("universe_in_list")
    if "|" in ind["variable"]:
        kinds.add("several_variables")
    return kinds


def test_reference_covers_every_kind_of_cell():
    indicators = pd.read_csv(INDICATORS, dtype=str, keep_default_na=False).set_index("indicator_id", drop=False)
    covered = set().union(*(_kinds(row, indicators) for _, row in REF.iterrows()))
    wanted = {"total", "sex", "age_group", "area", "age_split", "follow_up", "small_domain", "rare_outcome",
              "caregivers", "household_roster", "universe_in_list", "several_variables"}
    assert wanted <= covered, f"missing kinds of cell: {sorted(wanted - covered)}"
    assert (REF["file"] == REF["indicator_id"].map(indicators["file"])).all()
    # the library swaps logit intervals for an exact bound at 0 or n positives: not an R comparison
    assert ((REF["n_positive"] > 0) & (REF["n_positive"] < REF["n"])).all()
    assert len(REF) >= 12


def _script_cells() -> list[tuple[str, str, str]]:
    text = SCRIPT.read_text()
    block = text.split("# ---- cells begin", 1)[1].split("# ---- cells end", 1)[0]
    return re.findall(r'cell\("([^"]+)",\s*"([^"]+)",\s*"([^"]+)"\)', block)


def test_reference_cells_are_the_ones_the_r_script_defines():
    cells = _script_cells()
    assert cells, "no cell(...) lines between the '# ---- cells begin/end' markers of survey_reference.R"
    assert cells == list(REF[["indicator_id", "breakdown", "group"]].itertuples(index=False, name=None))


def test_r_script_does_not_retype_indicator_definitions():
    """The script must take variables, codes and universes from indicators.csv, not restate them."""
    text = SCRIPT.read_text()
    indicators = pd.read_csv(INDICATORS, dtype=str, keep_default_na=False).set_index("indicator_id")
    for indicator_id in {c[0] for c in _script_cells()}:
        ind = indicators.loc[indicator_id]
        names = set(ind["variable"].split("|")) | set(re.findall(r"[A-Za-z_]\w*", ind["universe"])) - {"in", "and", "or"}
        for name in names - {"age"}:  # 'age' is too common a word to search for
            assert not re.search(rf"\b{re.escape(name)}\b", text), f"survey_reference.R names {name!r} of {indicator_id}"
