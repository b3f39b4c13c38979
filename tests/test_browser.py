"""Browser test of the built book: every page works, reads well and is accessible, offline.

The notebooks' charts are drawn in the reader's browser by the vendored vega scripts
(``_static/vendor``) through ``dharm.present.render``. Only a real browser shows whether that
works, so this test serves ``_build/html`` on 127.0.0.1 and opens every page of the build
(found in the build: the landing page, every notebook page, search, genindex and any other
page) in headless Debian chromium, at a desktop width (1280 px) and a phone width (390 px).
Each page is opened once per width (``browser_support.visit``); the tests below check that:

* every ``div[id^=dharm-chart-]`` holds a drawn vega SVG (or canvas) with marks;
* no request leaves localhost (such requests are aborted and listed);
* there is no page error, no console error, no failed request and no HTTP 4xx/5xx
  (the favicon included) at either width;
* axe-core (vendored for the tests only in ``tests/vendor``), injected after the charts
  have drawn, finds no "critical" or "serious" violation: of every WCAG 2 A/AA rule at
  1280 px in the light theme, and of the contrast rules at 390 px in the dark theme (the
  theme follows the reader's system; a full axe run takes about 10 s on a long chapter,
  so it runs once per page);
* at 390 px the page does not scroll sideways;
* no chart text is truncated ("…") and no chart text or table header shows a raw
  column name (snake_case), at either width.

Every page is also saved as a full-page screenshot, ``_build/screenshots/<width>/<page>.png``,
for a human to look through (1280: light theme; 390: dark theme).

Build the book first (CI does), then run::

    .venv/bin/python -m pytest tests/test_browser.py

Chromium is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it); Playwright drives
it with ``executable_path``, so ``playwright install`` is never needed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, sync_playwright

from dharm.benchmark import PageMeasure, is_book_own, report_pages

from browser_support import (
    AXE_BLOCKING_IMPACTS,
    AXE_CONTRAST_RULES,
    AXE_JS,
    CHART_MARKER,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    DRAW_TIMEOUT_MS,
    ELLIPSIS,
    HTML_DIR,
    LOCAL_HOSTS,
    PHONE,
    ROOT,
    WIDTHS,
    Visit,
    book_pages,
    raw_names,
    visit,
)
from dharm.site import serve

PAGES = book_pages()
PAGE_WIDTHS = [(page, width) for page in PAGES for width in WIDTHS]


def _require_build() -> None:
    """Fail (not skip) without a build: CI builds the book before this test runs."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(
            f"{HTML_DIR / 'index.html'} is missing: build the book first "
            "(`.venv/bin/jupyter-book build . -W --keep-going` from the repository root), "
            "then run this test again.",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def book_url() -> Iterator[str]:
    """Serve _build/html on a free 127.0.0.1 port for the whole module."""
    _require_build()
    with serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium; a plain launch uses a fresh temporary profile."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: `.ci/run` installs it "
            "(apt-get install -y chromium); do not run `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def visited(browser: Browser, book_url: str) -> Callable[[str, int], Visit]:
    """Each page at each width, opened once for the module (tests of one module share a worker)."""
    if not AXE_JS.is_file():
        pytest.fail(f"{AXE_JS} is missing (see tests/vendor/README.md)", pytrace=False)
    cache: dict[tuple[str, int], Visit] = {}

    def get(page: str, width: int) -> Visit:
        if (page, width) not in cache:
            # Desktop: the light theme and every WCAG 2 A/AA rule (about 10 s on a long chapter). Phone: the
            # dark theme (which the theme shows readers whose system is dark) and the contrast rules only.
            cache[page, width] = (visit(browser, book_url, page, width) if width == DESKTOP else
                                  visit(browser, book_url, page, width, "dark", AXE_CONTRAST_RULES))
        return cache[page, width]

    return get


def _fail(record: Visit, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{record.page} at {record.width} px ({record.final_url}):\n"
                    + "\n".join(problems), pytrace=False)


def _listed(title: str, items: list[str]) -> list[str]:
    return [f"{title}:\n  " + "\n  ".join(items)] if items else []


def test_book_has_charts() -> None:
    """The book shows at least one chart (each page's charts are checked below)."""
    _require_build()
    counts = {
        page: (HTML_DIR / page).read_text(encoding="utf-8", errors="replace").count(
            f'id="{CHART_MARKER}'
        )
        for page in PAGES
    }
    assert sum(counts.values()) > 0, (
        f"no chart div (id starting {CHART_MARKER!r}) in any page of {HTML_DIR}; "
        f"pages checked: {sorted(counts)}"
    )


def test_every_kind_of_page_is_checked() -> None:
    """The pages found in the build include the landing page, every notebook page, search and the index."""
    _require_build()
    notebooks = {f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.ipynb")}
    missing = ({"index.html", "intro.html", "search.html", "genindex.html"} | notebooks) - set(PAGES)
    assert not missing, f"pages not found in {HTML_DIR}: {sorted(missing)}"


@pytest.mark.parametrize("page_path", PAGES)
def test_page_charts_draw_offline(visited: Callable[[str, int], Visit], page_path: str) -> None:
    """Every chart on the page draws from local scripts (desktop width)."""
    record = visited(page_path, DESKTOP)
    undrawn = [c for c in record.charts if not c["drawn"]]
    _fail(record, _listed("charts not drawn", [
        f"{c['id']}: svg={c['svg']} marks={c['marks']} text={c['text']!r}" for c in undrawn]))


@pytest.mark.parametrize(("page_path", "width"), PAGE_WIDTHS)
def test_page_has_no_errors_or_failed_requests(visited: Callable[[str, int], Visit], page_path: str,
                                               width: int) -> None:
    """No request leaves localhost or fails, and the page logs no error (theme's, favicon's included)."""
    record = visited(page_path, width)
    favicon = [] if 200 <= record.favicon_status < 300 else [
        f"the favicon (declared, else /favicon.ico) answers HTTP {record.favicon_status or 'nothing'}"]
    _fail(record, favicon + _listed("requests left localhost (aborted)", record.blocked)
          + _listed("local HTTP errors", record.http_errors)
          + _listed("failed requests", record.failed_requests)
          + _listed("page errors", record.page_errors)
          + _listed("console errors", record.console_errors))


@pytest.mark.parametrize(("page_path", "width"), PAGE_WIDTHS)
def test_page_has_no_serious_accessibility_violation(visited: Callable[[str, int], Visit], page_path: str,
                                                     width: int) -> None:
    """axe-core, run after the charts have drawn, finds no critical or serious violation.

    At 1280 px in the light theme, of every WCAG 2 A/AA rule; at 390 px in the dark theme, of the contrast rules.
    """
    record = visited(page_path, width)
    assert record.axe is not None
    serious = [v for v in record.axe if v["impact"] in AXE_BLOCKING_IMPACTS]
    _fail(record, _listed(f"axe violations ({record.color_scheme} theme, {record.axe_scope})", [
        f"{v['id']} ({v['impact']}): {v['help']}; {len(v['targets'])} element(s):\n    "
        + "\n    ".join(v["targets"][:10]) + ("\n    ..." if len(v["targets"]) > 10 else "")
        for v in serious]))


@pytest.mark.parametrize("page_path", PAGES)
def test_page_does_not_scroll_sideways_on_a_phone(visited: Callable[[str, int], Visit], page_path: str) -> None:
    """At 390 px the document is no wider than the viewport."""
    record = visited(page_path, PHONE)
    if record.scroll_width > record.client_width:
        _fail(record, [f"the page scrolls sideways: scrollWidth {record.scroll_width} > "
                       f"clientWidth {record.client_width}; elements reaching past the right edge: "
                       + ", ".join(record.wide_elements)])


@pytest.mark.parametrize(("page_path", "width"), PAGE_WIDTHS)
def test_chart_and_table_text_is_whole_and_readable(visited: Callable[[str, int], Visit], page_path: str,
                                                    width: int) -> None:
    """No chart text is cut short with "…", and no chart text or table header is a raw column name."""
    record = visited(page_path, width)
    truncated = [f"{c['id']}: {t!r}" for c in record.charts for t in c["texts"] if ELLIPSIS in t]
    raw_in_charts = [f"{c['id']}: {', '.join(names)}" for c in record.charts
                     if (names := raw_names(c["texts"]))]
    _fail(record, _listed("truncated chart text", truncated)
          + _listed("raw column names in charts", raw_in_charts)
          + _listed("raw column names in table headers", raw_names(record.table_headers)))


@pytest.mark.parametrize(("page_path", "width"), PAGE_WIDTHS)
def test_page_screenshot_is_saved(visited: Callable[[str, int], Visit], page_path: str, width: int) -> None:
    """A full-page screenshot of the page is saved under _build/screenshots/<width>/ for human review."""
    record = visited(page_path, width)
    assert record.screenshot is not None and record.screenshot.stat().st_size > 0, record.screenshot


HREF_RE = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')
ID_RE = re.compile(r'\bid="([^"]+)"')


def test_links_between_pages_reach_their_targets() -> None:
    """Every link from one book page to another (figure links included) lands on an existing page and id."""
    _require_build()
    ids: dict[Path, set[str]] = {}
    broken, checked = [], 0
    for page in sorted((HTML_DIR / "notebooks").glob("*.html")) + [HTML_DIR / "intro.html"]:
        html = page.read_text(encoding="utf-8")
        for href in HREF_RE.findall(html):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.endswith(".html"):
                continue
            target = (page.parent / parts.path).resolve()
            checked += 1
            if not target.is_file():
                broken.append(f"{page.name}: {href} (no such page)")
                continue
            if parts.fragment:
                if target not in ids:
                    ids[target] = set(ID_RE.findall(target.read_text(encoding="utf-8")))
                if parts.fragment not in ids[target]:
                    broken.append(f"{page.name}: {href} (no id {parts.fragment!r})")
    assert checked > 50, f"only {checked} links between pages found"
    assert not broken, "broken links:\n  " + "\n  ".join(broken)


def test_every_page_is_in_the_navigation_and_search_finds_them(browser: Browser, book_url: str) -> None:
    """The sidebar lists every notebook page in report order, and the offline search finds a chapter-4 word."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname in LOCAL_HOSTS
                  or urlsplit(route.request.url).scheme in ("data", "blob", "about") else route.abort())
    page = context.new_page()
    try:
        page.goto(urljoin(book_url, "intro.html"), wait_until="load")
        nav = page.eval_on_selector_all("nav.bd-docs-nav a.reference.internal", "els => els.map(e => e.getAttribute('href'))")
        toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
        expected = [f"{c['file']}.html" for c in toc["chapters"]]
        notebooks = [e for e in expected if e.startswith("notebooks/")]
        assert sorted(notebooks) == sorted(f"notebooks/{p.name}" for p in (HTML_DIR / "notebooks").glob("*.html"))
        assert [h for h in nav if h in expected] == expected  # the report's parts, then How to cite and References
        page.goto(urljoin(book_url, "search.html?q=recommendations"), wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=DRAW_TIMEOUT_MS)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))")
        assert any("04_disrupting_harm" in h for h in hits), hits
    finally:
        context.close()


def test_benchmark_sorts_theme_files_from_the_books_own(tmp_path: Path) -> None:
    """The page-weight benchmark counts pages, images and the book's own _static files as the book's, the rest as the theme's."""
    static = tmp_path / "_static"
    (static / "vendor").mkdir(parents=True)
    (static / "vendor" / "vega.min.js").write_text("x")
    (static / "dharm.css").write_text("x")
    assert is_book_own("notebooks/02_ocsea.html", static) and is_book_own("searchindex.js", static)
    assert is_book_own("_images/figure.png", static) and is_book_own("_static/vendor/vega.min.js", static)
    assert is_book_own("_static/dharm.css", static)
    assert not is_book_own("_static/styles/sphinx-book-theme.css", static)
    assert not is_book_own("_static/vendor/fontawesome/webfonts/fa-solid-900.woff2", static)
    assert not is_book_own("_static/scripts/bootstrap.js", static) and not is_book_own("_static/doctools.js", static)


def test_benchmark_reports_targets_without_failing() -> None:
    """Hand-made measures: 1.2 MB of own weight misses the 1 MB target, a 1.5 s chart misses the 1 s one."""
    heavy = PageMeasure("notebooks/a.html", 3_200_000, 2_000_000, 830_000, 300_000, 900.0, {"c1": 200.0, "c2": 1500.0})
    light = PageMeasure("notebooks/b.html", 2_900_000, 2_000_000, 830_000, 250_000, 800.0, {"c3": -50.0})
    undrawn = PageMeasure("notebooks/c.html", 2_100_000, 2_000_000, 0, 40_000, 700.0, {"c4": None})
    assert heavy.own_bytes == 1_200_000 and heavy.slowest_ms == 1500.0
    assert light.slowest_ms == -50.0 and undrawn.slowest_ms is None
    out = io.StringIO()
    report_pages([heavy, light, undrawn], out)
    text = out.getvalue()
    assert "chapter page <= theme + 1 MB: 2 of 3 chapter pages (over: notebooks/a.html) uncompressed; 3 of 3 as sent" in text
    assert "within 1 s of load: 1 of 3 pages (slower: notebooks/a.html, notebooks/c.html)" in text
    assert "not drawn" in text
