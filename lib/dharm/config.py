"""Configuration shared by every layer: where things are, which country, which pages.

This is the bottom layer of the package: it imports nothing from ``dharm``. Paths are
resolved from the package's place in the repository (the library is installed in
editable mode from ``lib/``); the page list is read from ``_toc.yml``, so the book's
structure is written down once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_ROOT = REPO_ROOT / "data"
BUILD_DIR = REPO_ROOT / "_build"
ESTIMATES_DIR = BUILD_DIR / "estimates"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
TOC_PATH = REPO_ROOT / "_toc.yml"
LIBRARY_DIR = Path(__file__).resolve().parent

DEFAULT_COUNTRY = "cambodia"

# The survey's breakdowns and their groups, shared by every Disrupting Harm country's questionnaire.
GROUPS: dict[str, tuple[str, ...]] = {
    "total": ("Total",),
    "age_group": ("12-13", "14-15", "16-17"),
    "sex": ("boy", "girl"),
    "area": ("urban", "rural"),
    "age_split": ("12-15", "16-17"),  # chapter 2 prints some prevalences for 12-15 against 16-17
}
BREAKDOWNS = tuple(GROUPS)
GROUP_LABELS = {"Total": "All", "boy": "Boys", "girl": "Girls", "urban": "Urban", "rural": "Rural"}
SURVEY_FILES = ("children", "caregivers", "household_roster")
SCALED_SUFFIX = "_population"  # a published share scaled to the national population of internet users

# How close a computed number must come to the printed one (percentage points).
TOLERANCE_TOTAL = 0.5  # whole-sample estimates
TOLERANCE_GROUP = 1.0  # age, sex and area groups


def data_root(root: Path | str | None = None) -> Path:
    """The data folder to read: the one given, else the repository's ``data/``."""
    return Path(root) if root is not None else DATA_ROOT


@dataclass(frozen=True)
class Page:
    """One page of the book: its key in the ledger (``summary``, ``1``, ...) and its notebook."""

    key: str
    notebook: str  # file stem, e.g. "02_ocsea"

    @property
    def path(self) -> Path:
        return NOTEBOOK_DIR / f"{self.notebook}.ipynb"

    @property
    def html(self) -> str:
        return f"{self.notebook}.html"


def page_key(stem: str) -> str:
    """``02_ocsea`` -> ``2``; ``00_summary`` -> ``summary``: chapters by number, front matter by name."""
    prefix, _, name = stem.partition("_")
    if not prefix.isdigit():
        raise ValueError(f"_toc.yml: notebook {stem!r} does not start with a two-digit number")
    return name if int(prefix) == 0 else str(int(prefix))


@lru_cache(maxsize=1)
def pages() -> tuple[Page, ...]:
    """The book's notebook pages in reading order, from ``_toc.yml``."""
    toc = yaml.safe_load(TOC_PATH.read_text(encoding="utf-8"))
    entries = [entry for entry in _walk(toc) if str(entry).startswith("notebooks/")]
    return tuple(Page(page_key(Path(e).name), Path(e).name) for e in entries)


def _walk(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["file"]] if "file" in node else []
        for key in ("chapters", "parts", "sections"):
            for child in node.get(key, []) or []:
                found += _walk(child)
        return found
    return []


def page(key: str) -> Page:
    """The page with ledger key ``key``; a clear error naming the known keys."""
    for p in pages():
        if p.key == str(key):
            return p
    raise KeyError(f"no page {key!r} in _toc.yml (pages: {', '.join(p.key for p in pages())})")


def page_order() -> tuple[str, ...]:
    """Ledger keys of the pages in reading order."""
    return tuple(p.key for p in pages())
