"""Execute the book's notebooks with papermill, skipping those whose inputs have not changed.

A notebook's inputs are its cells' source, the parameters it runs with, the library's code,
the data and the pinned requirements; their hash is recorded under ``_build/executed/`` with
the hash of the notebook it produced. A notebook whose inputs and committed file both match
the record is not run again, as jupyter-book's own cache would skip it. The first notebook to
need the estimate store computes it; the others wait for it (see :mod:`dharm.stats.store`). Runs write to a
temporary file first: the committed notebook is replaced only by a successful run, and only
when its bytes change, so a rebuild with nothing changed leaves it untouched.

Every run starts from the notebook's own cells with any papermill ``injected-parameters``
cell removed, so an override given once never survives into a later build. An analyst's
rerun (:func:`run_notebook`) checks its parameters before any cell runs and writes under
``_build/runs/<name>/``, never into ``notebooks/``.
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill as pm
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from .config import BUILD_DIR, DATA_ROOT, DEFAULT_COUNTRY, LIBRARY_DIR, REPO_ROOT, page_key
from .io.country import load_country
from .io.parameters import INJECTED_TAG, check_parameters
from .ledger import build_ledger, page_ledger, write_ledger
from .present.notices import prune_page
from .stats.rules import ReportingRules

VOLATILE_NOTEBOOK_KEYS = ("start_time", "end_time", "duration", "exception", "input_path", "output_path")
RECORD_DIR = BUILD_DIR / "executed"
RUNS_DIR = BUILD_DIR / "runs"
KERNEL = "python3"


@dataclass(frozen=True)
class Outcome:
    """What happened to one notebook: ``unchanged`` (skipped), ``executed`` or ``failed``."""

    notebook: Path
    status: str
    seconds: float = 0.0
    message: str = ""


def _digest(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def source_digest(notebook: Path) -> str:
    """The notebook's cells (type, source, tags) and kernel: what a run executes, not what it printed."""
    nb = nbformat.read(notebook, as_version=4)
    cells = [[c.cell_type, c.source, sorted(c.metadata.get("tags", []))] for c in nb.cells]
    return _digest([json.dumps([cells, nb.metadata.get("kernelspec", {}).get("name", "")]).encode()])


def tree_digest(files: list[Path]) -> str:
    """The names and bytes of some files (the library, the data)."""
    files = sorted(files)
    return _digest([str(p.relative_to(REPO_ROOT)).encode() + b"\0" + p.read_bytes() for p in files])


def environment_digest() -> str:
    """The library's code, the data and the pinned requirements: the inputs shared by every notebook."""
    library = [p for p in LIBRARY_DIR.rglob("*.py")] + [LIBRARY_DIR.parent / "pyproject.toml"]
    data = [p for p in DATA_ROOT.rglob("*") if p.is_file()]
    return _digest([tree_digest(library).encode(), tree_digest(data).encode(), (REPO_ROOT / "requirements.txt").read_bytes()])


def inputs_digest(notebook: Path, parameters: dict, environment: str) -> str:
    """Everything one notebook's outputs depend on."""
    return _digest([source_digest(notebook).encode(), json.dumps(parameters, sort_keys=True).encode(), environment.encode()])


def _record_path(notebook: Path, record_dir: Path) -> Path:
    return record_dir / f"{notebook.stem}.json"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_current(notebook: Path, inputs: str, record_dir: Path = RECORD_DIR) -> bool:
    """True when the notebook was produced from these inputs and has not been edited since."""
    record = _record_path(notebook, record_dir)
    if not record.is_file():
        return False
    saved = json.loads(record.read_text())
    return saved.get("inputs") == inputs and saved.get("output") == _file_digest(notebook)


def clean_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop papermill's timing and path fields from a notebook and its cells."""
    pm_meta = nb.metadata.get("papermill", {})
    for key in VOLATILE_NOTEBOOK_KEYS:
        pm_meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    return nb


class RunFailed(RuntimeError):
    """A notebook run that stopped: which notebook, which cell and why; nothing was written."""


def without_injected_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without papermill's cells of overrides: a run starts from the page's own parameters."""
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.metadata.get("tags", [])]
    return nb


def _failure(notebook: Path, exc: Exception, cells: list) -> RunFailed:
    """The notebook, the cell as numbered in the page itself (papermill's own cell not counted) and the error."""
    if isinstance(exc, pm.PapermillExecutionError):
        first_line = next((line for line in exc.source.splitlines() if line.strip() and not line.startswith("#")), "")
        number = next((i + 1 for i, c in enumerate(cells) if c.source == exc.source), exc.cell_index + 1)
        where = f"cell {number} (`{first_line[:70]}`)"
        return RunFailed(f"{notebook.name}: {where} failed: {exc.ename}: {exc.evalue}")
    return RunFailed(f"{notebook.name}: {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class Prune:
    """Hold an executed copy's prose to what its country publishes (see :func:`dharm.present.unpublished.prune_page`)."""

    country_name: str
    foreign: bool  # the prose was written about another country

    @classmethod
    def for_country(cls, country: str) -> Prune:
        return cls(load_country(country).metadata.name, country != DEFAULT_COUNTRY)


def execute(notebook: Path, output: Path, parameters: dict | None = None, prune: Prune | None = None) -> float:
    """Run ``notebook`` (kernel in its own folder) into ``output``, via temporary files; return the seconds.

    ``output`` is written only when the run succeeds, and only if its bytes change; a failed or
    interrupted run leaves it (and the notebook) as they were and raises :class:`RunFailed`.
    ``prune`` applies to copies only: a page executed in place keeps its own prose.
    """
    start = time.perf_counter()
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.stem}.{os.getpid()}.tmp.ipynb")
    source = output.with_name(f".{output.stem}.{os.getpid()}.source.ipynb")
    cells: list = []
    try:
        page = without_injected_cells(nbformat.read(notebook, as_version=4))
        cells = page.cells
        nbformat.write(page, source)
        pm.execute_notebook(str(source), str(tmp), parameters=parameters or {}, cwd=str(notebook.parent),
                            kernel_name=KERNEL, progress_bar=False, request_save_on_cell_execute=False)
        executed = clean_metadata(nbformat.read(tmp, as_version=4))
        if prune is not None and output.resolve() != notebook.resolve():
            executed = prune_page(executed, prune.country_name, prune.foreign)
        nbformat.write(executed, tmp)
        if output.is_file() and output.read_bytes() == tmp.read_bytes():
            tmp.unlink()
        else:
            tmp.replace(output)
    except (pm.PapermillExecutionError, RuntimeError, OSError, ValueError) as exc:
        raise _failure(notebook, exc, cells) from exc
    finally:
        tmp.unlink(missing_ok=True)
        source.unlink(missing_ok=True)
    return time.perf_counter() - start


@dataclass(frozen=True)
class Job:
    """One notebook to execute into ``output`` (itself, for the book) with its parameters."""

    notebook: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    prune: Prune | None = None


KERNEL_START_FAILURE = "Kernel died before replying to kernel_info"  # a kernel that never started: run once more


def _run_job(job: Job, inputs: str, record_dir: Path) -> Outcome:
    try:
        try:
            seconds = execute(job.notebook, job.output, job.parameters, job.prune)
        except RunFailed as exc:
            if KERNEL_START_FAILURE not in str(exc):
                raise
            seconds = execute(job.notebook, job.output, job.parameters, job.prune)
    except RunFailed as exc:
        return Outcome(job.notebook, "failed", message=str(exc))
    record_dir.mkdir(parents=True, exist_ok=True)
    _record_path(job.output, record_dir).write_text(json.dumps({"inputs": inputs, "output": _file_digest(job.output)}))
    return Outcome(job.notebook, "executed", seconds)


def run_jobs(jobs: list[Job], workers: int = 2, force: bool = False, show_progress: bool = True,
             record_dir: Path = RECORD_DIR) -> list[Outcome]:
    """Execute, in parallel, the jobs whose inputs (cells, parameters, library, data) changed (all with ``force``)."""
    environment = environment_digest()
    inputs = [inputs_digest(job.notebook, job.parameters | ({"prune": str(job.prune)} if job.prune else {}), environment)
              for job in jobs]
    todo = [k for k, job in enumerate(jobs) if force or not is_current(job.output, inputs[k], record_dir)]
    outcomes = [Outcome(job.notebook, "unchanged") for k, job in enumerate(jobs) if k not in todo]
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), disable=not show_progress or not todo) as progress:
        task = progress.add_task("executing notebooks", total=len(todo))
        # spawn, not fork: a fork of a process that has started threads (polars, in a caller) can deadlock
        with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_run_job, jobs[k], inputs[k], record_dir) for k in todo]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                progress.advance(task)
                progress.console.print(f"{outcome.status:>9} {outcome.notebook.name}"
                                       + (f" in {outcome.seconds:.1f} s" if outcome.seconds else "")
                                       + (f": {outcome.message}" if outcome.message else ""))
    order = {job.notebook: i for i, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.notebook])


def build_notebooks(notebooks: list[Path], jobs: int = 2, force: bool = False, show_progress: bool = True,
                    record_dir: Path = RECORD_DIR) -> list[Outcome]:
    """Execute the book's notebooks in place, in parallel, skipping those whose inputs have not changed."""
    return run_jobs([Job(nb, nb) for nb in notebooks], jobs, force, show_progress, record_dir)


def run_name(parameters: dict) -> str:
    """A folder name that says what a rerun changed, e.g. ``confidence-0.9_min_base-30``."""
    if not parameters:
        return "defaults"
    parts = [f"{k}-{json.dumps(v) if not isinstance(v, str) else v}" for k, v in sorted(parameters.items())]
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in "_".join(parts))[:120]


def page_rules(checked: dict) -> ReportingRules:
    """The reporting rules a page runs with, from its checked parameters (defaults for those it lacks)."""
    fields = ("confidence", "min_base", "min_difference", "show_modelled")
    return ReportingRules(**{k: checked[k] for k in fields if k in checked})


def run_notebook(notebook: Path, parameters: dict, name: str | None = None, runs_dir: Path = RUNS_DIR) -> Path:
    """An analyst's rerun with other parameters, under ``_build/runs/<name>/``; ``notebooks/`` is never written.

    The parameters are checked before any cell runs. Beside the executed notebook go the
    parameters it ran with and the ledger of its page under those parameters.
    """
    checked = check_parameters(notebook, parameters)
    folder = runs_dir / (name or run_name(parameters))
    output = folder / notebook.name
    execute(notebook, output, parameters, Prune.for_country(checked["country"]))
    (folder / f"{notebook.stem}.parameters.json").write_text(json.dumps(checked, indent=1, sort_keys=True) + "\n")
    ledger = build_ledger(load_country(checked["country"]), page_rules(checked))
    write_ledger(page_ledger(ledger, page_key(notebook.stem)), folder / f"{notebook.stem}.ledger.csv")
    return output
