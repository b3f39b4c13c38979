"""Speed and memory of the book's main steps, side by side in one run (``make benchmark``).

Not a test: absolute times depend on the machine, so each comparison is printed with its
ratio, which holds on a noisy machine. Compared: every survey estimate through the store
(cold and warm) against the per-call path; a clean and a no-op ``make book``; jupyter-book's
own cached execution (``execute_notebooks: cache``) of the same notebooks, cold and no-op,
as the reference; each variant book against a clean ``make book``; peak memory.
"""
from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import TextIO

import yaml

from .config import BUILD_DIR, GROUPS, REPO_ROOT
from .io.country import load_country
from .ledger import build_ledger
from .stats.estimation import estimate_indicator
from .stats.store import compute_estimates, estimate_store, read_store
from .synthetic import generate
from .variants import VARIANT_BUILD_DIR, VARIANTS_DIR, build_variant

BOOK_FILES = ("_config.yml", "_toc.yml", "intro.md", "notebooks", "_static")


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
