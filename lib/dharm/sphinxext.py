"""The book's Sphinx extension: citations on every page, and a theme that logs no errors.

Loaded by jupyter-book through ``sphinx.extra_extensions`` in ``_config.yml``. It

* fills each figure's "Cite this figure" placeholder (left by the notebooks, see
  :mod:`dharm.present.cite`) with the text citation and BibTeX entry, now that the page's
  address and ``html.baseurl`` are known, and puts "Cite this page" under every page title;
* provides the ``dharm-citation`` directive for the How-to-cite page (``book``, or a key of
  ``references.bib``);
* gives the theme a default colour mode (sphinx-book-theme leaves it empty and logs
  "Got invalid theme mode" on every page) and drops sphinx-thebe's scripts, which declare
  ``THEBE_JS_URL`` twice (a page error) although the book never launches thebe;
* keeps pages light: vega only where there are charts, tables' CSVs as files beside the page;
* names three theme controls by their visible text, as accessibility checkers require.
"""
from __future__ import annotations

import base64
import hashlib
import html
import posixpath
import re
from pathlib import Path
from typing import Any

import pybtex.database
import pybtex.plugin
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .config import DEFAULT_COUNTRY
from .io.citation import CITATION_PATH, REFERENCES_PATH, BookCitation, load_book_citation
from .io.country import CountryData
from .present import cite
from .present.downloads import add_pdf_downloads
from .present.cite import PLACEHOLDER_RE, CitedItem, bibtex_entry, cite_block, text_citation, url_html

__all__ = ["setup"]

THEME_MODE = "light"  # charts and tables are drawn for a light page
CHART_MARK = 'class="dharm-chart"'
VEGA_SCRIPTS = ("vendor/vega", "_static/vendor/vega")
DATA_FOLDER = "_data"
CSV_LINK_RE = re.compile(r'<a download="(?P<name>[^"]+)" href="data:text/csv;charset=utf-8;base64,(?P<payload>[A-Za-z0-9+/=]+)">')
LABEL_FIXES = (
    (re.compile(r'(<button class="btn search-button-field[^>]*?) aria-label="[^"]*"'), r"\1"),
    (re.compile(r'(<i class="theme-switch [^>]*?)\s+title="[^"]*"'), r"\1"),
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # docutils marks bibliography entries doc-biblioentry (deprecated) inside role="list" (axe aria-required-children)
    (re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"'), r'\1 role="listitem"'),
)


def _book(app: Sphinx) -> BookCitation:
    """The book's citation, titled as this build is (a variant book has its own title in _config.yml)."""
    book = load_book_citation()
    title = app.config.html_title  # jupyter-book sets the book's title there (``project`` stays Sphinx's default)
    return book.model_copy(update={"title": title}) if title else book


def _absolute(app: Sphinx) -> bool:
    return bool(app.config.html_baseurl)


def _item_url(app: Sphinx, docname: str, anchor: str = "") -> tuple[str, str]:
    """(URL for the citation, link as the page writes it): absolute with ``html.baseurl``, else root-relative."""
    uri = app.builder.get_target_uri(docname)
    fragment = f"#{anchor}" if anchor else ""
    if _absolute(app):
        url = app.config.html_baseurl.rstrip("/") + "/" + uri + fragment
        return url, url
    return uri + fragment, posixpath.basename(uri) + fragment


def _fill_placeholders(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each figure's placeholder with its "Cite this figure" block, and add "Cite this page"."""
    if app.builder.format != "html":
        return
    book = _book(app)
    for raw in doctree.findall(nodes.raw):
        if "html" not in raw.get("format", "") or "dharm-cite-placeholder" not in raw.astext():
            continue

        def block(match):
            url, href = _item_url(app, docname, match["anchor"])
            item = CitedItem(title=html.unescape(match["title"]), url=url, anchor=match["anchor"],
                             ref=html.unescape(match["ref"]), source=html.unescape(match["source"]))
            return cite_block(book, item, "figure", _absolute(app), href)

        text = PLACEHOLDER_RE.sub(block, raw.astext())
        raw.parent.replace(raw, nodes.raw("", text, format="html"))
    section = next(iter(doctree.findall(nodes.section)), None)
    title = app.env.titles.get(docname)
    if section is None or title is None or docname in app.config.dharm_uncited_pages:
        return
    url, href = _item_url(app, docname)
    item = CitedItem(title=title.astext(), url=url)
    section.insert(1, nodes.raw("", cite_block(book, item, "page", _absolute(app), href), format="html"))


class CitationDirective(SphinxDirective):
    """``dharm-citation``: ``book`` (from CITATION.cff), ``report`` (the country's, from its metadata's
    ``bibkey``) or any key of references.bib, as text and BibTeX."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        what = self.arguments[0]
        if what == "book":
            book = _book(self.env.app)
            root = self.env.app.config.html_baseurl
            item = CitedItem(title="", url=root or "index.html")
            link = url_html(item.url, bool(root))
            text, bibtex = text_citation(book, item, link), html.escape(bibtex_entry(book, item))
            if not root:
                bibtex = bibtex.replace("index.html", '<span class="dharm-cite-url" data-path="index.html">index.html</span>')
        else:
            if what == "report":  # the report of the country the book is built for
                what = CountryData(self.env.app.config.dharm_country).metadata.report.bibkey or ""
            entries = pybtex.database.parse_file(str(REFERENCES_PATH), bib_format="bibtex")
            if what not in entries.entries:
                raise self.error(f"dharm-citation: no entry {what!r} in {REFERENCES_PATH.name} "
                                 f"(keys: {', '.join(entries.entries)})")
            one = pybtex.database.BibliographyData({what: entries.entries[what]})
            style = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()
            formatted = next(iter(style.format_bibliography(one)))
            text = formatted.text.render(pybtex.plugin.find_plugin("pybtex.backends", "html")())
            bibtex = html.escape(one.to_string("bibtex").strip())
        return [nodes.raw("", f'<div class="dharm-citation"><p class="dharm-cite-text">{text}</p>'
                              f'<pre class="dharm-cite-bibtex" tabindex="0" aria-label="BibTeX entry">{bibtex}</pre></div>',
                          format="html")]


def _theme_mode(app: Sphinx, config: Any) -> None:
    """pydata-sphinx-theme reads the default colour mode from ``html_context`` (not a theme option).
    Every page's footer names the edition (version and release date from CITATION.cff)."""
    config.html_context = {**(config.html_context or {}), "default_mode": THEME_MODE}
    config.html_theme_options = {**(config.html_theme_options or {}), "extra_footer": edition_footer(load_book_citation())}


def edition_footer(book: BookCitation) -> str:
    """``Edition 0.1.0, released 2026-11-28. How to cite.`` (HTML, links relative to the book's root are not
    possible in a footer shared by pages at several depths, so the text names the page)."""
    return (f'<p class="dharm-edition">Edition {html.escape(book.version)}, released {book.date_released.isoformat()}. '
            f"Cite it as the <em>How to cite</em> page says.</p>")


def _lighten_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Load only what the page uses, and keep its data out of its HTML.

    * sphinx-thebe's scripts and style go (the book has no live code; its config script is added twice);
    * the vendored vega scripts (830 kB) load only on pages with charts;
    * each table's CSV, embedded by the notebooks as a ``data:`` link, is written beside the page as a
      file and linked, so a reader downloads it only when asked.
    """
    body = context.get("body", "")
    scripts = context.get("script_files")
    if scripts is not None:
        has_charts = CHART_MARK in body
        def keep(script: Any) -> bool:
            name = str(getattr(script, "filename", script) or "")
            body = str(getattr(script, "attributes", {}).get("body", ""))
            return ("THEBE_JS_URL" not in body and not name.endswith("sphinx-thebe.js")
                    and (has_charts or not name.startswith(VEGA_SCRIPTS)))

        scripts[:] = [s for s in scripts if keep(s)]
    styles = context.get("css_files")
    if styles is not None:
        styles[:] = [c for c in styles if not str(getattr(c, "filename", c) or "").endswith("sphinx-thebe.css")]
    if "data:text/csv" in body:
        context["body"] = _csv_files(app, pagename, body)


def _csv_files(app: Sphinx, pagename: str, body: str) -> str:
    """Write each embedded CSV to ``_data/<page>/<file>`` under the output folder and link it there."""
    folder = Path(app.outdir) / DATA_FOLDER / pagename

    def to_file(match: re.Match) -> str:
        name = posixpath.basename(html.unescape(match["name"]))
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(match["payload"]))
        href = posixpath.relpath(f"{DATA_FOLDER}/{pagename}/{name}", posixpath.dirname(pagename) or ".")
        return f'<a download="{match["name"]}" href="{html.escape(href, quote=True)}">'

    return CSV_LINK_RE.sub(to_file, body)


def _label_in_name(app: Sphinx, exception: Exception | None) -> None:
    """Give three controls of the theme and myst-nb the name their visible text says (WCAG 2.5.3, axe
    ``label-content-name-mismatch``): the search button, the colour-mode button's icons, hidden-code toggles;
    and give bibliography entries the list-item role their list requires."""
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = label_in_name(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def label_in_name(text: str) -> str:
    """``text`` (a built page) with the three label fixes applied."""
    for pattern, replacement in LABEL_FIXES:
        text = pattern.sub(replacement, text)
    return text


def _pdf_downloads(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The download menu links the page's and the book's PDFs, in a book whose PDFs ``make pdf`` makes."""
    if app.config.dharm_pdf_links:
        add_pdf_downloads(app, pagename, templatename, context, doctree)


def _citation_stamp() -> str:
    """Changes with the book's citation or the code that writes the blocks, so Sphinx then rewrites every page."""
    digest = hashlib.sha256()
    for path in (CITATION_PATH, Path(cite.__file__), Path(__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("dharm_citation_stamp", _citation_stamp(), "env")
    app.add_config_value("dharm_country", DEFAULT_COUNTRY, "html")
    app.add_config_value("dharm_uncited_pages", ["references", "cite"], "html")
    app.connect("config-inited", _theme_mode)
    app.connect("doctree-resolved", _fill_placeholders)
    app.connect("html-page-context", _lighten_page)
    app.add_config_value("dharm_pdf_links", True, "html")  # False where no PDFs are made (variant books)
    app.connect("html-page-context", _pdf_downloads, priority=510)  # after the theme's header buttons (501)
    app.connect("build-finished", _label_in_name)
    app.add_directive("dharm-citation", CitationDirective)
    app.add_js_file("dharm-cite.js")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
