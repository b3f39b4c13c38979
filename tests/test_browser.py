"""Browser test of the built book: every chart draws, with no network and no stray errors.

The notebooks' charts are drawn in the reader's browser by the vendored vega scripts
(``_static/vendor``) through ``dharm.present.render``. Only a real browser shows whether that
works, so this test serves ``_build/html`` on 127.0.0.1, opens each page that has
charts (plus ``index.html`` and every notebook page) in headless Debian chromium, and
checks that:

* every ``div[id^=dharm-chart-]`` holds a drawn vega SVG (or canvas) with marks;
* no request leaves localhost (such requests are aborted and listed);
* there are no page errors and no console errors, except the two that
  sphinx-book-theme 1.3 logs on every page of its own;
* no local file is missing (HTTP 4xx/5xx).

Build the book first (CI does), then run::

    .venv/bin/python -m pytest tests/test_browser.py

Chromium is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it); Playwright drives
it with ``executable_path``, so ``playwright install`` is never needed.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parent.parent
HTML_DIR = ROOT / "_build" / "html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# sphinx-book-theme 1.3 emits these on every page (the first as an uncaught SyntaxError,
# the second through console.error); anything else is a real problem.
THEME_ERRORS = (
    "Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode",
)
CHART_MARKER = "dharm-chart-"
CHART_SELECTOR = "div[id^='dharm-chart-']"
NOT_DRAWN_PREFIX = "Chart not drawn"  # what dharm.present.render writes into a div it cannot fill
DRAW_TIMEOUT_MS = 20_000
REFRESH_RE = re.compile(
    r"""<meta[^>]*http-equiv=["']?refresh["']?[^>]*url=([^"'\s>]+)""", re.IGNORECASE
)

# State of every chart div: drawn means a vega SVG with at least one mark element
# (vega draws rect, symbol, line and area marks as <path>), or a non-empty canvas.
CHART_STATE_JS = """(selector) => Array.from(document.querySelectorAll(selector), (el) => {
  const svg = el.querySelector("svg.marks");
  const marks = svg ? svg.querySelectorAll(
    ".role-mark path, .role-mark rect, .role-mark circle, .role-mark line, " +
    ".role-mark text, .role-mark image").length : 0;
  const canvas = el.querySelector("canvas.marks");
  const canvasDrawn = !!canvas && canvas.width > 0 && canvas.height > 0;
  const text = el.textContent.trim();
  return {id: el.id, svg: !!svg, marks: marks, drawn: marks > 0 || canvasDrawn,
          failed: text.startsWith(%r), text: text.slice(0, 300)};
})""" % NOT_DRAWN_PREFIX
ALL_SETTLED_JS = f"(selector) => ({CHART_STATE_JS})(selector).every((c) => c.drawn || c.failed)"


def _require_build() -> None:
    """Fail (not skip) without a build: CI builds the book before this test runs."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(
            f"{HTML_DIR / 'index.html'} is missing: build the book first "
            "(`.venv/bin/jupyter-book build . -W --keep-going` from the repository root), "
            "then run this test again.",
            pytrace=False,
        )


def _pages_to_check() -> list[str]:
    """Pages with chart divs, plus index.html and every notebook page, relative to _build/html."""
    if not (HTML_DIR / "index.html").is_file():
        return ["index.html"]  # the fixtures then fail with the build-first message
    pages = {"index.html"}
    for path in HTML_DIR.rglob("*.html"):
        rel = path.relative_to(HTML_DIR).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")):
            continue
        if rel.startswith("notebooks/") or CHART_MARKER in path.read_text(
            encoding="utf-8", errors="replace"
        ):
            pages.add(rel)
    return sorted(pages)


PAGES = _pages_to_check()


def _is_theme_error(message: str) -> bool:
    return any(known in message for known in THEME_ERRORS)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that keeps the test output free of access logs."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def book_url() -> Iterator[str]:
    """Serve _build/html on a free 127.0.0.1 port for the whole module."""
    _require_build()
    handler = functools.partial(_QuietHandler, directory=str(HTML_DIR))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


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


@pytest.mark.parametrize("page_path", PAGES)
def test_page_charts_draw_offline(browser: Browser, book_url: str, page_path: str) -> None:
    """Every chart on the page draws from local scripts, with no outside request or error."""
    blocked: list[str] = []
    http_errors: list[str] = []
    console_errors: list[str] = []
    page_errors: list[str] = []
    favicon = HTML_DIR / "favicon.ico"

    def route(route: Route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            route.continue_()
        elif parts.hostname in LOCAL_HOSTS:
            if parts.path == "/favicon.ico" and not favicon.is_file():
                # Chromium asks for /favicon.ico by itself; the book does not reference it.
                route.fulfill(status=204, body="")
            else:
                route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context = browser.new_context()
    context.set_default_timeout(30_000)
    context.route("**/*", route)
    page = context.new_page()
    # vega reports charts it cannot draw properly (e.g. a log scale over zero) as "WARN ..." warnings
    page.on("console", lambda msg: console_errors.append(msg.text)
            if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("WARN")) else None)
    page.on("pageerror", lambda err: page_errors.append(err.message or str(err)))
    page.on(
        "response",
        lambda resp: http_errors.append(f"{resp.status} {resp.url}") if resp.status >= 400 else None,
    )
    try:
        url = urljoin(book_url, page_path)
        html = (HTML_DIR / page_path).read_text(encoding="utf-8", errors="replace")
        redirect = REFRESH_RE.search(html)  # e.g. index.html -> the root chapter
        final_url = urljoin(url, redirect.group(1)) if redirect else url
        page.goto(url, wait_until="commit")
        page.wait_for_url(final_url, wait_until="load")
        try:
            page.wait_for_function(ALL_SETTLED_JS, arg=CHART_SELECTOR, timeout=DRAW_TIMEOUT_MS)
        except PlaywrightTimeoutError:
            pass  # the assertions below name the charts that did not draw
        charts = page.evaluate(CHART_STATE_JS, CHART_SELECTOR)
    finally:
        context.close()

    problems: list[str] = []
    if blocked:
        problems.append("requests left localhost (aborted):\n  " + "\n  ".join(blocked))
    if http_errors:
        problems.append("local HTTP errors:\n  " + "\n  ".join(http_errors))
    unexpected_page_errors = [e for e in page_errors if not _is_theme_error(e)]
    if unexpected_page_errors:
        problems.append("page errors:\n  " + "\n  ".join(unexpected_page_errors))
    unexpected_console = [e for e in console_errors if not _is_theme_error(e)]
    if unexpected_console:
        problems.append("console errors:\n  " + "\n  ".join(unexpected_console))
    undrawn = [c for c in charts if not c["drawn"]]
    if undrawn:
        problems.append(
            "charts not drawn:\n  "
            + "\n  ".join(
                f"{c['id']}: svg={c['svg']} marks={c['marks']} text={c['text']!r}" for c in undrawn
            )
        )
    if problems:
        pytest.fail(f"{page_path} ({final_url}):\n" + "\n".join(problems), pytrace=False)
    drawn = sum(1 for c in charts if c["drawn"])
    assert drawn == len(charts), f"{page_path}: {drawn} charts drawn of {len(charts)} chart divs"


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
        assert sorted(expected) == sorted(f"notebooks/{p.name}" for p in (HTML_DIR / "notebooks").glob("*.html"))
        assert [h for h in nav if h.startswith("notebooks/")] == expected
        page.goto(urljoin(book_url, "search.html?q=recommendations"), wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=DRAW_TIMEOUT_MS)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))")
        assert any("04_disrupting_harm" in h for h in hits), hits
    finally:
        context.close()
