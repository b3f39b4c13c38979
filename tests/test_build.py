"""Builds skip what has not changed, and a failed run leaves the notebook as it was."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from dharm.build import build_notebooks, execute, inputs_digest, environment_digest, source_digest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture()
def small_book(tmp_path: Path) -> Path:
    """A copy of the context page (the quickest to run) in a folder of its own."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(NOTEBOOKS / "00_context.ipynb", folder)
    return folder / "00_context.ipynb"


def test_a_rebuild_with_nothing_changed_runs_nothing_and_touches_nothing(small_book, tmp_path):
    records = tmp_path / "records"
    first = build_notebooks([small_book], show_progress=False, record_dir=records)
    assert [o.status for o in first] == ["executed"]
    produced, mtime = small_book.read_bytes(), small_book.stat().st_mtime_ns
    second = build_notebooks([small_book], show_progress=False, record_dir=records)
    assert [o.status for o in second] == ["unchanged"]
    assert small_book.read_bytes() == produced and small_book.stat().st_mtime_ns == mtime
    # the committed notebook is what a run produces: executing it again changes no byte
    assert produced == (NOTEBOOKS / "00_context.ipynb").read_bytes()


def test_a_changed_cell_or_an_edited_output_is_run_again(small_book, tmp_path):
    records = tmp_path / "records"
    build_notebooks([small_book], show_progress=False, record_dir=records)
    nb = json.loads(small_book.read_text())
    nb["cells"][0]["source"].append("\nAn added sentence.")
    small_book.write_text(json.dumps(nb, indent=1))
    assert [o.status for o in build_notebooks([small_book], show_progress=False, record_dir=records)] == ["executed"]
    nb = json.loads(small_book.read_text())
    nb["cells"][-1]["outputs"] = []  # someone cleared an output: the file no longer matches the record
    small_book.write_text(json.dumps(nb, indent=1))
    assert [o.status for o in build_notebooks([small_book], show_progress=False, record_dir=records)] == ["executed"]


def test_outputs_do_not_count_as_inputs(small_book):
    before = source_digest(small_book)
    nb = nbformat.read(small_book, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbformat.write(nb, small_book)
    assert source_digest(small_book) == before
    environment = environment_digest()
    assert inputs_digest(small_book, {}, environment) != inputs_digest(small_book, {"country": "cambodia"}, environment)


def test_a_failed_run_leaves_the_notebook_byte_identical(small_book, tmp_path):
    nb = nbformat.read(small_book, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('a broken cell')", id="broken"))
    nbformat.write(nb, small_book)
    before = small_book.read_bytes()
    outcome = build_notebooks([small_book], show_progress=False, record_dir=tmp_path / "records")[0]
    assert outcome.status == "failed" and "a broken cell" in outcome.message
    assert small_book.read_bytes() == before
    assert sorted(p.name for p in small_book.parent.iterdir()) == ["00_context.ipynb"]  # no temporary file left
    with pytest.raises(Exception, match="a broken cell"):
        execute(small_book, tmp_path / "out" / "x.ipynb")
    assert not (tmp_path / "out" / "x.ipynb").exists()
