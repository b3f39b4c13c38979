"""Citing the book, a page and a figure: CITATION.cff, references.bib, the extension's blocks and the built pages.

Outside oracles: ``cffconvert`` (the Citation File Format's own validator, in ``.venv/cff``) validates
CITATION.cff and converts it to BibTeX, which must agree with the book's own entry; pybtex reads back
every BibTeX entry the book writes.
"""
from __future__ import annotations

import datetime
import html
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pybtex.database
import pytest
import yaml

from dharm.config import REPO_ROOT
from dharm.io.citation import BookCitation, load_book_citation, load_references
from dharm.io.country import CountryData
from dharm.io.errors import DataValidationError
from dharm.present.cite import (CitedItem, bibtex_entry, cite_block, cite_placeholder, PLACEHOLDER_RE,
                                references_html, report_ref, source_bibkeys, text_citation)
from dharm.sphinxext import _item_url

HTML_DIR = REPO_ROOT / "_build" / "html"
CFFCONVERT = REPO_ROOT / ".venv" / "cff" / "bin" / "cffconvert"
BOOK = BookCitation(title="A Book: an edition", authors=[{"name": "Some Contributors"}], version="1.2.3",
                    **{"date-released": datetime.date(2026, 1, 31)})


def _cffconvert(*args: str) -> subprocess.CompletedProcess:
    if not CFFCONVERT.is_file():
        pytest.fail(f"{CFFCONVERT} is missing: `make setup` installs cffconvert (requirements-cff.txt) there", pytrace=False)
    return subprocess.run([str(CFFCONVERT), *args, "-i", str(REPO_ROOT / "CITATION.cff")], capture_output=True, text=True)


def test_citation_cff_is_valid_and_names_an_edition() -> None:
    result = _cffconvert("--validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(cff["version"]))
    assert datetime.date.fromisoformat(str(cff["date-released"])) <= datetime.date.today()
    config = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert cff["title"] == config["title"], "the book's title is the same in CITATION.cff and _config.yml"


def test_book_bibtex_agrees_with_cffconvert() -> None:
    """cffconvert's BibTeX of CITATION.cff and the book's own entry name the same work."""
    result = _cffconvert("-f", "bibtex")
    assert result.returncode == 0, result.stderr
    theirs = next(iter(pybtex.database.parse_string(result.stdout, "bibtex").entries.values()))
    book = load_book_citation()
    ours = next(iter(pybtex.database.parse_string(bibtex_entry(book, CitedItem(title="", url="https://x.org/")),
                                                  "bibtex").entries.values()))
    assert ours.fields["title"] == theirs.fields["title"]
    assert ours.fields["year"] == theirs.fields["year"]
    words = lambda person: sorted(str(person).replace(",", "").replace("{", "").replace("}", "").split())  # noqa: E731
    assert words(ours.persons["author"][0]) == words(theirs.persons["author"][0])


def test_figure_bibtex_is_written_by_hand_and_reads_back() -> None:
    item = CitedItem(title="Figure 15: CyberTips & reports (100%)", url="https://example.org/book/notebooks/02_ocsea.html#figure-fig15",
                     anchor="figure-fig15", ref="Figure 15", source="ECPAT, INTERPOL and UNICEF (2022), Disrupting Harm in Cambodia")
    expected = """@misc{dharm-1.2.3-02-ocsea-fig15,
  author = {{Some Contributors}},
  title = {Figure 15: CyberTips \\& reports (100\\%)},
  howpublished = {In: A Book: an edition, version 1.2.3},
  year = {2026},
  version = {1.2.3},
  date = {2026-01-31},
  url = {https://example.org/book/notebooks/02_ocsea.html#figure-fig15},
  note = {Based on Figure 15 of ECPAT, INTERPOL and UNICEF (2022), Disrupting Harm in Cambodia}
}"""
    assert bibtex_entry(BOOK, item) == expected
    entry = pybtex.database.parse_string(expected, "bibtex").entries["dharm-1.2.3-02-ocsea-fig15"]
    assert entry.fields["url"].endswith("#figure-fig15")
    text = text_citation(BOOK, item, "URL")
    assert text == ("Some Contributors (2026). \u201cFigure 15: CyberTips &amp; reports (100%)\u201d. In <em>A Book: an edition</em>, "
                    "version 1.2.3. URL. Based on Figure 15 of ECPAT, INTERPOL and UNICEF (2022), Disrupting Harm in Cambodia.")


def test_placeholder_round_trips_through_the_extension_pattern() -> None:
    mark = cite_placeholder("fig15", 'Figure 15: "quoted" <title>', "Figure 15", "Report (2022)")
    match = PLACEHOLDER_RE.fullmatch(mark)
    assert match and html.unescape(match["title"]) == 'Figure 15: "quoted" <title>'
    assert match["anchor"] == "figure-fig15" and match["ref"] == "Figure 15"


def test_page_urls_use_the_configured_base_url() -> None:
    builder = SimpleNamespace(get_target_uri=lambda docname: f"{docname}.html")
    with_base = SimpleNamespace(config=SimpleNamespace(html_baseurl="https://example.org/book/"), builder=builder)
    assert _item_url(with_base, "notebooks/02_ocsea", "figure-fig15") == (
        "https://example.org/book/notebooks/02_ocsea.html#figure-fig15",) * 2
    without = SimpleNamespace(config=SimpleNamespace(html_baseurl=""), builder=builder)
    assert _item_url(without, "notebooks/02_ocsea", "figure-fig15") == ("notebooks/02_ocsea.html#figure-fig15",
                                                                          "02_ocsea.html#figure-fig15")
    block = cite_block(BOOK, CitedItem(title="T", url="notebooks/p.html#a", anchor="a"), "figure", False, "p.html#a")
    assert 'class="dharm-cite-url" data-path="p.html#a"' in block  # completed in the browser by dharm-cite.js


def test_report_refs_name_a_figure_or_a_section() -> None:
    assert report_ref("Figure 3", "1.2") == "Figure 3"
    assert report_ref("", "2.2.1") == "section 2.2.1"
    assert report_ref("", "methods") == ""


def test_every_reference_the_data_names_is_in_references_bib() -> None:
    keys = set(load_references())
    for country in ("cambodia", "malaysia"):
        meta = CountryData(country).metadata
        assert meta.report.bibkey in keys, country
        assert set(source_bibkeys(meta, [])) <= keys
    figures = CountryData("cambodia").table("admin_figures")
    named = {k for cell in figures["cites"] for k in str(cell).split(";") if k}
    assert named and named <= keys, named - keys
    assert "ref-ncmec-cybertipline" in references_html(["ncmec-cybertipline"])
    with pytest.raises(KeyError, match="no entry nope"):
        references_html(["nope"])


def test_a_missing_citation_field_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "CITATION.cff"
    bad.write_text("cff-version: 1.2.0\ntitle: T\nauthors: [{name: A}]\ndate-released: 2026-01-01\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"CITATION.cff, field 'version'"):
        load_book_citation(bad)


def test_one_bibliography_page() -> None:
    """Several {bibliography} directives give duplicate-citation warnings under jupyter-book 1.x."""
    sources = [p for p in REPO_ROOT.glob("*.md")] + list((REPO_ROOT / "notebooks").glob("*.ipynb"))
    pages = [p.name for p in sources if "{bibliography}" in p.read_text(encoding="utf-8")]
    assert pages == ["references.md"]


def _built(page: str) -> str:
    path = HTML_DIR / page
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the book first (make book)", pytrace=False)
    return path.read_text(encoding="utf-8")


def test_built_pages_offer_citations_for_pages_and_figures() -> None:
    """Every page has "Cite this page"; every figure anchor is followed by its own "Cite this figure" block."""
    version = load_book_citation().version
    for path in sorted((HTML_DIR / "notebooks").glob("*.html")):
        text = _built(f"notebooks/{path.name}")
        assert text.count("<summary>Cite this page</summary>") == 1, path.name
        assert "dharm-cite-placeholder" not in text, f"{path.name}: a placeholder was not filled"
        for anchor in re.findall(r'<span class="dharm-anchor" id="(figure-[^"]+)"></span><details class="dharm-cite">', text):
            block = text[text.index(f'id="{anchor}"'):]
            block = block[:block.index("</details>")]
            assert f"#{anchor}" in block and f"version = {{{version}}}" in block, (path.name, anchor)
    ocsea = _built("notebooks/02_ocsea.html")
    block = ocsea[ocsea.index('id="figure-fig15"'):]
    block = block[:block.index("</details>")]
    assert "Figure 15: CyberTips concerning suspected child sexual exploitation in Cambodia" in block
    assert "Based on Figure 15 of" in block
    title = yaml.safe_load((REPO_ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
    assert f"In <em>{html.escape(title)}</em>, version" in block, "the citation names the book by its title"
    assert 'href="../references.html#ref-ncmec-cybertipline"' in ocsea


def test_bibliography_and_how_to_cite_pages() -> None:
    refs = _built("references.html")
    for key in load_references():
        assert f'id="ref-{key}"' in refs, key
    cite = _built("cite.html")
    book = load_book_citation()
    assert f"version {book.version}" in cite and "@misc{dharm-" in cite
    assert "@book{dh-cambodia-2022" in cite and "Disrupting Harm in Cambodia" in cite
