"""Speed and memory of the book's main steps, side by side in one run (``make benchmark``).

Not a test: absolute times depend on the machine, so each comparison is printed with its
ratio, which holds on a noisy machine. Compared: every survey estimate through the store
(cold and warm) against the per-call path; a clean and a no-op ``make book``; jupyter-book's
own cached execution (``execute_notebooks: cache``) of the same notebooks, cold and no-op,
as the reference; each variant book against a clean ``make book``; peak memory; and, per page of
the built book in headless chromium, the page weight (the theme's share apart) and each chart's
draw time after the load event, against the issue's targets (reported, never enforced).
"""
from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import yaml
from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .config import BUILD_DIR, GROUPS, REPO_ROOT
from .io.country import load_country
from .ledger import build_ledger
from .stats.estimation import estimate_indicator
from .stats.store import compute_estimates, estimate_store, read_store
from .synthetic import generate
from .site import serve
from .variants import VARIANT_BUILD_DIR, VARIANTS_DIR, build_variant

BOOK_FILES = ("_config.yml", "_toc.yml", "intro.md", "notebooks", "_static")
HTML_DIR = BUILD_DIR / "html"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# The targets: a chapter page weighs at most the theme + 1 MB; every chart draws within 1 s of load.
OWN_WEIGHT_TARGET = 1_000_000
DRAW_TARGET_MS = 1000.0
CHART_TIMEOUT_MS = 20_000
REFRESH_RE = re.compile(r"""<meta[^>]*http-equiv=["']?refresh""", re.IGNORECASE)
# Recorded from the first byte of each page: performance.now() when each div.dharm-chart first
# holds a vega SVG with a mark (window.__dharmDrawn, by chart id).
DRAW_OBSERVER_JS = """
window.__dharmDrawn = {};
new MutationObserver(() => {
  for (const div of document.querySelectorAll("div.dharm-chart")) {
    if (!(div.id in window.__dharmDrawn) && div.querySelector("svg.marks .role-mark > *")) {
      window.__dharmDrawn[div.id] = performance.now();
    }
  }
}).observe(document, {childList: true, subtree: true});
"""
ALL_DRAWN_JS = ("() => document.readyState === 'complete' && "
                "document.querySelectorAll('div.dharm-chart').length <= Object.keys(window.__dharmDrawn).length")
# Decoded bytes of the page and of every resource it loaded (a local server sends no compression).
PAGE_STATS_JS = """() => ({
  load: performance.getEntriesByType("navigation")[0].loadEventStart,
  drawn: window.__dharmDrawn,
  charts: Array.from(document.querySelectorAll("div.dharm-chart"), (d) => d.id),
  resources: performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
    .map((e) => [e.name, e.decodedBodySize, e.encodedBodySize])})"""


def _seconds(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def per_call_estimates(data) -> int:
    """Every indicator x breakdown through the per-call path (a design built per call, as before the store)."""
    calls = 0
    for indicator_id, indicator in data.indicators.iterrows():
        frame = data.surveys[indicator["file"]]
        breakdowns = [b for b in GROUPS if b == "total" or b in frame.columns]
        estimate_indicator(frame, indicator, breakdowns)
        calls += len(breakdowns)
    return calls


def _make(target: str) -> float:
    start = time.perf_counter()
    subprocess.run(["make", target], cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _jupyter_book_cached(folder: Path) -> float:
    start = time.perf_counter()
    run = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(folder)], check=True,
                         capture_output=True, text=True)
    if "Execution Failed" in run.stdout + run.stderr:
        raise RuntimeError(f"jupyter-book could not execute a notebook:\n{run.stdout[-2000:]}")
    return time.perf_counter() - start


def _book_copy(folder: Path) -> Path:
    """The book's sources in ``folder``, configured for jupyter-book's own cached execution."""
    folder.mkdir(parents=True)
    for name in BOOK_FILES:
        source = REPO_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    config = yaml.safe_load((folder / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": "cache", "timeout": 600}
    (folder / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def _clear_store() -> None:
    shutil.rmtree(BUILD_DIR / "estimates", ignore_errors=True)
    read_store.cache_clear()


def is_book_own(path: str, static_dir: Path = REPO_ROOT / "_static") -> bool:
    """Whether a served path (relative to _build/html) is the book's own, not sphinx-book-theme's.

    The book's own: its pages, images and search index, and the files of its ``_static`` folder
    (the vendored vega scripts, dharm's css); every other file under ``_static/`` comes with the
    theme, Sphinx or an extension (the theme's ``_static/vendor/fontawesome`` included).
    """
    if not path.startswith("_static/"):
        return True
    return (static_dir / path.removeprefix("_static/")).is_file()


@dataclass
class PageMeasure:
    """One page of the built book, measured in headless chromium."""

    page: str
    total_bytes: int
    theme_bytes: int
    vendor_bytes: int  # the vendored vega scripts (_static/vendor/vega*), part of the book's own
    own_gzip_bytes: int  # the book's own files as sent gzip-compressed, as GitHub Pages and most hosts send them
    load_ms: float  # the load event, ms after navigation start
    draw_ms: dict[str, float | None]  # chart id -> ms after the load event (None: not drawn in time)

    @property
    def own_bytes(self) -> int:
        """The page's weight minus the theme's files."""
        return self.total_bytes - self.theme_bytes

    @property
    def slowest_ms(self) -> float | None:
        """The slowest chart's draw time after load (None if a chart never drew; 0.0 without charts)."""
        times = list(self.draw_ms.values())
        return None if None in times else max(times, default=0.0)


def book_pages(html_dir: Path) -> list[str]:
    """The pages of a built book (redirect pages such as index.html left out), relative to ``html_dir``."""
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir).as_posix()
        if not rel.startswith(("_static/", "_sources/", "_images/")) and not REFRESH_RE.search(
                path.read_text(encoding="utf-8", errors="replace")):
            pages.append(rel)
    return pages


def _measure_page(browser: Browser, base_url: str, page_path: str) -> PageMeasure:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(DRAW_OBSERVER_JS)
    page = context.new_page()
    try:
        page.goto(base_url + page_path, wait_until="load")
        try:
            page.wait_for_function(ALL_DRAWN_JS, timeout=CHART_TIMEOUT_MS)
        except PlaywrightTimeoutError:
            pass  # the charts that did not draw are reported as such
        stats = page.evaluate(PAGE_STATS_JS)
    finally:
        context.close()
    total = theme = vendor = own_gzip = 0
    for url, size, sent in stats["resources"]:
        total += size
        path = url[len(base_url):].split("?")[0] if url.startswith(base_url) else ""
        if path and not is_book_own(path):
            theme += size
        else:
            own_gzip += sent
        vendor += size if path.startswith("_static/vendor/vega") else 0
    draw = {chart: (stats["drawn"][chart] - stats["load"] if chart in stats["drawn"] else None)
            for chart in stats["charts"]}
    return PageMeasure(page_path, total, theme, vendor, own_gzip, stats["load"], draw)


def measure_pages(html_dir: Path = HTML_DIR) -> list[PageMeasure]:
    """Every page of the built book in ``html_dir``, served on 127.0.0.1 and opened in headless chromium."""
    with serve(html_dir, compress=True) as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            return [_measure_page(browser, base_url, page) for page in book_pages(html_dir)]
        finally:
            browser.close()


def report_pages(measures: list[PageMeasure], out: TextIO) -> None:
    """The page weights and chart draw times as a table, each against the issue's target."""
    def kb(n: int) -> str:
        return f"{n / 1000:,.0f}"

    def ms(value: float | None) -> str:
        return "not drawn" if value is None else f"{value:,.0f}"

    out.write(f"{'page':<36} {'total kB':>9} {'theme kB':>9} {'own kB':>8} {'(vega)':>7} {'own<=1MB':>8} {'own gz kB':>9} "
              f"{'load ms':>7} {'charts':>6} {'last drawn':>10} {'after load':>10} {'<=1s':>5}\n")
    for m in measures:
        chapter = m.page.startswith("notebooks/")
        weight_ok = ("yes" if m.own_bytes <= OWN_WEIGHT_TARGET else "NO") if chapter else "-"
        slowest = m.slowest_ms
        draw_ok = "-" if not m.draw_ms else ("yes" if slowest is not None and slowest <= DRAW_TARGET_MS else "NO")
        last = "-" if not m.draw_ms else ms(None if slowest is None else m.load_ms + slowest)
        after = "-" if not m.draw_ms else ms(slowest)
        out.write(f"{m.page:<36} {kb(m.total_bytes):>9} {kb(m.theme_bytes):>9} {kb(m.own_bytes):>8} {kb(m.vendor_bytes):>7} {weight_ok:>8} "
                  f"{kb(m.own_gzip_bytes):>9} "
                  f"{m.load_ms:>7,.0f} {len(m.draw_ms):>6} {last:>10} {after:>10} {draw_ok:>5}\n")
    out.write("own: the page minus the theme's files, uncompressed; (vega): the vendored vega scripts, part of own; "
              "own gz: the same files as sent gzip-compressed (as GitHub Pages sends them); "
              "load ms: the load event, last drawn: the last chart drawn, both ms after navigation start; "
              "after load: last drawn minus load ms\n")
    out.write("\nEach chart's draw time, ms after the load event (negative: drawn before load)\n")
    for m in measures:
        if m.draw_ms:
            out.write(f"{m.page:<36} " + " ".join(ms(v) for v in m.draw_ms.values()) + "\n")
    chapters = [m for m in measures if m.page.startswith("notebooks/")]
    heavy = [m.page for m in chapters if m.own_bytes > OWN_WEIGHT_TARGET]
    slow = [m.page for m in measures if m.draw_ms and (m.slowest_ms is None or m.slowest_ms > DRAW_TARGET_MS)]
    heavy_sent = [m.page for m in chapters if m.own_gzip_bytes > OWN_WEIGHT_TARGET]
    out.write(f"\ntarget: chapter page <= theme + 1 MB: {len(chapters) - len(heavy)} of {len(chapters)} chapter pages"
              + (f" (over: {', '.join(heavy)})" if heavy else "") + " uncompressed; "
              f"{len(chapters) - len(heavy_sent)} of {len(chapters)} as sent gzip-compressed"
              + (f" (over: {', '.join(heavy_sent)})" if heavy_sent else "") + "\n")
    out.write(f"target: every chart drawn within 1 s of load: {len(measures) - len(slow)} of {len(measures)} pages"
              + (f" (slower: {', '.join(slow)})" if slow else "") + "\n")
    out.flush()


def run_benchmark(out: TextIO) -> None:
    """Measure and print every comparison."""
    def line(label: str, seconds: float, note: str = "") -> float:
        out.write(f"{label:<58} {seconds:8.2f} s  {note}\n")
        out.flush()
        return seconds

    out.write("Every survey estimate of the book\n")
    _clear_store()
    cold = line("store, cold: validate the survey files, one batched svy pass, write", _seconds(lambda: estimate_store(load_country()))[0])
    read_store.cache_clear()
    warm = line("store, warm: hash the inputs and read the table", _seconds(lambda: estimate_store(load_country()))[0])
    line("store, warm, in a fresh process (python -m dharm estimates)", _seconds(lambda: subprocess.run(
        [sys.executable, "-m", "dharm", "estimates"], check=True, stdout=subprocess.DEVNULL))[0], "(interpreter and imports included)")
    data = load_country()
    _ = data.surveys  # loaded here, so that the memory below is the estimation's
    tracemalloc.start()
    estimates, _ = compute_estimates(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out.write(f"{'peak Python memory of the batched pass (tracemalloc)':<58} {peak / 2**20:8.1f} MiB  ({len(estimates)} estimates)\n")
    per_call, calls = _seconds(lambda: per_call_estimates(load_country()))
    line(f"per-call path: {calls} calls, a design built for each", per_call,
         f"-> store cold is {per_call / cold:.0f}x faster, warm {per_call / max(warm, 1e-6):.0f}x")
    line("reproduction ledger (750 numbers), store warm", _seconds(lambda: build_ledger(load_country()))[0])
    line("generate the synthetic survey", _seconds(lambda: generate())[0])

    out.write("\nBuilding the book (virtual environment present)\n")
    shutil.rmtree(BUILD_DIR, ignore_errors=True)
    read_store.cache_clear()
    clean = line("make book, clean (no _build)", _make("book"))
    noop = line("make book, nothing changed", _make("book"))
    for notebook in (REPO_ROOT / "notebooks").glob("*.ipynb"):
        notebook.touch()  # as a checkout does: newer files, same content
    line("make book, notebooks touched (content hashes checked, HTML re-rendered)", _make("book"))
    with tempfile.TemporaryDirectory() as tmp:
        book = _book_copy(Path(tmp) / "book")
        _clear_store()
        jb_cold = line("jupyter-book execute_notebooks: cache, cold (reference)", _jupyter_book_cached(book))
        jb_noop = line("jupyter-book execute_notebooks: cache, nothing changed", _jupyter_book_cached(book))
    out.write(f"\nclean make book / jupyter-book cached cold: {clean / jb_cold:.2f} (below 1: faster)\n")
    out.write(f"no-op make book / jupyter-book cached no-op: {noop / jb_noop:.2f}\n")

    out.write("\nThe built book in headless chromium, served from 127.0.0.1 (decoded bytes; 1 kB = 1000 bytes)\n")
    report_pages(measure_pages(HTML_DIR), out)

    out.write("\nVariant books (variants/*.yml: every page executed with the variant's parameters, rendered, ledger)\n")
    shutil.rmtree(VARIANT_BUILD_DIR, ignore_errors=True)
    for name in sorted(p.stem for p in VARIANTS_DIR.glob("*.yml")):
        seconds = line(f"variant {name}, clean", _seconds(lambda: build_variant(name, show_progress=False))[0])
        out.write(f"{'':<58} {seconds / clean:8.2f}x a clean make book\n")
    line("variant confidence-90 again, nothing changed (pages skipped, HTML re-rendered)",
         _seconds(lambda: build_variant("confidence-90", show_progress=False))[0])
    out.write(f"\n{'max resident set size, this process':<58} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.0f} MiB\n")
    out.write(f"{'max resident set size, largest child process':<58} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:8.0f} MiB\n")
    out.write("\nThe tests\n")
    line("make test (venv present, book built)", _make("test"))
