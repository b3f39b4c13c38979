"""Editions: a version a citation can point to, and what each edition changed in the numbers.

``CITATION.cff`` is the one source of the book's version and release date (pages' footers, citation
blocks, PDFs). :func:`release` refuses a dirty tree or failing tests, stamps the version and date
there, keeps the edition's ledger and estimates under ``_build/editions/<version>/``, records the
ledger in ``editions/<version>.csv`` (committed, so the next edition can say what moved), writes the
edition's section of ``CHANGES.md`` and returns the tag to create.
"""
from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .config import BUILD_DIR, ESTIMATES_DIR, REPO_ROOT
from .io.citation import CITATION_PATH, load_book_citation
from .io.errors import parameter_error
from .io.country import load_country
from .ledger import STATUSES, build_ledger, write_ledger

EDITIONS_DIR = REPO_ROOT / "editions"  # each edition's ledger, committed
EDITION_BUILDS = BUILD_DIR / "editions"  # each edition's ledger and estimates, as built
CHANGES_PATH = REPO_ROOT / "CHANGES.md"
CHANGES_HEAD = "# Changes\n\nWhat each edition of the book changed in its numbers, from the reproduction ledger.\n"
KEY = ["chapter", "section", "figure", "indicator", "breakdown", "group", "published"]
SHOWN_CHANGES = 25  # moved numbers listed in CHANGES.md; the rest are counted


class ReleaseRefused(RuntimeError):
    """The tree or the tests are not in a state an edition can be cut from."""


def dirty_files(repo: Path = REPO_ROOT) -> list[str]:
    """Files ``git status`` lists as changed or untracked (an edition is cut from committed work only)."""
    result = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    return [line[3:] for line in result.stdout.splitlines() if line.strip()]


def run_tests(repo: Path = REPO_ROOT) -> bool:
    """The README's test command; True when it passes."""
    return subprocess.run(["make", "test"], cwd=repo).returncode == 0


def check_version(version: str, current: str) -> str:
    """A new version: three numbers, greater than the current one."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise parameter_error("version", version, "three numbers, e.g. 0.2.0")
    if tuple(map(int, version.split("."))) <= tuple(map(int, current.split("."))):
        raise parameter_error("version", version, f"a version after the current edition, {current}")
    return version


def stamp_citation(version: str, date: datetime.date, path: Path = CITATION_PATH) -> None:
    """Write the version and release date into CITATION.cff, leaving the rest of the file as it is."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^version: .*$', f'version: "{version}"', text, count=1)
    text = re.sub(r'(?m)^date-released: .*$', f'date-released: "{date.isoformat()}"', text, count=1)
    path.write_text(text, encoding="utf-8")
    stamped = load_book_citation(path)
    assert (stamped.version, stamped.date_released) == (version, date), "CITATION.cff was not stamped"


@dataclass(frozen=True)
class LedgerChanges:
    """How one edition's ledger differs from the previous one."""

    statuses: pd.DataFrame  # status, previous, now
    moved: pd.DataFrame  # numbers whose computed value or status changed
    added: int
    removed: int


def ledger_changes(previous: pd.DataFrame | None, current: pd.DataFrame) -> LedgerChanges:
    """Compare two ledgers number by number (a number: its page, section, figure, indicator, group and printed value)."""
    now = current["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    if previous is None:
        statuses = pd.DataFrame({"status": list(STATUSES), "previous": pd.NA, "now": now.to_numpy()})
        return LedgerChanges(statuses, current.iloc[0:0], len(current), 0)
    before = previous["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    statuses = pd.DataFrame({"status": list(STATUSES), "previous": before.to_numpy(), "now": now.to_numpy()})
    keyed = [frame.assign(_n=frame.groupby(KEY, dropna=False).cumcount()) for frame in (previous, current)]
    both = keyed[0].merge(keyed[1], on=KEY + ["_n"], how="outer", suffixes=("_before", "_now"), indicator=True)
    paired = both[both["_merge"] == "both"]
    value_moved = ~((paired["computed_before"] - paired["computed_now"]).abs().fillna(0) < 1e-9) | (
        paired["computed_before"].isna() != paired["computed_now"].isna())
    moved = paired[value_moved | (paired["status_before"] != paired["status_now"])]
    return LedgerChanges(statuses, moved[KEY + ["computed_before", "computed_now", "status_before", "status_now"]],
                         int((both["_merge"] == "right_only").sum()), int((both["_merge"] == "left_only").sum()))


def _cell(value) -> str:
    return "" if pd.isna(value) else (f"{value:g}" if isinstance(value, float) else str(value))


def changes_section(version: str, date: datetime.date, previous_version: str | None, changes: LedgerChanges) -> str:
    """The edition's section of CHANGES.md, in Markdown."""
    lines = [f"## {version} ({date.isoformat()})", ""]
    if previous_version is None:
        lines.append("First edition with a recorded ledger.")
    else:
        lines.append(f"Compared with {previous_version}: {len(changes.moved)} published numbers moved (computed value or "
                     f"status), {changes.added} added, {changes.removed} removed.")
    lines += ["", "| status | " + ("before | " if previous_version else "") + "now |",
              "|---|" + ("---|" if previous_version else "") + "---|"]
    for row in changes.statuses.itertuples(index=False):
        lines.append(f"| {row.status} | " + (f"{_cell(row.previous)} | " if previous_version else "") + f"{row.now} |")
    if len(changes.moved):
        lines += ["", "| page | section | indicator | group | printed | computed before | computed now | status before | status now |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for row in changes.moved.head(SHOWN_CHANGES).itertuples(index=False):
            lines.append(f"| {row.chapter} | {row.section} | {row.indicator} | {_cell(row.group)} | {_cell(row.published)} | "
                         f"{_cell(row.computed_before)} | {_cell(row.computed_now)} | {row.status_before} | {row.status_now} |")
        if len(changes.moved) > SHOWN_CHANGES:
            lines.append(f"\n{len(changes.moved) - SHOWN_CHANGES} more in `editions/{version}.csv` against the previous edition's file.")
    return "\n".join(lines) + "\n"


def add_changes(section: str, path: Path = CHANGES_PATH) -> None:
    """Put an edition's section at the top of CHANGES.md (newest first)."""
    body = path.read_text(encoding="utf-8").removeprefix(CHANGES_HEAD) if path.is_file() else ""
    path.write_text(CHANGES_HEAD + "\n" + section + ("\n" + body.lstrip("\n") if body.strip() else ""), encoding="utf-8")


def previous_edition(editions: Path = EDITIONS_DIR) -> tuple[str, pd.DataFrame] | None:
    """The latest recorded edition's version and ledger, if any."""
    files = sorted(editions.glob("*.csv"), key=lambda p: tuple(map(int, p.stem.split("."))))
    return (files[-1].stem, pd.read_csv(files[-1])) if files else None


def keep_edition(version: str, ledger: pd.DataFrame, editions: Path = EDITIONS_DIR, builds: Path = EDITION_BUILDS,
                 estimates: Path = ESTIMATES_DIR) -> Path:
    """The edition's ledger in ``editions/`` and, with its estimates, in ``_build/editions/<version>/``."""
    editions.mkdir(parents=True, exist_ok=True)
    write_ledger(ledger, editions / f"{version}.csv")
    folder = builds / version
    folder.mkdir(parents=True, exist_ok=True)
    write_ledger(ledger, folder / "reproduction.csv")
    if estimates.is_dir():
        shutil.copytree(estimates, folder / "estimates", dirs_exist_ok=True)
    return folder


def release(version: str, date: datetime.date | None = None, tests: Callable[[], bool] = run_tests,
            repo: Path = REPO_ROOT) -> str:
    """Cut an edition; returns the ``git`` commands that commit and tag it."""
    check_version(version, load_book_citation().version)
    dirty = dirty_files(repo)
    if dirty:
        raise ReleaseRefused("the working tree has uncommitted changes (" + ", ".join(dirty[:5])
                             + (", ..." if len(dirty) > 5 else "") + "); commit or stash them first")
    if not tests():
        raise ReleaseRefused("the tests fail (make test); an edition is cut only from a passing tree")
    date = date or datetime.date.today()
    ledger = build_ledger(load_country())
    previous = previous_edition()
    changes = ledger_changes(previous[1] if previous else None, ledger)
    stamp_citation(version, date)
    keep_edition(version, ledger)
    add_changes(changes_section(version, date, previous[0] if previous else None, changes))
    return (f'git add CITATION.cff CHANGES.md editions/{version}.csv && git commit -m "Edition {version}" '
            f'&& git tag -a v{version} -m "Edition {version} ({date.isoformat()})"')
