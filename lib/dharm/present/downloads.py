"""The print entries of each page's Download menu: the page's PDF and the whole book's, as ``make pdf`` writes them.

sphinx-book-theme's Download menu offers the page's notebook or Markdown source and a ".pdf" entry
that only opens the browser's print dialog. :func:`add_pdf_downloads` (connected by the book's Sphinx
extension to ``html-page-context``) links there the PDFs that ``python -m dharm pdf`` writes after the
HTML build and copies into ``_build/html/_pdf/`` (see :mod:`dharm.pdf`), and keeps printing as an entry
of its own. It imports nothing heavy: the HTML build never needs the browser that prints.
"""
from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

__all__ = ["PUBLISHED_FOLDER", "BOOK_PDF", "pdf_name", "add_pdf_downloads"]

PUBLISHED_FOLDER = "_pdf"  # under the built HTML
BOOK_PDF = "book.pdf"
MENU_LABEL = "download-buttons"  # sphinx-book-theme's label of its Download menu
THEME_PRINT_LABEL = "download-pdf-button"  # its ".pdf" entry, which calls window.print()


def pdf_name(docname: str) -> str:
    """The file a page prints to: its name without folders (``notebooks/02_ocsea`` -> ``02_ocsea.pdf``)."""
    return posixpath.basename(docname) + ".pdf"


def _button(url: str, text: str, tooltip: str, label: str) -> dict[str, str]:
    return {"type": "link", "url": url, "text": text, "tooltip": tooltip, "icon": "fas fa-file-pdf", "label": label}


def add_pdf_downloads(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``html-page-context`` hook (after sphinx-book-theme's, priority 502 or more): the page's Download menu
    links the page's PDF and the whole book's (``_pdf/``, written by ``make pdf``) beside ``.ipynb``/``.md``,
    and its print entry says what it does. Links only: a reader who never clicks them makes no request."""
    pathto: Callable[..., str] | None = context.get("pathto")
    if pathto is None:
        return
    for group in context.get("header_buttons") or []:
        if group.get("label") != MENU_LABEL:
            continue
        buttons = [b for b in group.get("buttons", []) if b.get("label") != THEME_PRINT_LABEL]
        buttons.append(_button(pathto(f"{PUBLISHED_FOLDER}/{pdf_name(pagename)}", 1), ".pdf",
                               "Download this page as PDF", THEME_PRINT_LABEL))
        buttons.append(_button(pathto(f"{PUBLISHED_FOLDER}/{BOOK_PDF}", 1), "book .pdf",
                               "Download the whole book as PDF", "download-book-pdf-button"))
        buttons.append({"type": "javascript", "javascript": "window.print()", "text": "print",
                        "tooltip": "Print this page", "icon": "fas fa-print", "label": "print-button"})
        group["buttons"] = buttons
