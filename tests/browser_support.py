"""Helpers of tests/test_browser.py: serve the built book, open one page at one width, record what it shows.

A page is opened once per width (``visit``); the record holds everything the browser tests
check, so each check is its own test and no page is loaded twice. Axe (``tests/vendor``,
pinned, see the README there) is injected only here, never into the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Browser, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parent.parent
HTML_DIR = ROOT / "_build" / "html"
SCREENSHOT_DIR = ROOT / "_build" / "screenshots"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
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
DESKTOP, PHONE = 1280, 390
WIDTHS = (DESKTOP, PHONE)
VIEWPORT_HEIGHT = 900
CHART_MARKER = "dharm-chart-"
CHART_SELECTOR = "div[id^='dharm-chart-']"
NOT_DRAWN_PREFIX = "Chart not drawn"  # what dharm.present.render writes into a div it cannot fill
DRAW_TIMEOUT_MS = 20_000
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_BLOCKING_IMPACTS = {"critical", "serious"}
REFRESH_RE = re.compile(
    r"""<meta[^>]*http-equiv=["']?refresh["']?[^>]*url=([^"'\s>]+)""", re.IGNORECASE
)
# A raw column name: lowercase words joined by underscores (unique_upload_ips, age_group).
RAW_NAME_RE = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")
ELLIPSIS = "\u2026"

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
          failed: text.startsWith(%r), text: text.slice(0, 300),
          texts: svg ? Array.from(svg.querySelectorAll("text"), (t) => t.textContent) : []};
})""" % NOT_DRAWN_PREFIX
ALL_SETTLED_JS = f"(selector) => ({CHART_STATE_JS})(selector).every((c) => c.drawn || c.failed)"
FAVICON_JS = """() => document.querySelector("link[rel~='icon']")?.href ||
  new URL("/favicon.ico", location.href).href"""
LAYOUT_JS = """() => ({scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  headers: Array.from(document.querySelectorAll("table th"), (th) => th.textContent.trim()),
  wide: Array.from(document.querySelectorAll("body *")).filter((el) => {
    const r = el.getBoundingClientRect();
    return r.right > document.documentElement.clientWidth + 1 && r.width > 0;
  }).slice(0, 8).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : ""))})"""
# Contrast rules only: the phone visit uses the dark theme, where the theme's colours change.
AXE_CONTRAST_RULES = ["color-contrast", "link-in-text-block"]
AXE_RUN_JS = """(runOnly) => axe.run(document, {runOnly: runOnly, resultTypes: ["violations"]}).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" "))})))"""


def book_pages() -> list[str]:
    """Every page of the build (relative to _build/html), found in the build, not listed by hand."""
    if not (HTML_DIR / "index.html").is_file():
        return ["index.html"]  # the fixtures then fail with the build-first message
    pages = []
    for path in HTML_DIR.rglob("*.html"):
        rel = path.relative_to(HTML_DIR).as_posix()
        if not rel.startswith(("_static/", "_sources/", "_images/")):
            pages.append(rel)
    return sorted(pages)


@dataclass
class Visit:
    """What one page showed at one width."""

    page: str
    width: int
    color_scheme: str = "light"
    axe_scope: str = ""  # what axe ran: the WCAG 2 A/AA tags, or the contrast rules only
    final_url: str = ""
    blocked: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    favicon_status: int = 0
    scroll_width: int = 0
    client_width: int = 0
    wide_elements: list[str] = field(default_factory=list)
    table_headers: list[str] = field(default_factory=list)
    axe: list[dict] | None = None  # None: axe was not run at this width
    screenshot: Path | None = None


def _local_only(blocked: list[str]):
    def route(route: Route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()
    return route


def visit(browser: Browser, book_url: str, page_path: str, width: int, color_scheme: str = "light",
          axe_rules: list[str] | None = None) -> Visit:
    """Open ``page_path`` at ``width``, wait for its charts, record errors, layout, text, axe; screenshot it.

    The theme follows the reader's colour scheme (``light`` or ``dark``). axe runs every WCAG 2 A/AA rule,
    or only ``axe_rules`` when given.
    """
    record = Visit(page_path, width, color_scheme)
    context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT}, color_scheme=color_scheme)
    context.set_default_timeout(30_000)
    context.route("**/*", _local_only(record.blocked))
    page = context.new_page()
    # vega reports charts it cannot draw properly (e.g. a log scale over zero) as "WARN ..." warnings
    page.on("console", lambda msg: record.console_errors.append(msg.text)
            if msg.type == "error" or (msg.type == "warning" and msg.text.startswith("WARN")) else None)
    page.on("pageerror", lambda err: record.page_errors.append(err.message or str(err)))
    page.on("response", lambda resp: record.http_errors.append(f"{resp.status} {resp.url}")
            if resp.status >= 400 else None)
    page.on("requestfailed", lambda req: record.failed_requests.append(f"{req.failure} {req.url}")
            if req.url not in record.blocked else None)
    try:
        url = urljoin(book_url, page_path)
        html = (HTML_DIR / page_path).read_text(encoding="utf-8", errors="replace")
        redirect = REFRESH_RE.search(html)  # e.g. index.html -> the root chapter
        record.final_url = urljoin(url, redirect.group(1)) if redirect else url
        page.goto(url, wait_until="commit")
        page.wait_for_url(record.final_url, wait_until="load")
        try:
            page.wait_for_function(ALL_SETTLED_JS, arg=CHART_SELECTOR, timeout=DRAW_TIMEOUT_MS)
        except PlaywrightTimeoutError:
            pass  # the chart test names the charts that did not draw
        record.charts = page.evaluate(CHART_STATE_JS, CHART_SELECTOR)
        # Playwright does not report chromium's own favicon request (and a routed fetch of it fails),
        # so ask the server for the icon the browser asks for: the declared one, else /favicon.ico.
        record.favicon_status = page.request.get(page.evaluate(FAVICON_JS)).status
        layout = page.evaluate(LAYOUT_JS)
        record.scroll_width, record.client_width = layout["scrollWidth"], layout["clientWidth"]
        record.wide_elements, record.table_headers = layout["wide"], layout["headers"]
        record.screenshot = SCREENSHOT_DIR / str(width) / Path(page_path).with_suffix(".png")
        record.screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(record.screenshot), full_page=True)
        page.add_script_tag(path=str(AXE_JS))
        if axe_rules:
            record.axe_scope = f"rules {', '.join(axe_rules)}"
            record.axe = page.evaluate(AXE_RUN_JS, {"type": "rule", "values": axe_rules})
        else:
            record.axe_scope = f"WCAG tags {', '.join(AXE_TAGS)}"
            record.axe = page.evaluate(AXE_RUN_JS, {"type": "tag", "values": AXE_TAGS})
    finally:
        context.close()
    return record


def raw_names(texts: list[str]) -> list[str]:
    """The snake_case tokens (raw column names) in ``texts``."""
    return sorted({name for text in texts for name in RAW_NAME_RE.findall(text)})
