"""Build the three synthetic files, check them against the codebook, and write them all or none.

``generate`` runs the steps in a fixed order from one seeded random generator (design,
then caregivers, then the children's and the caregivers' answers), so the same inputs
give the same records. ``write`` validates every file before any of them replaces the
committed data.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DEFAULT_COUNTRY
from ..io.country import load_country
from ..io.errors import DataValidationError
from ..io.published import country_dir
from ..io.survey import load_codebook, load_indicators, validate_survey
from .answers import answer_file
from .assign import Assigner
from .design import CAREGIVER_INTERNET, build_design, caregiver_frame, caregiver_internet_tilt
from .settings import DesignSettings, design_settings
from .targets import Sources, load_assumptions
from .weights import round_weights

SEED = 20201011  # first day of fieldwork
FILES = ("household_roster", "children", "caregivers")  # written in this order
ANSWERED_FILES = ("children", "caregivers")  # the roster's one question is answered with the design


def generate(country: str = DEFAULT_COUNTRY, seed: int = SEED, settings: DesignSettings | None = None,
             data_root: Path | str | None = None) -> dict[str, pd.DataFrame]:
    """Build all three synthetic files in memory (validated against the codebook by :func:`write`)."""
    s = settings if settings is not None else design_settings(country, data_root)
    rng = np.random.default_rng(seed)
    codebook = load_codebook(data_root)
    sources = Sources(load_country(country, data_root).table("survey_estimates"), load_indicators(data_root),
                      load_assumptions(country, data_root), codebook)
    roster, children = build_design(rng, s, sources, data_root)
    caregivers = caregiver_frame(children, rng, s)
    frames = {"household_roster": roster, "children": children, "caregivers": caregivers}
    for file in ANSWERED_FILES:
        spec = codebook.variables(file)
        answers = [v for v in spec.query("type == 'single'")["variable"] if v not in frames[file]]
        frame = pd.concat([frames[file], pd.DataFrame(np.nan, index=frames[file].index, columns=answers)], axis=1)
        frames[file] = frame
        tilts = {CAREGIVER_INTERNET: caregiver_internet_tilt(frame)} \
            if file == "caregivers" and sources.published_on(file, CAREGIVER_INTERNET) else None
        answer_file(frame, file, spec, Assigner(frame, rng, s.cluster_sd), sources, tilts)
    out = {}
    for file in FILES:
        frame = frames[file][list(codebook.variables(file)["variable"])].copy()
        frame["synthetic"] = True
        frame["weight"] = round_weights(frame["weight"])  # already rounded; kept as the last word on the format
        out[file] = frame
    return out


def write(frames: dict[str, pd.DataFrame], country: str = DEFAULT_COUNTRY, data_root: Path | str | None = None) -> list[Path]:
    """Write every file to a temporary name first, validate them all, then move them into place."""
    folder = country_dir(country, data_root) / "survey"
    codebook = load_codebook(data_root)
    tmp_paths = []
    for file, frame in frames.items():
        path = folder / f"{file}_synthetic.csv"
        tmp = path.with_suffix(".csv.tmp")
        out = frame.copy()
        for col in out.columns:
            if out[col].dtype.kind == "f" and col != "weight":
                out[col] = out[col].astype("Int64")
        out.to_csv(tmp, index=False, lineterminator="\n")
        tmp_paths.append((tmp, path))
    try:  # validate every file before any of them replaces the committed data
        for (tmp, path), file in zip(tmp_paths, frames):
            validate_survey(pd.read_csv(tmp, dtype=str, keep_default_na=False), codebook.variables(file), tmp)
    except DataValidationError:
        for tmp, _ in tmp_paths:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in tmp_paths:
        tmp.replace(path)  # atomic per file: a reader sees the old file or the new one, never half of one
    return [p for _, p in tmp_paths]
