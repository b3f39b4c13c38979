"""Where a country publishes nothing, pages say "not published for <country>"; this module holds the words and
holds executed copies of a page to them, without drawing anything (the build imports it).

* :func:`marker` is the text glued for a number the country does not publish, and
  :func:`notice_html` the notice shown where a figure or a block of prose would be;
* :func:`prune_page` runs on an executed copy of a page (a rerun or a variant book, never a
  committed notebook): each block of prose that quotes a number the country does not
  publish becomes the notice, and for a country other than the one the prose was written
  about, so does every block not marked ``% any-country`` that quotes no number at all,
  since its words describe the report it was written from.
"""
from __future__ import annotations

import html
import re

import nbformat
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin

NOTICE_CLASS = "dharm-not-published"
ANY_COUNTRY = "any-country"  # a MyST comment (``% any-country``) before a block whose words hold for every country
COUNTRY_NAME = "country_name"  # glued by every page (see dharm.present.prose.glue_country)
GLUE_REFERENCE = re.compile(r"\{glue(?::[a-z]+)?\}`([A-Za-z0-9_]+)")


def marker(country_name: str) -> str:
    """The words glued in place of a number the country does not publish."""
    return f"not published for {country_name}"


def notice_html(country_name: str) -> str:
    return f'<p class="{NOTICE_CLASS}"><em>Not published for {html.escape(country_name)}.</em></p>'


# ---------------------------------------------------------------- executed copies of a page
_PARSER = MarkdownIt("commonmark").use(colon_fence_plugin).use(myst_block_plugin)


def unpublished_names(nb: nbformat.NotebookNode, country_name: str) -> set[str]:
    """Names the prose quotes that the executed page glued with the not-published marker, or never glued."""
    glued, markers = set(), set()
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook")
            if scrap:
                glued.add(scrap["name"])
                text = out.get("data", {}).get(scrap.get("mime_prefix", "") + "text/plain", "")
                if text == marker(country_name):
                    markers.add(scrap["name"])
    quoted = {name for cell in nb.cells if cell.cell_type == "markdown" for name in GLUE_REFERENCE.findall(cell.source)}
    return markers | (quoted - glued)


def prune_markdown(source: str, missing: set[str], country_name: str, foreign: bool) -> str:
    """One markdown cell with each block that cannot stand for this country replaced by the notice.

    Headings stay. A block goes when it quotes a glued name in ``missing``; when ``foreign``
    (the prose was written about another country) a block that quotes no glued number goes
    too, unless a ``% any-country`` comment comes right before it. A block that goes becomes
    the notice, except an admonition (a note about the page, not a finding), which just goes.
    """
    lines = source.splitlines()
    notice = notice_html(country_name)
    kept: list[str] = []
    marked = False
    for token in _PARSER.parse(source):
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        block = lines[start:end]
        if token.type == "myst_line_comment":
            marked = token.content.strip() == ANY_COUNTRY
            continue  # comments render nothing; the marks are for this function only
        quoted = set(GLUE_REFERENCE.findall("\n".join(block)))
        numbers = quoted - {COUNTRY_NAME}  # the country's name alone does not make a block about this country's data
        drop = token.type != "heading_open" and (bool(quoted & missing) or (foreign and not numbers and not marked))
        if not drop:
            kept.append("\n".join(block))
        elif token.type == "colon_fence":
            pass  # a page note (an admonition) that does not hold for this country goes without a notice: it is no finding
        elif not kept or kept[-1] != notice:
            kept.append(notice)
        marked = False
    return "\n\n".join(kept)


def _is_notice(output: dict, notice: str) -> bool:
    return output.get("output_type") == "display_data" and output.get("data", {}).get("text/html", "") == notice


def prune_page(nb: nbformat.NotebookNode, country_name: str, foreign: bool) -> nbformat.NotebookNode:
    """An executed copy of a page, its prose held to what the country publishes; notices never repeat."""
    missing = unpublished_names(nb, country_name)
    notice = notice_html(country_name)
    last_was_notice = False
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = prune_markdown(cell.source, missing, country_name, foreign)
            body = [b for b in cell.source.split("\n\n") if b.strip()]
            if body and body[0] == notice and last_was_notice:
                cell.source = "\n\n".join(body[1:])
            if body:
                last_was_notice = body[-1] == notice
        elif cell.cell_type == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if _is_notice(out, notice):
                    if last_was_notice:
                        continue
                    last_was_notice = True
                elif out.get("output_type") == "display_data" and out.get("metadata", {}).get("scrapbook"):
                    pass  # a glued value shows nothing and breaks no run of notices
                else:
                    last_was_notice = False
                outputs.append(out)
            cell.outputs = outputs
    return nb
