"""Analysts' reruns: parameters checked before any cell runs, output under _build/runs/, the book untouched."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from dharm.build import RunFailed, run_notebook
from dharm.cli import app
from dharm.io.parameters import check_parameters, notebook_parameters, parse_value

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def book_state() -> str:
    """What git sees of the notebooks and data: a rerun must leave it as it was."""
    return subprocess.run(["git", "status", "--porcelain", "--", "notebooks", "data"], cwd=REPO, capture_output=True,
                          text=True, check=True).stdout


def test_a_rerun_writes_only_under_its_run_folder(tmp_path):
    before = book_state(), (NOTEBOOKS / "03_response.ipynb").read_bytes()
    out = run_notebook(NOTEBOOKS / "03_response.ipynb", {"min_base": 60, "show_excerpts": False}, "ch3", runs_dir=tmp_path)
    assert out == tmp_path / "ch3" / "03_response.ipynb"
    assert sorted(p.name for p in out.parent.iterdir()) == ["03_response.ipynb", "03_response.ledger.csv",
                                                             "03_response.parameters.json"]
    assert json.loads((out.parent / "03_response.parameters.json").read_text()) == {
        "country": "cambodia", "themes": None, "show_excerpts": False, "min_base": 60}
    ledger = pd.read_csv(out.parent / "03_response.ledger.csv")
    assert set(ledger["chapter"].astype(str)) == {"3"} and len(ledger) > 0
    assert (book_state(), (NOTEBOOKS / "03_response.ipynb").read_bytes()) == before
    text = json.dumps(nbformat.read(out, as_version=4)["cells"])
    assert "dharm-excerpt" not in text  # the parameter reached the page


def test_a_rerun_ledger_follows_the_page_rules(tmp_path):
    """Chapter 1's ledger under min_base 30 has fewer small-base rows than under the report's 50."""
    low = run_notebook(NOTEBOOKS / "01_children_online.ipynb", {"min_base": 30}, "mb30", runs_dir=tmp_path)
    default = pd.read_csv(REPO / "_build/reproduction.csv")
    default = default[default["chapter"].astype(str) == "1"]
    rerun = pd.read_csv(low.parent / "01_children_online.ledger.csv")
    assert len(rerun) == len(default)
    assert (rerun["status"] == "small base").sum() < (default["status"] == "small base").sum()


@pytest.mark.parametrize("values, message", [
    ({"confidnce": 0.9}, r"parameter confidnce=0.9: expected a parameter of 01_children_online: country, breakdowns, "
                         r"confidence, min_base, min_difference, show_modelled"),
    ({"breakdowns": "area"}, r"parameter breakdowns='area': expected None or a list such as \[\"total\", \"area\"\], not a "
                             r"single text"),
    ({"breakdowns": ["total", "province"]}, r"\(unknown: province\)"),
    ({"confidence": 1.5}, r"parameter confidence=1.5: expected a number in \[0.5, 1\)"),
    ({"confidence": True}, r"parameter confidence=True: expected a number"),
    ({"min_base": 30.5}, r"parameter min_base=30.5: expected a whole number of at least 1"),
    ({"min_difference": -1}, r"parameter min_difference=-1: expected percentage points between 0 and 100"),
    ({"show_modelled": "no"}, r"parameter show_modelled='no': expected True or False"),
    ({"country": "atlantis"}, r"parameter country='atlantis': expected a folder under .*; known countries: cambodia, malaysia"),
])
def test_every_bad_value_is_refused_before_any_cell_runs(tmp_path, values, message):
    with pytest.raises(ValueError, match=message):
        run_notebook(NOTEBOOKS / "01_children_online.ipynb", values, "bad", runs_dir=tmp_path)
    assert not (tmp_path / "bad").exists()


def test_parameters_of_other_pages_are_checked_with_their_data():
    assert check_parameters("03_response", {"themes": ["courts and legal aid"]})["themes"] == ["courts and legal aid"]
    with pytest.raises(ValueError, match=r"parameter themes=\['astrology'\]: .*\(unknown: astrology\)"):
        check_parameters("03_response", {"themes": ["astrology"]})
    with pytest.raises(ValueError, match=r"parameter population_12_17=-5: expected None or a positive number"):
        check_parameters("02_ocsea", {"population_12_17": -5})
    assert check_parameters("04_disrupting_harm", {"audience": "industry"})["audience"] == "industry"


def test_each_page_declares_its_parameters_once_with_a_comment():
    for path in NOTEBOOKS.glob("*.ipynb"):
        declared = notebook_parameters(path)
        assert declared["country"].default == "cambodia"
        assert all(p.comment for p in declared.values()), path.name
        check_parameters(path, {})  # the defaults pass their own checks


@pytest.mark.parametrize("text, value", [("0.9", 0.9), ("30", 30), ("[total, area]", ["total", "area"]),
                                         ('["total", "area"]', ["total", "area"]), ("None", None), ("true", True),
                                         ("industry", "industry"), ("caregivers/teachers/social support",
                                                                    "caregivers/teachers/social support")])
def test_command_line_values_read_as_meant(text, value):
    assert parse_value("x", text) == value


def test_the_command_line_refuses_clearly_and_lists_parameters_in_help():
    runner = CliRunner()
    help_text = " ".join(runner.invoke(app, ["run", "--help"]).output.split())
    assert "01_children_online: country (a folder under data/; default 'cambodia'); breakdowns" in help_text
    assert "04_disrupting_harm: country" in help_text and "audience (None, one or a list of audiences; default None)" in help_text
    for args, message in [(["-p", "confidnce", "0.9"], "error: parameter confidnce=0.9: expected a parameter of"),
                          (["-p", "breakdowns", "[total"], "error: parameter breakdowns='[total': expected a value written "
                                                           "as in YAML or JSON"),
                          (["-p", "breakdowns", "area"], "error: parameter breakdowns='area': expected None or a list"),
                          (["-p", "min_base"], "-p min_base needs a VALUE")]:
        result = runner.invoke(app, ["run", "01_children_online", *args])
        assert result.exit_code != 0 and message in result.output.replace("\n", " "), result.output
    result = runner.invoke(app, ["run", "99_nothing"])
    assert result.exit_code == 1 and "parameter notebook='99_nothing': expected a notebook of the book" in result.output


def test_a_failed_run_names_the_cell_and_writes_nothing(tmp_path, monkeypatch):
    """A value that passes the command-line check but breaks a cell: the cell is named, nothing is written."""
    monkeypatch.setattr("dharm.build.check_parameters", lambda notebook, values: {"country": "cambodia"})
    with pytest.raises(RunFailed, match=r"00_context.ipynb: cell 3 \(`from dharm.io.country import load_country`\) failed: "
                                        r"ValueError: parameter country='atlantis'"):
        run_notebook(NOTEBOOKS / "00_context.ipynb", {"country": "atlantis"}, "failed", runs_dir=tmp_path)
    assert list((tmp_path / "failed").iterdir()) == []


def test_jupyterlab_is_pinned_and_finds_the_venv_kernel():
    """`make lab` opens the notebooks in the pinned JupyterLab; their python3 kernel is this venv's."""
    bin_dir = Path(sys.executable).parent
    pinned = next(line.split("==")[1] for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("jupyterlab=="))
    version = subprocess.run([str(bin_dir / "jupyter"), "lab", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert version == pinned
    specs = json.loads(subprocess.run([str(bin_dir / "jupyter"), "kernelspec", "list", "--json"], capture_output=True, text=True,
                                      check=True).stdout)["kernelspecs"]
    assert Path(specs["python3"]["resource_dir"]).is_relative_to(Path(sys.prefix))
    assert "lab:" in (REPO / "Makefile").read_text() and "make lab" in (REPO / "README.md").read_text()
