"""The sample design of the synthetic survey: its constants and the cells answers are assigned in."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import country_dir

CELL_COLUMNS = ("age_group", "sex", "area")  # the cells inside which answers are assigned


@dataclass(frozen=True)
class DesignSettings:
    """Sample-design constants. Published ones are marked; the rest are assumptions."""

    n_psus: int = 100  # published
    n_urban_psus: int = 28  # assumption: roughly Cambodia's urban population share
    n_households: int = 2439  # published (footnote 53)
    children_per_household: tuple[float, float, float] = (0.70, 0.25, 0.05)  # assumption: 1, 2, 3 children aged 12-17
    # Published margins (311 / 339 / 342 by age band, 518 boys / 474 girls, 520 aged 15-17);
    # the split by sex within age is proportional, and 14-15 is split by single year so that
    # exactly 520 children are 15-17 (chapter 2 prints 16 of 520).
    sample_quotas: dict = field(default_factory=lambda: {
        ("12-13", "boy"): 162, ("12-13", "girl"): 149,
        ("14", "boy"): 84, ("14", "girl"): 77,
        ("15", "boy"): 93, ("15", "girl"): 85,
        ("16-17", "boy"): 179, ("16-17", "girl"): 163,
    })
    age_band_shares: tuple[float, float, float] = (0.37, 0.33, 0.30)  # assumption: makes 72/84/91% average to the published 81%
    population_12_17: float = 1_800_000  # assumption: approximate national population aged 12-17 (see assumptions.csv)
    psu_weight_sd: float = 0.25  # assumption: spread of log village weights
    cluster_sd: float = 0.6  # assumption: strength of the village effect on answers


def age_group(age: np.ndarray) -> np.ndarray:
    return np.where(age <= 13, "12-13", np.where(age <= 15, "14-15", "16-17"))


def age_split(age_band: np.ndarray) -> np.ndarray:
    """12-15 against 16-17, as chapter 2 sometimes prints."""
    return np.where(np.asarray(age_band) == "16-17", "16-17", "12-15")


def quota_key(age: int, band: str) -> str:
    return str(age) if band == "14-15" else band


def design_assumptions(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """The design constants the report does not publish (villages' spread, cluster effect, population)."""
    path = country_dir(country, data_root) / "survey" / "assumptions.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.loc[frame["file"] == "design", ["variable", "value", "reason"]].reset_index(drop=True)
