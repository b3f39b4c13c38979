"""The parts of the print step that need no browser: the Download menu's entries, the pages' order and names,
the edition block (the PDFs themselves are checked by tests/test_pdf.py, after `make pdf`)."""
from __future__ import annotations

import datetime
import posixpath

from dharm.io.citation import Author, BookCitation
from dharm.pdf import edition_html, toc_docnames
from dharm.present.downloads import add_pdf_downloads, pdf_name


def theme_menu() -> dict:
    """The Download menu as sphinx-book-theme 1.3 builds it for a notebook page."""
    return {"type": "group", "label": "download-buttons", "icon": "fas fa-download", "buttons": [
        {"type": "link", "url": "../_sources/notebooks/02_ocsea.ipynb", "text": ".ipynb", "label": "download-source-button"},
        {"type": "javascript", "javascript": "window.print()", "text": ".pdf", "label": "download-pdf-button"}]}


def pathto(target: str, resource: int = 0) -> str:
    """Sphinx's pathto for a file, from a page one folder down (notebooks/)."""
    return posixpath.relpath(target, "notebooks")


def test_the_menu_links_the_page_and_the_book_and_keeps_printing():
    menu, other = theme_menu(), {"type": "javascript", "label": "fullscreen-button"}
    context = {"pathto": pathto, "header_buttons": [menu, other]}
    add_pdf_downloads(None, "notebooks/02_ocsea", "page.html", context, None)
    assert [(b["type"], b["text"], b.get("url", b.get("javascript"))) for b in menu["buttons"]] == [
        ("link", ".ipynb", "../_sources/notebooks/02_ocsea.ipynb"),
        ("link", ".pdf", "../_pdf/02_ocsea.pdf"),
        ("link", "book .pdf", "../_pdf/book.pdf"),
        ("javascript", "print", "window.print()")]
    assert context["header_buttons"][1] == {"type": "javascript", "label": "fullscreen-button"}


def test_a_page_without_the_menu_is_left_alone():
    context = {"pathto": pathto, "header_buttons": []}
    add_pdf_downloads(None, "search", "search.html", context, None)
    assert context["header_buttons"] == []


def test_pages_in_reading_order_and_their_files():
    names = toc_docnames()
    assert names[0] == "intro" and names[-2:] == ["cite", "references"]
    assert names.index("notebooks/00_summary") < names.index("notebooks/01_children_online") < names.index("notebooks/04_disrupting_harm")
    assert pdf_name("notebooks/02_ocsea") == "02_ocsea.pdf" and pdf_name("intro") == "intro.pdf"


def test_the_edition_block_names_version_date_and_citation():
    book = BookCitation(title="A Book", authors=[Author(name="Team A"), Author(**{"given-names": "Bo", "family-names": "Li"})],
                        version="1.2.3", date_released=datetime.date(2030, 2, 1))
    page = edition_html(book, "Chapter <1>", "https://example.org/ch1.html", whole_book=False)
    assert "<em>A Book</em>, version 1.2.3, released 2030-02-01." in page
    assert ("<strong>Cite this page:</strong> Team A and Bo Li (2030). \u201cChapter &lt;1&gt;\u201d. "
            "In <em>A Book</em>, version 1.2.3. https://example.org/ch1.html.") in page
    whole = edition_html(book, "Front page", "https://example.org/", whole_book=True)
    assert "<strong>Cite this book:</strong> Team A and Bo Li (2030). <em>A Book</em>, version 1.2.3. https://example.org/." in whole
