"""Shared fixtures: the loaded Cambodia data (read once) and a writable copy of data/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dharm.data import DATA_ROOT, load_codebook, load_indicators

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def country_data():
    from dharm.figures import load_country
    return load_country("cambodia")


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(DATA_ROOT, target)
    load_codebook.cache_clear()
    load_indicators.cache_clear()
    yield target
    load_codebook.cache_clear()
    load_indicators.cache_clear()


def edit_csv(path: Path, row: int, column: str, value: str) -> None:
    """Change one cell of a CSV in a test's private data copy."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)
