"""How a reader cites the book, a page or one figure: text citations and BibTeX entries.

Everything is formatted from one record, :class:`~dharm.io.citation.BookCitation` (``CITATION.cff``).
A figure's block is written in two steps, because its address is known only when the book is
rendered: a notebook puts :func:`cite_placeholder` beside the figure's anchor (no URL, no version,
so re-rendering never needs re-executing), and the book's Sphinx extension (``dharm.sphinxext``)
replaces it with :func:`cite_block` once it knows the page's address and ``html.baseurl``.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from ..io.citation import BookCitation, load_references
from ..io.country import CountryMetadata
from ..report.keynumbers import figure_anchor

PLACEHOLDER_CLASS = "dharm-cite-placeholder"
#: Where a page or a figure lives when ``html.baseurl`` is empty: a relative path that
#: ``_static/dharm-cite.js`` turns into the address the reader is viewing.
RELATIVE_URL_CLASS = "dharm-cite-url"
PLACEHOLDER_RE = re.compile(
    rf'<div class="{PLACEHOLDER_CLASS}" data-anchor="(?P<anchor>[^"]*)" data-title="(?P<title>[^"]*)" '
    r'data-ref="(?P<ref>[^"]*)" data-source="(?P<source>[^"]*)"></div>')


@dataclass(frozen=True)
class CitedItem:
    """What a citation names: the book, one page, or one figure of a page."""

    title: str  # the page's or the figure's title ("" for the whole book)
    url: str  # absolute, or relative to the book's root when no base URL is configured
    anchor: str = ""  # the figure's html id ("" for a page or the book)
    ref: str = ""  # where the report prints it, e.g. "Figure 15" or "section 2.2"
    source: str = ""  # the report, as source lines name it


def cite_placeholder(figure_id: str, title: str, ref: str, source: str) -> str:
    """The mark a notebook leaves beside a figure for the book to fill with its "Cite this figure" block."""
    attrs = {"anchor": figure_anchor(figure_id), "title": title, "ref": ref, "source": source}
    return (f'<div class="{PLACEHOLDER_CLASS}" '
            + " ".join(f'data-{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + "></div>")


def _bibtex_escape(text: str) -> str:
    """A field value BibTeX reads back unchanged: braces balanced, LaTeX's special characters escaped."""
    text = text.replace("\\", "").replace("{", "(").replace("}", ")")
    return re.sub(r"([&%$#_])", r"\\\1", text)


def bibtex_key(book: BookCitation, item: CitedItem) -> str:
    """A stable key: ``dharm-0.1.0`` for the book, plus the page's file name and the figure's id."""
    page = re.sub(r"\.html.*$", "", item.url.rsplit("/", 1)[-1]) if item.title else ""
    parts = ["dharm", book.version] + ([page] if page else []) + ([item.anchor.removeprefix("figure-")] if item.anchor else [])
    return "-".join(re.sub(r"[^A-Za-z0-9.]+", "-", p).strip("-") for p in parts)


def bibtex_entry(book: BookCitation, item: CitedItem) -> str:
    """A ``@misc`` entry for the book, a page or a figure (BibTeX has no type for a web page's part)."""
    fields = {"author": "{" + _bibtex_escape(book.author_text) + "}",
              "title": _bibtex_escape(item.title or book.title)}
    if item.title:
        fields["howpublished"] = _bibtex_escape(f"In: {book.title}, version {book.version}")
    fields |= {"year": str(book.year), "version": book.version, "date": book.date_released.isoformat(),
               "url": item.url}
    if item.ref or item.source:
        fields["note"] = _bibtex_escape("Based on " + " of ".join(p for p in (item.ref, item.source) if p))
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{bibtex_key(book, item)},\n{body}\n}}"


def text_citation(book: BookCitation, item: CitedItem, url_html: str) -> str:
    """The citation as a reference list prints it (HTML; the URL already formatted by the caller)."""
    esc = html.escape
    head = f"{esc(book.author_text)} ({book.year}). "
    if item.title:
        head += f"\u201c{esc(item.title)}\u201d. In <em>{esc(book.title)}</em>, version {esc(book.version)}. "
    else:
        head += f"<em>{esc(book.title)}</em>, version {esc(book.version)}. "
    after = " of ".join(esc(p) for p in (item.ref, item.source) if p)
    return head + url_html + "." + (f" Based on {after}." if after else "")


def url_html(url: str, absolute: bool) -> str:
    """The URL as a link; a relative one is marked for ``dharm-cite.js`` to make absolute in the reader's browser."""
    esc = html.escape(url, quote=True)
    if absolute:
        return f'<a href="{esc}">{esc}</a>'
    return f'<a class="{RELATIVE_URL_CLASS}" data-path="{esc}" href="{esc}">{esc}</a>'


def cite_block(book: BookCitation, item: CitedItem, what: str, absolute: bool, href: str | None = None) -> str:
    """``<details>`` "Cite this figure/page": the text citation and the BibTeX entry, closed until asked for.

    ``href`` is the link as the page itself must write it (relative to the page) when ``item.url`` is
    relative to the book's root.
    """
    link = url_html(item.url if absolute else (href or item.url), absolute)
    bibtex = html.escape(bibtex_entry(book, item))
    if not absolute:  # the entry's url field is completed in the browser, like the link
        bibtex = bibtex.replace(html.escape(item.url), f'<span class="{RELATIVE_URL_CLASS}" data-path="'
                                f'{html.escape(href or item.url, quote=True)}">{html.escape(item.url)}</span>')
    return (f'<details class="dharm-cite"><summary>Cite this {html.escape(what)}</summary>'
            f'<p class="dharm-cite-text">{text_citation(book, item, link)}</p>'
            f'<pre class="dharm-cite-bibtex" tabindex="0" aria-label="BibTeX entry">{bibtex}</pre></details>')


#: The bibliography page, as a notebook page (under notebooks/) links to it.
BIBLIOGRAPHY_HREF = "../references.html"


def reference_id(key: str) -> str:
    """The html id sphinxcontrib-bibtex gives an entry on the bibliography page (``bibtex_cite_id`` in _config.yml)."""
    return f"ref-{key}"


def references_html(keys: list[str]) -> str:
    """" References: <a>…</a>; <a>…</a>" linking a source line to its bibliography entries ("" without keys)."""
    names = load_references()
    keys = [k for k in dict.fromkeys(keys) if k]
    unknown = [k for k in keys if k not in names]
    if unknown:
        raise KeyError(f"no entry {', '.join(unknown)} in references.bib (keys: {', '.join(names)})")
    links = "; ".join(f'<a href="{BIBLIOGRAPHY_HREF}#{reference_id(k)}">{html.escape(names[k])}</a>' for k in keys)
    return f" References: {links}." if links else ""


def report_ref(label: str, section: str) -> str:
    """Where the report prints a figure: its number, or the section of an unnumbered panel."""
    if label:
        return label
    return f"section {section}" if re.fullmatch(r"\d+(\.\d+)*", section or "") else ""


def source_bibkeys(metadata: CountryMetadata, source_ids) -> list[str]:
    """The bibliography keys of the publications some published rows come from (empty id: the report),
    always including the country's report, which the whole book rests on."""
    ids = [metadata.report.id] + [i for i in source_ids if isinstance(i, str) and i]
    return [k for k in dict.fromkeys(metadata.source(i).bibkey for i in ids) if k]
