"""Commands that build the book's parts: estimates, notebooks, ledger, synthetic data, PDFs, benchmark."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from .benchmark import run_benchmark
from .build import RunFailed, build_notebooks, run_notebook
from .config import BUILD_DIR, DEFAULT_COUNTRY, NOTEBOOK_DIR, REPO_ROOT
from .io.country import load_country
from .io.errors import DataValidationError
from .io.microdata import check_survey_exports
from .io.parameters import notebook_parameters, notebook_path, parse_value
from .ledger import build_ledger, ledger_summary, write_ledger
from .pdf import BOOK_PDF, PDF_DIR, ChartsNotDrawn, join_pdfs, publish_pdfs, render_pdfs, toc_docnames
from .release import ReleaseRefused
from .release import release as cut_release
from .stats.store import estimate_store
from .synthetic import generate, write
from .variants import VARIANTS_DIR, build_variant

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


def parameters_help() -> str:
    """Each page's parameters, what they accept and their defaults, from the pages' own parameters cells."""
    pages = []
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        described = "; ".join(f"{p.name} ({p.accepts}; default {p.default!r})" for p in notebook_parameters(path).values())
        pages.append(f"{path.stem}: {described}.")
    return "Parameters of each notebook:\n\n" + "\n\n".join(pages)


def parse_parameter_args(args: list[str]) -> dict[str, object]:
    """``-p NAME VALUE`` pairs (papermill's form; ``-p NAME=VALUE`` also works), values read as YAML."""
    parameters: dict[str, object] = {}
    rest = list(args)
    while rest:
        flag = rest.pop(0)
        if flag not in ("-p", "--parameter"):
            raise typer.BadParameter(f"got {flag!r}; expected -p NAME VALUE")
        if not rest:
            raise typer.BadParameter("-p needs a NAME and a VALUE")
        name = rest.pop(0)
        if "=" in name:
            name, value = name.split("=", 1)
        elif rest:
            value = rest.pop(0)
        else:
            raise typer.BadParameter(f"-p {name} needs a VALUE")
        parameters[name] = parse_value(name, value)
    return parameters


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True}, epilog=parameters_help())
def run(ctx: typer.Context,
        notebook: Annotated[str, typer.Argument(help="a page: its path or its name, e.g. 01_children_online")],
        name: Annotated[str | None, typer.Option(help="folder under _build/runs/ (default: from the parameters)")] = None) -> None:
    """Rerun one notebook with other parameters into _build/runs/NAME/; the book's notebooks are never touched.

    Give parameters as -p NAME VALUE (repeatable), values as in YAML: -p confidence 0.9 -p breakdowns "[total, area]"
    -p show_modelled true -p audience industry. Every value is checked before any cell runs.
    """
    try:
        path = notebook_path(notebook)
        output = run_notebook(path, parse_parameter_args(ctx.args), name)
    except (ValueError, RunFailed) as exc:  # a bad parameter or a failed cell: one clear line, no traceback
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"wrote {output.relative_to(REPO_ROOT)} and its parameters and ledger beside it")


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
def release(version: Annotated[str, typer.Argument(help="the new edition's version, e.g. 0.2.0")]) -> None:
    """Cut an edition: refuses a dirty tree or failing tests; stamps CITATION.cff, keeps the ledger and estimates, writes CHANGES.md."""
    try:
        commands = cut_release(version)
    except (ReleaseRefused, ValueError) as exc:
        typer.echo(f"release refused: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"edition {version} stamped (CITATION.cff, CHANGES.md, editions/{version}.csv; "
               f"_build/editions/{version}/). Commit and tag it:\n  {commands}")


@app.command()
def benchmark() -> None:
    """Speed and memory, side by side in one run (store against per-call, build against jupyter-book's cache)."""
    run_benchmark(sys.stdout)


@app.command()
def variant(names: Annotated[list[str] | None, typer.Argument(help="variants (files variants/<name>.yml); default: all")] = None,
            workers: int = 2) -> None:
    """Build variant books into _build/variants/NAME/html (the book's notebooks are not touched)."""
    chosen = names or sorted(p.stem for p in VARIANTS_DIR.glob("*.yml"))
    for name in chosen:
        try:
            html_dir, outcomes, seconds = build_variant(name, workers)
        except (ValueError, RuntimeError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        ran = sum(o.status == "executed" for o in outcomes)
        typer.echo(f"variant {name}: {html_dir.relative_to(REPO_ROOT)} ({ran} pages executed, {seconds:.1f} s)")


@app.command()
def pdf() -> None:
    """Print every page of the built book (_build/html, `make book`) and the whole book to _build/pdf/, and copy
    them into _build/html/_pdf/, where each page's Download menu links them."""
    docnames = toc_docnames()
    start = time.perf_counter()
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                      TimeElapsedColumn()) as progress:
            task = progress.add_task("printing pages", total=len(docnames))

            def done(item) -> None:
                progress.advance(task)
                progress.console.print(f"{item.path.name:>26}: {item.pages:3d} pages, {item.charts:2d} charts, "
                                       f"{item.size / 1e6:5.2f} MB, {item.seconds:4.1f} s")

            printed = render_pdfs(docnames=docnames, on_page=done)
    except (FileNotFoundError, ChartsNotDrawn) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    book = PDF_DIR / BOOK_PDF
    pages = join_pdfs(printed, book)
    published = publish_pdfs()
    typer.echo(f"wrote {book.relative_to(REPO_ROOT)}: {pages} pages, {book.stat().st_size / 1e6:.2f} MB; "
               f"{len(printed)} page PDFs, copied to {published.relative_to(REPO_ROOT)} "
               f"({time.perf_counter() - start:.1f} s)")
