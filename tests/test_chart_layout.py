"""Browser test of the built book's charts at a desktop and a phone width.

At 1280 and 390 px, on every notebook page with charts: each chart's SVG is as wide as
its div (the content column), no text of a chart is truncated ("…") or sticks out of
its SVG, no snake_case identifier is shown, each chart carries its text alternative
(role graphics-document and aria-label on the drawn chart), and the page does not
scroll sideways. Build the book first, as for tests/test_browser.py.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser

import test_browser
from test_browser import CHART_MARKER, HTML_DIR

book_url = test_browser.book_url  # the built book served on 127.0.0.1 (fixture)
browser = test_browser.browser  # headless Debian chromium (fixture)

WIDTHS = (1280, 390)
CHART_PAGES = sorted(p.relative_to(HTML_DIR).as_posix() for p in (HTML_DIR / "notebooks").glob("*.html")
                     if CHART_MARKER in p.read_text(encoding="utf-8", errors="replace")) or ["notebooks/none.html"]

LAYOUT_JS = r"""() => ({
  scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
  charts: Array.from(document.querySelectorAll("div[id^='dharm-chart-']"), (el) => {
    const svg = el.querySelector("svg.marks");
    if (!svg) { return {id: el.id, drawn: false}; }
    const box = svg.getBoundingClientRect();
    const texts = Array.from(svg.querySelectorAll("text"));
    const drawn = el.querySelector("[role='graphics-document']");
    return {id: el.id, drawn: true, div: el.clientWidth, svg: box.width,
      ellipsis: texts.map((t) => t.textContent).filter((t) => t.includes("\u2026")),
      snake: texts.map((t) => t.textContent).filter((t) => /\b[a-z0-9]+_[a-z0-9_]+\b/.test(t)),
      outside: texts.filter((t) => { const b = t.getBoundingClientRect();
        return b.width > 0 && (b.left < box.left - 0.5 || b.right > box.right + 0.5); }).map((t) => t.textContent),
      label: drawn ? drawn.getAttribute("aria-label") || "" : ""};
  }),
})"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", CHART_PAGES)
def test_charts_fill_the_column_without_truncation(browser: Browser, book_url: str, page_path: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(book_url + page_path, wait_until="load")
        page.wait_for_function("() => Array.from(document.querySelectorAll(\"div[id^='dharm-chart-']\"))"
                               ".every((el) => el.querySelector('svg.marks'))", timeout=30_000)
        layout = page.evaluate(LAYOUT_JS)
    finally:
        context.close()
    assert layout["scroll"] == layout["client"], f"{page_path} scrolls sideways at {width} px"
    assert layout["charts"]
    for chart in layout["charts"]:
        where = f"{page_path} {chart['id']} at {width} px"
        assert chart["drawn"], where
        assert abs(chart["svg"] - chart["div"]) <= 1, f"{where}: svg {chart['svg']} px in a {chart['div']} px column"
        assert not chart["ellipsis"], f"{where}: truncated {chart['ellipsis']}"
        assert not chart["snake"], f"{where}: identifiers shown {chart['snake']}"
        assert not chart["outside"], f"{where}: text outside the chart {chart['outside']}"
        assert len(chart["label"]) > 40, f"{where}: no text alternative"
