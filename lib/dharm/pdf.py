"""The book in print: every page of the built book, and the whole book, as PDF files.

``python -m dharm pdf`` (``make pdf``, after ``make book``) serves ``_build/html`` on 127.0.0.1, opens
each page of ``_toc.yml`` in headless chromium, waits until every chart is drawn (vega SVG, kept as
vector graphics), puts the book's edition and the page's citation at the top of the page, and prints
it with the print stylesheet ``_static/dharm-print.css``: ``_build/pdf/<page>.pdf``, one per page, and
``_build/pdf/book.pdf``, the pages joined in the table of contents' order with a bookmark each. The
files are then copied to ``_build/html/_pdf/``, where each page's Download menu links them
(:func:`dharm.present.downloads.add_pdf_downloads`, a hook of the book's Sphinx extension).

The edition (version and release date) comes from ``CITATION.cff``, as every citation of the book does.
"""
from __future__ import annotations

import html
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import Page, sync_playwright
from pypdf import PdfReader, PdfWriter

from .config import BUILD_DIR, REPO_ROOT, TOC_PATH
from .io.citation import BookCitation, load_book_citation
from .site import serve
from .present.cite import CitedItem, text_citation
from .present.downloads import BOOK_PDF, PUBLISHED_FOLDER, pdf_name

__all__ = ["PDF_DIR", "BOOK_PDF", "Printed", "ChartsNotDrawn", "toc_docnames", "edition_html", "render_pdfs", "join_pdfs", "publish_pdfs"]

HTML_DIR = BUILD_DIR / "html"
PDF_DIR = BUILD_DIR / "pdf"
CONFIG_PATH = REPO_ROOT / "_config.yml"
CHAPTER_FOLDER = "notebooks/"  # pages under it cite themselves; the others (front matter) cite the book
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
VIEWPORT = {"width": 1100, "height": 1400}  # wide enough for the theme's desktop layout, which print then flattens
DRAW_TIMEOUT_MS = 30_000
PAPER = {"format": "A4", "margin": {"top": "16mm", "bottom": "18mm", "left": "15mm", "right": "15mm"}}
CHART_MARK = 'class="dharm-chart"'  # a chart's div in the page's HTML
NOT_DRAWN_PREFIX = "Chart not drawn"  # what dharm.present.render writes into a chart it cannot draw

# The page parsed to its end (each chart's script runs as the parser reaches it, so a long page can go quiet on
# the network while still parsing) and every chart drawn: a vega SVG with at least one mark (or a non-empty
# canvas), or its "not drawn" text.
CHARTS_SETTLED_JS = """() => document.readyState === "complete" &&
  Array.from(document.querySelectorAll("div.dharm-chart")).every((el) => {
  const svg = el.querySelector("svg.marks");
  const marks = svg ? svg.querySelectorAll(".role-mark path, .role-mark rect, .role-mark circle, " +
    ".role-mark line, .role-mark text, .role-mark image").length : 0;
  const canvas = el.querySelector("canvas.marks");
  return marks > 0 || (!!canvas && canvas.width > 0) || el.textContent.trim().startsWith(%r);
})""" % NOT_DRAWN_PREFIX
CHART_COUNT_JS = """() => [document.querySelectorAll("div.dharm-chart").length,
  document.querySelectorAll("div.dharm-chart svg.marks").length]"""  # [charts, charts drawn as SVG]
TITLE_JS = """() => { const h = document.querySelector("main h1");
  if (!h) { return document.title; }
  const c = h.cloneNode(true); c.querySelectorAll(".headerlink").forEach((a) => a.remove());
  return c.textContent.trim(); }"""
# Before printing: the edition block goes above the page's title; addresses that dharm-cite.js made
# absolute from the local server's address go back to the book's own (its base URL, or root-relative).
PREPARE_JS = """([edition, baseurl]) => {
  document.querySelectorAll(".dharm-cite-url[data-path]").forEach((el) => {
    const path = new URL(el.getAttribute("data-path"), location.href).pathname.replace(/^\\//, "");
    const url = baseurl ? baseurl.replace(/\\/$/, "") + "/" + path : path;
    el.textContent = url;
    if (el.tagName === "A") { el.setAttribute("href", url); }
  });
  const article = document.querySelector("main article") || document.querySelector("main") || document.body;
  const block = document.createElement("div");
  block.innerHTML = edition;
  article.insertBefore(block.firstElementChild, article.firstChild);
}"""
FOOTER = ('<div style="font-size:8px;width:100%;margin:0 15mm;color:#444;font-family:sans-serif;'
          'display:flex;justify-content:space-between"><span>{left}</span>'
          '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


@dataclass(frozen=True)
class Printed:
    """One PDF written: the page it prints (its docname), its title, the file, its pages and bytes."""

    docname: str
    title: str
    path: Path
    pages: int
    size: int
    seconds: float
    charts: int = 0  # charts on the page, every one drawn as a vector (SVG) graphic


def toc_docnames(toc_path: Path = TOC_PATH) -> list[str]:
    """Every page of ``_toc.yml`` in reading order, the root first (``intro``, ``notebooks/00_summary``, ...)."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))

    def walk(node: dict) -> list[str]:
        found = [str(node["file"])] if "file" in node else []
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []) or []:
                found += walk(child)
        return found

    return [str(toc["root"])] + walk(toc)


def book_baseurl(config_path: Path = CONFIG_PATH) -> str:
    """``html.baseurl`` of ``_config.yml`` ("" when the book has no published address)."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    return str((config.get("html") or {}).get("baseurl") or "")


def edition_html(book: BookCitation, title: str, url: str, whole_book: bool) -> str:
    """The block printed above a page's title: the edition, and how to cite the page (or, for the book's
    front matter, the book) with its address as text, since paper has no links."""
    item = CitedItem(title="" if whole_book else title, url=url)
    what = "this book" if whole_book else "this page"
    edition = (f"<em>{html.escape(book.title)}</em>, version {html.escape(book.version)}, "
               f"released {book.date_released.isoformat()}.")
    return (f'<div class="dharm-print-edition"><p class="dharm-print-release">{edition}</p>'
            f'<p class="dharm-print-cite"><strong>Cite {what}:</strong> '
            f'{text_citation(book, item, html.escape(url))}</p></div>')


def _local_only(route: Any) -> None:
    """No request leaves the machine: the book is printed from its own files."""
    parts = route.request.url.split("/")
    host = parts[2].split(":")[0] if len(parts) > 2 else ""
    if route.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
        route.continue_()
    else:
        route.abort()


class ChartsNotDrawn(RuntimeError):
    """A page's charts were not all drawn as SVG, so its PDF would lack them."""


def print_page(page: Page, url: str, out: Path, book: BookCitation, docname: str, baseurl: str) -> tuple[str, int]:
    """Open ``url``, wait for its charts, add the edition block and print it to ``out``; returns the page's
    title and its number of charts (all drawn as SVG, or :class:`ChartsNotDrawn`)."""
    response = page.goto(url, wait_until="load")
    expected = response.text().count(CHART_MARK) if response else 0
    page.wait_for_load_state("networkidle")
    page.wait_for_function(CHARTS_SETTLED_JS, timeout=DRAW_TIMEOUT_MS)
    charts, drawn = page.evaluate(CHART_COUNT_JS)
    if not charts == drawn == expected:
        raise ChartsNotDrawn(f"{url}: {drawn} of the page's {expected} charts drawn as SVG")
    title = page.evaluate(TITLE_JS)
    whole_book = not docname.startswith(CHAPTER_FOLDER)  # the front page, How to cite, References
    path = "index.html" if whole_book else f"{docname}.html"
    cited_url = baseurl.rstrip("/") + "/" + ("" if whole_book else path) if baseurl else path
    page.evaluate(PREPARE_JS, [edition_html(book, title, cited_url, whole_book), baseurl])
    page.emulate_media(media="print")
    left = html.escape(f"{book.title}, version {book.version}" + (f" \u2014 {title}" if title != book.title else ""))
    page.pdf(path=str(out), print_background=True, display_header_footer=True, header_template="<span></span>",
             footer_template=FOOTER.format(left=left), tagged=True, outline=True, **PAPER)
    return title, charts


def render_pdfs(html_dir: Path = HTML_DIR, out_dir: Path = PDF_DIR, docnames: list[str] | None = None,
                book: BookCitation | None = None,
                on_page: Callable[[Printed], None] | None = None) -> list[Printed]:
    """Print each page (default: every page of ``_toc.yml``) of the book built in ``html_dir`` to ``out_dir``."""
    if not (html_dir / "index.html").is_file():
        raise FileNotFoundError(f"{html_dir} has no built book: run `make book` first")
    book = book or load_book_citation()
    chosen = docnames or toc_docnames()
    baseurl = book_baseurl()
    out_dir.mkdir(parents=True, exist_ok=True)
    printed = []
    with serve(html_dir) as root, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORT, color_scheme="light")
            context.route("**/*", _local_only)
            page = context.new_page()
            for docname in chosen:
                start = time.perf_counter()
                out = out_dir / pdf_name(docname)
                title, charts = print_page(page, root + docname + ".html", out, book, docname, baseurl)
                done = Printed(docname, title, out, len(PdfReader(out).pages), out.stat().st_size,
                               time.perf_counter() - start, charts)
                printed.append(done)
                if on_page:
                    on_page(done)
        finally:
            browser.close()
    return printed


def join_pdfs(printed: list[Printed], out: Path, book: BookCitation | None = None) -> int:
    """Join the pages' PDFs, in the order given, into one with a bookmark per page; returns its page count."""
    book = book or load_book_citation()
    writer = PdfWriter()
    for item in printed:
        writer.append(str(item.path), outline_item=item.title)
    writer.add_metadata({"/Title": f"{book.title}, version {book.version}", "/Author": book.author_text})
    with out.open("wb") as handle:
        writer.write(handle)
    return len(writer.pages)


def publish_pdfs(out_dir: Path = PDF_DIR, html_dir: Path = HTML_DIR) -> Path:
    """Copy the PDFs into the built HTML (``_pdf/``), where the pages' Download menus link them."""
    target = html_dir / PUBLISHED_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    for path in out_dir.glob("*.pdf"):
        shutil.copy2(path, target / path.name)
    return target
