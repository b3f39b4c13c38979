"""Editions: the version's one source, refusals, stamping, what moved, and every page's footer."""
from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from dharm import release as rel
from dharm.config import REPO_ROOT
from dharm.io.citation import load_book_citation

HTML_DIR = REPO_ROOT / "_build" / "html"


def _ledger(rows: list[tuple]) -> pd.DataFrame:
    columns = ["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "diff", "status",
               "computed_count"]
    return pd.DataFrame([r + (None,) for r in rows], columns=columns)


def test_versions_must_move_forward() -> None:
    assert rel.check_version("0.2.0", "0.1.0") == "0.2.0"
    with pytest.raises(ValueError, match=r"parameter version='0.1.0': expected a version after the current edition, 0.1.0"):
        rel.check_version("0.1.0", "0.1.0")
    with pytest.raises(ValueError, match="three numbers"):
        rel.check_version("v2", "0.1.0")


def test_stamping_changes_only_version_and_date(tmp_path: Path) -> None:
    cff = tmp_path / "CITATION.cff"
    shutil.copy(REPO_ROOT / "CITATION.cff", cff)
    before = cff.read_text(encoding="utf-8").splitlines()
    rel.stamp_citation("9.8.7", datetime.date(2027, 3, 4), cff)
    after = cff.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert [b for _, b in changed] == ['version: "9.8.7"', 'date-released: "2027-03-04"']
    book = load_book_citation(cff)
    assert (book.version, book.date_released) == ("9.8.7", datetime.date(2027, 3, 4))


def test_what_moved_between_two_ledgers() -> None:
    old = _ledger([("1", "1.1", "", "a", "total", "Total", 40.0, 40.2, 0.2, "reproduced"),
                   ("1", "1.1", "", "b", "sex", "girl", 12.0, 14.0, 2.0, "known gap"),
                   ("2", "2.2", "", "c", "total", "Total", 5.0, 5.1, 0.1, "reproduced")])
    new = _ledger([("1", "1.1", "", "a", "total", "Total", 40.0, 40.2, 0.2, "reproduced"),
                   ("1", "1.1", "", "b", "sex", "girl", 12.0, 12.4, 0.4, "reproduced"),
                   ("2", "2.2", "", "d", "total", "Total", 7.0, 7.0, 0.0, "reproduced")])
    changes = rel.ledger_changes(old, new)
    assert changes.moved["indicator"].tolist() == ["b"]
    assert (changes.added, changes.removed) == (1, 1)
    counts = changes.statuses.set_index("status")
    assert counts.loc["reproduced", "previous"] == 2 and counts.loc["reproduced", "now"] == 3
    assert counts.loc["known gap", "now"] == 0
    text = rel.changes_section("0.2.0", datetime.date(2027, 1, 2), "0.1.0", changes)
    assert text.startswith("## 0.2.0 (2027-01-02)\n\nCompared with 0.1.0: 1 published numbers moved")
    assert "| 1 | 1.1 | b | girl | 12 | 14 | 12.4 | known gap | reproduced |" in text


def test_changes_md_keeps_the_newest_edition_first(tmp_path: Path) -> None:
    path = tmp_path / "CHANGES.md"
    rel.add_changes("## 0.1.0 (2026-11-28)\n\nFirst.\n", path)
    rel.add_changes("## 0.2.0 (2027-01-02)\n\nSecond.\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(rel.CHANGES_HEAD)
    assert text.index("## 0.2.0") < text.index("## 0.1.0")


def test_an_edition_keeps_its_ledger_and_estimates(tmp_path: Path) -> None:
    estimates = tmp_path / "estimates"
    estimates.mkdir()
    (estimates / "x.parquet").write_bytes(b"PAR1")
    ledger = _ledger([("1", "1.1", "", "a", "total", "Total", 40.0, 40.2, 0.2, "reproduced")])
    folder = rel.keep_edition("0.2.0", ledger, tmp_path / "editions", tmp_path / "builds", estimates)
    assert (tmp_path / "editions" / "0.2.0.csv").is_file() and (folder / "reproduction.csv").is_file()
    assert (folder / "estimates" / "x.parquet").read_bytes() == b"PAR1"
    assert rel.previous_edition(tmp_path / "editions")[0] == "0.2.0"


def test_release_refuses_a_dirty_tree_and_failing_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "untracked.txt").write_text("x")
    assert rel.dirty_files(repo) == ["untracked.txt"]
    with pytest.raises(rel.ReleaseRefused, match="uncommitted changes \\(untracked.txt\\)"):
        rel.release("99.0.0", tests=lambda: True, repo=repo)
    (repo / "untracked.txt").unlink()
    stamped = []
    monkeypatch.setattr(rel, "stamp_citation", lambda *a, **k: stamped.append(a))
    with pytest.raises(rel.ReleaseRefused, match="the tests fail"):
        rel.release("99.0.0", tests=lambda: False, repo=repo)
    assert stamped == [], "nothing is stamped when the tests fail"


def test_every_page_footer_names_the_edition() -> None:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"{HTML_DIR} is missing: build the book first (make book)", pytrace=False)
    book = load_book_citation()
    footer = f"Edition {book.version}, released {book.date_released.isoformat()}"
    pages = sorted(HTML_DIR.glob("*.html")) + sorted((HTML_DIR / "notebooks").glob("*.html"))
    missing = [p.name for p in pages if "http-equiv=\"refresh\"" not in p.read_text(encoding="utf-8").lower()
               and footer not in p.read_text(encoding="utf-8")]
    assert not missing, f"no edition in the footer of {missing}"
