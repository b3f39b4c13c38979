"""Commands that build the book's parts: estimates, notebooks, ledger, synthetic data, benchmark."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from .benchmark import run_benchmark
from .build import build_notebooks, run_notebook
from .config import BUILD_DIR, DEFAULT_COUNTRY, NOTEBOOK_DIR
from .io.country import load_country
from .io.errors import DataValidationError
from .io.microdata import check_survey_exports
from .ledger import build_ledger, ledger_summary, write_ledger
from .stats.store import estimate_store
from .synthetic import generate, write

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.command()
def estimates(country: str = DEFAULT_COUNTRY, confidence: float = 0.95) -> None:
    """Compute (or find) every survey estimate of the book for these data and this confidence level."""
    start = time.perf_counter()
    store = estimate_store(load_country(country), confidence)
    typer.echo(f"{store.path.relative_to(BUILD_DIR.parent)}: {len(store.estimates)} estimates "
               f"({time.perf_counter() - start:.1f} s)")


@app.command()
def notebooks(paths: Annotated[list[Path] | None, typer.Argument(help="notebooks (default: all of notebooks/)")] = None,
              jobs: int = 2, force: bool = False) -> None:
    """Execute the book's notebooks in place, skipping those whose inputs have not changed."""
    chosen = paths or sorted(NOTEBOOK_DIR.glob("*.ipynb"))
    start = time.perf_counter()
    outcomes = build_notebooks(chosen, jobs=jobs, force=force)
    ran = sum(o.status == "executed" for o in outcomes)
    typer.echo(f"notebooks: {ran} executed, {sum(o.status == 'unchanged' for o in outcomes)} unchanged "
               f"({time.perf_counter() - start:.1f} s)")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        for o in failed:
            typer.echo(f"FAILED {o.notebook}: {o.message}", err=True)
        raise typer.Exit(1)


@app.command()
def run(notebook: Path, p: Annotated[list[str] | None, typer.Option(
        "-p", help="NAME=JSON_VALUE, e.g. -p confidence=0.9 -p 'breakdowns=[\"total\",\"area\"]'")] = None,
        name: Annotated[str, typer.Option(help="folder under _build/runs/")] = "rerun") -> None:
    """Rerun one notebook with other parameters into _build/runs/NAME/ (the book's notebooks are not touched)."""
    parameters = {}
    for item in p or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"{item!r}: expected NAME=VALUE")
        try:
            parameters[key] = json.loads(value)
        except json.JSONDecodeError:
            parameters[key] = value  # an unquoted word is a string
    typer.echo(f"wrote {run_notebook(notebook, parameters, name)}")


@app.command()
def ledger(country: str = DEFAULT_COUNTRY, out: Path = BUILD_DIR / "reproduction.csv") -> None:
    """Write the reproduction ledger: every published number beside the computed one."""
    table = build_ledger(load_country(country))
    write_ledger(table, out)
    typer.echo(f"wrote {out}: {len(table)} published numbers; " +
               ", ".join(f"{r['status']}: {r['published numbers']}" for _, r in ledger_summary(table).iterrows()))


@app.command()
def check_microdata(files: Annotated[list[Path] | None, typer.Argument(
        help="survey exports to check (default: the country's survey files)")] = None,
        file: Annotated[str | None, typer.Option(
            help="children, caregivers or household_roster (default: inferred from the columns)")] = None,
        country: str = DEFAULT_COUNTRY) -> None:
    """Check survey microdata against the codebook before swapping it in: lists every problem; exit 1 if any."""
    try:
        reports = check_survey_exports(files or [], file, country)
    except (DataValidationError, ValueError) as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    for report in reports:
        typer.echo(report.text())
    if any(report.problems for report in reports):
        raise typer.Exit(1)


@app.command()
def synthetic(country: str = DEFAULT_COUNTRY, seed: int | None = None) -> None:
    """Regenerate the synthetic survey microdata from the published numbers and the assumptions."""
    for path in write(generate(country) if seed is None else generate(country, seed), country):
        typer.echo(f"wrote {path}")


@app.command()
def benchmark() -> None:
    """Speed and memory, side by side in one run (store against per-call, build against jupyter-book's cache)."""
    run_benchmark(sys.stdout)
