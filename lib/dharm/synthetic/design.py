"""The survey design: villages, the screening roster, the interviewed children and their caregivers.

Mirrors the report's design in outline: villages (PSUs) in an urban and a rural stratum,
drawn with unequal weights; a screening roster of households and their children aged
12-17, who say whether they used the internet; one internet-using child per household
interviewed, to quotas by age and sex, with at most a few per village; one caregiver per
child. The children's weights (village weight x internet users in the household, since
one of them was chosen) are raked to the roster's estimated internet users.
"""
from __future__ import annotations

from decimal import Context, Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import GROUPS
from ..io.survey import load_codebook
from .answers import generate_variable
from .assign import Assigner
from .settings import DesignSettings, age_group, age_split
from .targets import Sources
from .weights import population_controls, rake, round_weights

RAKING_MARGINS = ("age_group", "sex", "area")  # the roster's totals of internet users the weights are raked to
EXP_CONTEXT = Context(prec=30)  # decimal exponentials: correctly rounded, so the same on every machine
FIRST_CAP = 10  # at most this many children per village at first ...
LAST_CAP = 60  # ... raised one at a time up to this while quotas remain unfilled
# Qualitative statements of the report honoured through the ranking of records (no numbers
# are published for them): caregivers aged 50+ are far less likely, and female caregivers
# somewhat less likely, to use the internet (section 1.1). Shifts of the ranking score,
# whose noise has standard deviation 1. They come with published numbers on caregivers'
# internet use and apply only where the country publishes some (see run.generate).
CAREGIVER_INTERNET = "cg_freq_internet"
TILT_CAREGIVER_50_PLUS = -1.5
TILT_CAREGIVER_FEMALE = -0.4
OLDEST_CAREGIVERS = "50+"  # the codebook's codes the tilts apply to
FEMALE = "female"


def village_weights(rng: np.random.Generator, n: int, sd: float) -> np.ndarray:
    """Log-normal village weights. The exponential is taken in decimal arithmetic (correctly
    rounded) rather than with ``np.exp``, whose SIMD code differs between CPUs."""
    return np.array([float(Decimal(float(z)).exp(EXP_CONTEXT)) for z in rng.normal(0.0, sd, n)])


def build_roster(rng: np.random.Generator, s: DesignSettings) -> pd.DataFrame:
    """Villages, households and their children aged 12-17, with weights summing to the population."""
    psu_ids = [f"V{i:03d}" for i in range(1, s.n_psus + 1)]
    urban, rural = GROUPS["area"]
    stratum = np.array([urban] * s.n_urban_psus + [rural] * (s.n_psus - s.n_urban_psus))
    psu_weight = village_weights(rng, s.n_psus, s.psu_weight_sd)
    hh_psu = np.sort(np.arange(s.n_households) % s.n_psus)
    n_kids = rng.choice(list(s.children_per_household), size=s.n_households, p=list(s.children_per_household.values()))
    hh = np.repeat(np.arange(s.n_households), n_kids)
    psu = hh_psu[hh]
    n = len(hh)
    ages, probs = s.age_probabilities()
    age = rng.choice(ages, n, p=probs)
    roster = pd.DataFrame({
        "roster_id": [f"R{i:05d}" for i in range(1, n + 1)],
        "household_id": [f"H{h + 1:05d}" for h in hh],
        "psu": [psu_ids[p] for p in psu],
        "stratum": stratum[psu],
        "weight": psu_weight[psu],
        "area": stratum[psu],
        "age": age,
        "age_group": age_group(age),
        "sex": rng.choice(list(GROUPS["sex"]), n),
    })
    roster["age_split"] = age_split(roster["age_group"])
    roster["weight"] = round_weights(roster["weight"] * (s.population_12_17 / roster["weight"].sum()))
    return roster


def pick_interviewed(rng: np.random.Generator, s: DesignSettings, users: pd.DataFrame) -> list:
    """One internet user per household, to the quotas by age and sex, few per village."""
    chosen_in_hh = users.sample(frac=1.0, random_state=rng.integers(2**31)).drop_duplicates("household_id")
    candidates = chosen_in_hh.sample(frac=1.0, random_state=rng.integers(2**31))
    quota = dict(s.sample_quotas)
    per_psu: dict[str, int] = {}
    picked: list = []
    cap = FIRST_CAP
    while sum(quota.values()) > 0:
        for idx, row in candidates.iterrows():
            key = (s.quota_band(row["age"]), row["sex"])
            if idx in picked or quota.get(key, 0) == 0 or per_psu.get(row["psu"], 0) >= cap:
                continue
            picked.append(idx)
            quota[key] -= 1
            per_psu[row["psu"]] = per_psu.get(row["psu"], 0) + 1
        cap += 1
        if cap > LAST_CAP:
            raise RuntimeError("generator: not enough internet users in the roster to fill the sample quotas")
    return picked


def build_design(rng: np.random.Generator, s: DesignSettings, sources: Sources,
                 data_root: Path | str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The roster (with internet use) and the interviewed children, with raked weights."""
    roster = build_roster(rng, s)
    assigner = Assigner(roster, rng, s.cluster_sd)
    codes = load_codebook(data_root).codes("household_roster", "used_internet_3m")
    generate_variable(roster, "household_roster", "used_internet_3m", codes, "", assigner, sources)

    users = roster[roster["used_internet_3m"] == 1]
    picked = pick_interviewed(rng, s, users)
    children = roster.loc[picked].sort_values(["psu", "household_id"]).reset_index(drop=True)
    children.insert(0, "child_id", [f"C{i:04d}" for i in range(1, len(children) + 1)])
    child_of = dict(zip(children["roster_id"], children["child_id"]))
    roster["interviewed_child_id"] = roster["roster_id"].map(child_of).fillna("")
    n_users_hh = users.groupby("household_id").size()
    children["weight"] = children["weight"] * children["household_id"].map(n_users_hh).to_numpy()
    children["weight"] = rake(children, population_controls(users, RAKING_MARGINS))
    return roster, children.drop(columns=["roster_id", "used_internet_3m"])


def caregiver_frame(children: pd.DataFrame, rng: np.random.Generator, s: DesignSettings) -> pd.DataFrame:
    """One caregiver per child; caregiver sex and age are assumptions (see assumptions.csv)."""
    n = len(children)
    out = children[["child_id", "household_id", "psu", "stratum", "weight", "area", "age_group", "sex"]].copy()
    out.insert(0, "caregiver_id", [f"G{i:04d}" for i in range(1, n + 1)])
    out["cg_sex"] = rng.choice(list(s.cg_sex), n, p=list(s.cg_sex.values()))
    out["cg_age_group"] = rng.choice(list(s.cg_age_group), n, p=list(s.cg_age_group.values()))
    return out


def caregiver_internet_tilt(frame: pd.DataFrame) -> np.ndarray:
    """Ranking shifts that make older and female caregivers less likely to use the internet."""
    return (TILT_CAREGIVER_50_PLUS * (frame["cg_age_group"] == OLDEST_CAREGIVERS).to_numpy()
            + TILT_CAREGIVER_FEMALE * (frame["cg_sex"] == FEMALE).to_numpy())
