"""Builds skip what has not changed, and a failed run leaves the notebook as it was."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from dharm.build import build_notebooks, environment_digest, execute, inputs_digest, is_current, source_digest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the context page (the quickest to run), built once, with its record of inputs."""
    folder = tmp_path_factory.mktemp("book")
    notebook = folder / "notebooks" / "00_context.ipynb"
    notebook.parent.mkdir()
    shutil.copy(NOTEBOOKS / "00_context.ipynb", notebook)
    records = folder / "records"
    first = build_notebooks([notebook], show_progress=False, record_dir=records)
    return notebook, records, first


def test_the_committed_notebook_is_what_a_run_produces(built):
    notebook, _, first = built
    assert [o.status for o in first] == ["executed"]
    assert notebook.read_bytes() == (NOTEBOOKS / "00_context.ipynb").read_bytes()  # executing it changed no byte


def test_a_rebuild_with_nothing_changed_runs_nothing_and_touches_nothing(built):
    notebook, records, _ = built
    produced, mtime = notebook.read_bytes(), notebook.stat().st_mtime_ns
    again = build_notebooks([notebook], show_progress=False, record_dir=records)
    assert [o.status for o in again] == ["unchanged"]
    assert notebook.read_bytes() == produced and notebook.stat().st_mtime_ns == mtime


def test_inputs_are_cells_parameters_and_environment_not_outputs(built, tmp_path):
    notebook, records, _ = built
    copy = tmp_path / notebook.name
    shutil.copy(notebook, copy)
    environment = environment_digest()
    digest = inputs_digest(copy, {}, environment)
    nb = nbformat.read(copy, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbformat.write(nb, copy)
    assert inputs_digest(copy, {}, environment) == digest  # outputs are not inputs ...
    assert not is_current(copy, digest, records)  # ... but a cleared output means the file must be run again
    assert inputs_digest(copy, {"country": "cambodia"}, environment) != digest
    assert inputs_digest(copy, {}, environment + "another library") != digest
    nb = json.loads(copy.read_text())
    nb["cells"][0]["source"].append("\nAn added sentence.")
    copy.write_text(json.dumps(nb, indent=1))
    assert source_digest(copy) != source_digest(notebook)


def test_a_failed_run_leaves_the_notebook_byte_identical(tmp_path):
    notebook = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", id="fine"),
                                         nbformat.v4.new_code_cell("raise RuntimeError('a broken cell')", id="broken")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    before = notebook.read_bytes()
    outcome = build_notebooks([notebook], show_progress=False, record_dir=tmp_path / "records")[0]
    assert outcome.status == "failed"
    assert outcome.message == "broken.ipynb: cell 2 (`raise RuntimeError('a broken cell')`) failed: RuntimeError: a broken cell"
    assert notebook.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.ipynb"]  # no temporary file, no record


def test_an_interrupted_run_leaves_nothing_half_written(tmp_path, monkeypatch):
    """Ctrl-C while papermill writes: the notebook keeps its bytes and no temporary file is left."""
    notebook = tmp_path / "page.ipynb"
    shutil.copy(NOTEBOOKS / "00_context.ipynb", notebook)
    before = notebook.read_bytes()

    def interrupted(source, output, **kwargs):
        Path(output).write_text("{half a notebook")
        raise KeyboardInterrupt

    monkeypatch.setattr("dharm.build.pm.execute_notebook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        execute(notebook, notebook)
    assert notebook.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.ipynb"]


def test_an_injected_cell_never_survives_a_build(tmp_path):
    """A page once run by hand with papermill overrides is rebuilt from its own parameters cell."""
    notebook = tmp_path / "00_context.ipynb"
    nb = nbformat.read(NOTEBOOKS / "00_context.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell('country = "atlantis"', metadata={"tags": ["injected-parameters"]}))
    nbformat.write(nb, notebook)
    outcome = build_notebooks([notebook], show_progress=False, record_dir=tmp_path / "records")[0]
    assert outcome.status == "executed", outcome.message
    rebuilt = nbformat.read(notebook, as_version=4)
    assert not [c for c in rebuilt.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert notebook.read_bytes() == (NOTEBOOKS / "00_context.ipynb").read_bytes()


def test_no_committed_notebook_holds_an_injected_cell():
    for path in NOTEBOOKS.glob("*.ipynb"):
        tags = [t for c in nbformat.read(path, as_version=4).cells for t in c.metadata.get("tags", [])]
        assert "injected-parameters" not in tags, path.name
