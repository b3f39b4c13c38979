"""The book's Sphinx extension keeps pages light and clean: hand-made cases, then the built pages."""
from __future__ import annotations

import base64
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from dharm.config import REPO_ROOT
from dharm.sphinxext import _csv_files, _lighten_page, label_in_name

HTML_DIR = REPO_ROOT / "_build" / "html"


def test_embedded_csv_becomes_a_file_beside_the_page(tmp_path: Path) -> None:
    csv = "Year,Count\n2019,\"91,458\"\n"
    payload = base64.b64encode(csv.encode()).decode()
    body = f'<p><a download="fig15.csv" href="data:text/csv;charset=utf-8;base64,{payload}">Download (CSV)</a></p>'
    out = _csv_files(SimpleNamespace(outdir=str(tmp_path)), "notebooks/02_ocsea", body)
    assert out == '<p><a download="fig15.csv" href="../_data/notebooks/02_ocsea/fig15.csv">Download (CSV)</a></p>'
    assert (tmp_path / "_data" / "notebooks" / "02_ocsea" / "fig15.csv").read_text() == csv
    top = _csv_files(SimpleNamespace(outdir=str(tmp_path)), "intro", body)
    assert 'href="_data/intro/fig15.csv"' in top


def test_scripts_the_page_does_not_use_are_dropped(tmp_path: Path) -> None:
    def script(name: str, body: str = "") -> SimpleNamespace:
        return SimpleNamespace(filename=name, attributes={"body": body} if body else {})

    def scripts() -> list:
        return [script("vendor/vega.min.js"), script("", 'const THEBE_JS_URL = "x"'), script("sphinx-thebe.js"),
                script("dharm-cite.js")]

    app = SimpleNamespace(outdir=str(tmp_path))
    plain = {"body": "<p>no charts</p>", "script_files": scripts(), "css_files": [SimpleNamespace(filename="sphinx-thebe.css")]}
    _lighten_page(app, "intro", "page.html", plain, None)
    assert [s.filename for s in plain["script_files"]] == ["dharm-cite.js"] and plain["css_files"] == []
    charts = {"body": '<div id="dharm-chart-1" class="dharm-chart"></div>', "script_files": scripts()}
    _lighten_page(app, "notebooks/02_ocsea", "page.html", charts, None)
    assert [s.filename for s in charts["script_files"]] == ["vendor/vega.min.js", "dharm-cite.js"]


def test_controls_are_named_by_their_visible_text() -> None:
    page = ('<button class="btn search-button-field search-button__button" title="Search" aria-label="Search" '
            'data-bs-placement="bottom"><span>Search</span></button>'
            '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>'
            '<summary aria-label="Toggle hidden content">Show code cell source</summary>')
    assert label_in_name(page) == (
        '<button class="btn search-button-field search-button__button" title="Search" '
        'data-bs-placement="bottom"><span>Search</span></button>'
        '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"></i>'
        '<summary>Show code cell source</summary>')


def test_built_pages_load_vega_only_with_charts_and_link_their_csv_files() -> None:
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"{HTML_DIR} is missing: build the book first (make book)", pytrace=False)
    with_charts = 0
    for path in sorted(HTML_DIR.glob("*.html")) + sorted((HTML_DIR / "notebooks").glob("*.html")):
        text = path.read_text(encoding="utf-8")
        charts = 'class="dharm-chart"' in text
        with_charts += charts
        assert ("vendor/vega.min.js" in text) == charts, path.name
        assert "THEBE_JS_URL" not in text and "sphinx-thebe" not in text, path.name
        assert "data:text/csv" not in text, path.name
        for href in re.findall(r'<a download="[^"]+" href="([^"]+)"', text):
            assert (path.parent / href).is_file(), (path.name, href)
    assert with_charts >= 4


def test_bibliography_entries_are_list_items() -> None:
    entry = '<div role="list" class="citation-list">\n<div class="citation" id="ref-iwf-2021" role="doc-biblioentry">'
    assert label_in_name(entry) == '<div role="list" class="citation-list">\n<div class="citation" id="ref-iwf-2021" role="listitem">'
