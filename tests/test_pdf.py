"""The book in print as `make pdf` wrote it (run by `make check-pdf`, after the tests; selected with -m pdf_books).

Each PDF is read back with pypdf and compared with the built HTML it was printed from: the page's title,
the edition and citation on its first sheet (from CITATION.cff), and every number the page's prose glues
in from the notebook (``<span class="pasted-text">``), so nothing is typed here by hand.
"""
from __future__ import annotations

import functools
import html
import json
import re
import unicodedata

import pytest
from pypdf import PdfReader

from dharm.io.citation import load_book_citation
from dharm.pdf import BOOK_PDF, HTML_DIR, PDF_DIR, toc_docnames
from dharm.present.downloads import PUBLISHED_FOLDER, pdf_name

pytestmark = pytest.mark.pdf_books
DOCNAMES = toc_docnames()
CHAPTERS = [d for d in DOCNAMES if d.startswith("notebooks/")]
MIN_CHAPTER_SHEETS = 5
PASTED_RE = re.compile(r'<span class="pasted-text">([^<]*)</span>')
H1_RE = re.compile(r"<h1>(.*?)</h1>", re.S)
SPEC_RE = re.compile(r"var spec = (\{.*?\});\n\s*vegaEmbed", re.S)  # each chart's Vega-Lite spec (dharm.present.render)


def flat(text: str) -> str:
    """Text as compared: ligatures and compatibility forms undone, every run of white space one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def built(docname: str) -> str:
    return (HTML_DIR / f"{docname}.html").read_text(encoding="utf-8")


def page_title(docname: str) -> str:
    """The page's h1 in the built HTML, without its "#" link."""
    heading = next(h for h in H1_RE.findall(built(docname)) if "headerlink" in h)
    return flat(html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<a class="headerlink".*?</a>', "", heading))))


@functools.cache
def pdf_text(docname: str) -> str:
    """All the text of a page's PDF, flattened (read once per test run)."""
    return flat(" ".join(p.extract_text() for p in PdfReader(PDF_DIR / pdf_name(docname)).pages))


@pytest.fixture(scope="module")
def readers() -> dict[str, PdfReader]:
    missing = [pdf_name(d) for d in DOCNAMES + ["book"] if not (PDF_DIR / pdf_name(d)).is_file()]
    if missing:
        pytest.fail(f"no {', '.join(missing)} in {PDF_DIR}: run `make pdf` first")
    return {d: PdfReader(PDF_DIR / pdf_name(d)) for d in DOCNAMES + ["book"]}


@pytest.mark.parametrize("docname", DOCNAMES)
def test_first_sheet_shows_title_edition_and_citation(readers, docname):
    book = load_book_citation()
    first = flat(readers[docname].pages[0].extract_text())
    assert page_title(docname) in first
    assert f"version {book.version}, released {book.date_released.isoformat()}" in first
    cites = "Cite this page:" if docname in CHAPTERS else "Cite this book:"
    assert f"{cites} {book.author_text} ({book.year})." in first
    if docname in CHAPTERS:
        assert f"\u201c{page_title(docname)}\u201d. In {book.title}, version {book.version}." in first


@pytest.mark.parametrize("docname", DOCNAMES)
def test_every_page_prints_and_chapters_run_long(readers, docname):
    sheets = len(readers[docname].pages)
    assert sheets >= (MIN_CHAPTER_SHEETS if docname in CHAPTERS else 1)
    last = flat(readers[docname].pages[-1].extract_text())
    assert f"page {sheets} of {sheets}" in last  # the footer numbers the sheets


def glued_numbers(docname: str) -> list[str]:
    """The numbers the page's prose glues in, in reading order: those with two digits or more, or a %."""
    values = [flat(html.unescape(v)) for v in PASTED_RE.findall(built(docname))]
    return [v for v in values if re.search(r"\d.*\d|\d%", v)]


@pytest.mark.parametrize("docname", CHAPTERS)
def test_the_numbers_glued_into_the_prose_are_printed_in_order(readers, docname):
    text = pdf_text(docname)
    numbers = glued_numbers(docname)
    assert numbers or 'class="pasted-text"' not in built(docname)
    at, missing = 0, []
    for number in numbers:
        found = text.find(number, at)
        if found < 0:
            missing.append(number)
        else:
            at = found + len(number)
    assert missing == [], f"{docname}: not printed (or not in the page's order): {missing}"


def test_the_book_is_the_pages_in_order(readers):
    book = readers["book"]
    assert len(book.pages) == sum(len(readers[d].pages) for d in DOCNAMES)
    marks = [item for item in book.outline if not isinstance(item, list)]
    assert [m.title for m in marks] == [page_title(d) for d in DOCNAMES]
    starts, sheet = [], 0
    for d in DOCNAMES:
        starts.append(sheet)
        sheet += len(readers[d].pages)
    assert [book.get_destination_page_number(m) for m in marks] == starts
    assert book.metadata.title.endswith(f"version {load_book_citation().version}")


def test_the_pages_link_the_pdfs_they_offer():
    """Every page's Download menu links its own PDF and the book's, and `make pdf` put both beside the HTML."""
    for docname in DOCNAMES:
        page = built(docname)
        up = "../" * docname.count("/")
        for name in (pdf_name(docname), BOOK_PDF):
            assert f'href="{up}{PUBLISHED_FOLDER}/{name}"' in page, (docname, name)
            assert (HTML_DIR / PUBLISHED_FOLDER / name).is_file(), name


def chart_titles(docname: str) -> list[str]:
    """The title of each chart of the built page, from its Vega-Lite spec."""
    titles = []
    for spec in map(json.loads, SPEC_RE.findall(built(docname))):
        title = spec.get("title") or ""
        title = title.get("text", "") if isinstance(title, dict) else title
        titles.append(flat(" ".join(title) if isinstance(title, list) else title))
    return titles


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_chart_is_printed_as_vector_graphics(readers, docname):
    """Each chart's title is text in the PDF (vega's SVG printed as vectors and text), and no page holds a raster image."""
    titles = chart_titles(docname)
    assert len(titles) == built(docname).count('class="dharm-chart"')
    text = pdf_text(docname)
    assert [t for t in titles if t not in text] == []
    assert all(not page.images for page in readers[docname].pages)
