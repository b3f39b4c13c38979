"""Pages hold to what the report says: prose numbers are printed ones, no working notes reach a
reader, every page that uses the survey files says they are synthetic, and no notebook rebinds a
parameter. Checked on the committed, executed notebooks and on the rendered HTML."""
from __future__ import annotations

import ast
import base64
import json
import re
from pathlib import Path

import pytest

from dharm.config import pages

from conftest import glued

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html" / "notebooks"
GLUE = re.compile(r"\{glue:text\}`([A-Za-z0-9_]+)(:[^`]*)?`(%?)")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
WORKING_NOTES = re.compile(r"\bL\d{3,4}:|brief asks|OUTSIDE requested|\bstaging\b|\bTODO\b|FIXME", re.IGNORECASE)
NO_SURVEY_DATA = {"03_response"}  # pages that show no survey estimate


def notebook(stem: str) -> dict:
    return json.loads((REPO / "notebooks" / f"{stem}.ipynb").read_text())


@pytest.fixture(scope="module")
def printed_percentages(country_data) -> set[float]:
    """Every percentage the report prints, in any published table."""
    t = country_data.table
    values = [country_data.published.loc[country_data.published["unit"] == "percent", "value"],
              t("admin_derived")["printed_value"], t("frontline_survey").loc[lambda f: f["unit"] == "percent", "value"],
              t("chapter4_numbers")["printed"], t("pooled_statements")["value"],
              t("admin_counts").loc[lambda f: f["unit"] == "percent", "value"]]
    return {round(float(v), 2) for series in values for v in series.dropna()}


@pytest.mark.parametrize("page", [p.notebook for p in pages()])
def test_every_percentage_in_prose_is_one_the_report_prints(page, printed_percentages):
    """A sentence never quotes a percentage computed from the synthetic data: only printed ones (and the
    confidence level the page runs at)."""
    nb = notebook(page)
    values = glued(nb)
    allowed = printed_percentages | {round(float(values["ci_level"]), 2)} if "ci_level" in values else printed_percentages
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for m in GLUE.finditer("".join(cell["source"])):
            name, fmt, percent_sign = m.groups()
            text = values[name]
            numbers = [float(x) for x in PERCENT.findall(text)]
            if percent_sign:
                numbers.append(round(float(format(float(text), (fmt or ":g")[1:])), 2))
            found += [(name, text, n) for n in numbers if round(n, 2) not in allowed]
    assert not found, found


def _visible_and_downloads(path: Path) -> str:
    html = path.read_text()
    downloads = [base64.b64decode(p).decode("utf-8", "replace") for p in re.findall(r"base64,([A-Za-z0-9+/=]+)\"", html)]
    # the book's Sphinx extension writes each table's CSV beside the page (_data/...) and links it
    downloads += [(path.parent / href).read_text(encoding="utf-8") for href in re.findall(r'<a download="[^"]+" href="([^"]+)"', html)
                  if not href.startswith("data:")]
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text) + "\n".join(downloads)


@pytest.mark.parametrize("page", [p.notebook for p in pages()])
def test_no_working_notes_reach_a_reader(page):
    text = _visible_and_downloads(HTML / f"{page}.html")
    notes = sorted(set(WORKING_NOTES.findall(text)))
    assert not notes, f"{page}: {notes}"


@pytest.mark.parametrize("page", [p.notebook for p in pages() if p.notebook not in NO_SURVEY_DATA])
def test_every_page_that_uses_the_survey_says_it_is_synthetic(page, country_data):
    assert country_data.synthetic
    assert "Synthetic survey data" in (HTML / f"{page}.html").read_text()


def _parameters_and_later_bindings(nb: dict) -> tuple[set[str], set[str]]:
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    first = next(i for i, c in enumerate(code) if "parameters" in c.get("metadata", {}).get("tags", []))
    params = {t.id for node in ast.parse("".join(code[first]["source"])).body if isinstance(node, ast.Assign)
              for t in node.targets if isinstance(t, ast.Name)}
    bound = set()
    for cell in code[first + 1:]:
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                bound |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, (ast.For, ast.comprehension)):
                bound |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return params, bound


@pytest.mark.parametrize("page", [p.notebook for p in pages()])
def test_no_notebook_rebinds_a_parameter(page):
    params, bound = _parameters_and_later_bindings(notebook(page))
    assert params, f"{page}: no parameters cell"
    assert not params & bound, f"{page} rebinds {sorted(params & bound)} after its parameters cell"


def test_the_rebinding_check_can_fail():
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": ["x = 1\n"]},
                    {"cell_type": "code", "metadata": {}, "source": ["from m import x\n"]}]}
    params, bound = _parameters_and_later_bindings(nb)
    assert params & bound == {"x"}


def test_no_small_base_share_in_any_ledger(ledger):
    small = ledger[ledger["status"] == "small base"]
    assert len(small) > 0 and small["computed"].isna().all() and small["diff"].isna().all()
    assert small["computed_count"].str.fullmatch(r"\d+ of \d+( \w+)?").all()
    assert (ledger.loc[ledger["status"] != "small base", "computed_count"] == "").all()
