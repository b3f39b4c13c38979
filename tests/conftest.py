"""Shared fixtures: the Cambodia data and its estimate store (read once), and a writable copy of data/."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dharm.config import DATA_ROOT
from dharm.io.country import load_country
from dharm.io.survey import load_codebook, load_indicators
from dharm.ledger import build_ledger
from dharm.stats.rules import ReportingRules

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def country_data():
    return load_country("cambodia")


@pytest.fixture(scope="session")
def rules():
    return ReportingRules()


@pytest.fixture(scope="session")
def ledger(country_data, rules):
    """The reproduction ledger with the report's rules (computed once: it reads the estimate store)."""
    return build_ledger(country_data, rules)


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
    """Change one cell of a CSV in a test's private data copy (``row`` 0 is the first line after the header)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row, column] = value
    frame.to_csv(path, index=False)


def glued(nb) -> dict[str, str]:
    """The values a notebook glued for its prose (name -> text/plain), from its stored outputs."""
    values = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook")
            if scrap:
                values[scrap["name"]] = next(v for k, v in out["data"].items() if k.endswith("text/plain"))
    return values
