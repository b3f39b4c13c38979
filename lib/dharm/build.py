"""Execute the chapter notebooks with papermill, in parallel, leaving no volatile metadata.

``python -m dharm.build execute notebooks/*.ipynb`` runs each notebook in place with its
default parameters (or ``-p name value`` overrides) and strips papermill's timestamps,
so a rebuild with unchanged inputs leaves the committed notebooks byte-identical.
"""
from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import papermill as pm

VOLATILE_NOTEBOOK_KEYS = ("start_time", "end_time", "duration", "exception", "input_path", "output_path")


def clean_metadata(path: Path) -> None:
    """Drop papermill's timing and path fields from a notebook and its cells."""
    nb = nbformat.read(path, as_version=4)
    pm_meta = nb.metadata.get("papermill", {})
    for key in VOLATILE_NOTEBOOK_KEYS:
        pm_meta.pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)


def execute(notebook: Path, output: Path | None = None, parameters: dict | None = None) -> float:
    """Run one notebook (kernel in its own folder); return the seconds it took."""
    start = time.perf_counter()
    output = output or notebook
    pm.execute_notebook(str(notebook), str(output), parameters=parameters or {}, cwd=str(notebook.parent),
                        kernel_name="python3", progress_bar=False)
    clean_metadata(output)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute")
    run.add_argument("notebooks", nargs="+", type=Path)
    run.add_argument("-p", nargs=2, action="append", metavar=("NAME", "JSON_VALUE"), default=[],
                     help="parameter override, value as JSON (e.g. -p confidence 0.9)")
    run.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    params = {name: json.loads(value) for name, value in args.p}
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = {nb: pool.submit(execute, nb, None, params) for nb in args.notebooks}
        for nb, fut in futures.items():
            print(f"executed {nb} in {fut.result():.1f} s")
    print(f"all notebooks: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
