"""The notebooks' parameters: what each page accepts, and one check per parameter.

A page's parameters are the assignments of its ``parameters`` cell (name, default and the
comment after it), read from the notebook itself so they are written down once. Every value,
whether it comes from the command line, a variant file or a cell edited in JupyterLab, goes
through the check of its name below before any cell of the page runs; the library's own
functions call the same checks, so a parameter means one thing everywhere.
"""
from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from ..config import BREAKDOWNS, NOTEBOOK_DIR, data_root
from .errors import parameter_error
from .published import AUDIENCES, country_dir, load_table

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"  # papermill's cell of overrides: never kept in a committed notebook


# ---------------------------------------------------------------- one check per parameter
def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def check_country(country, root: Path | str | None = None) -> str:
    """A folder under ``data/`` (its metadata are checked when first read)."""
    country_dir(country, root)
    return country


def check_confidence(confidence) -> float:
    """Confidence level of the intervals, at least 0.5 and below 1."""
    if not _is_number(confidence) or not 0.5 <= float(confidence) < 1:
        raise parameter_error("confidence", confidence, "a number in [0.5, 1), e.g. 0.95")
    return float(confidence)


def check_min_base(min_base) -> int:
    """Bases below this are shown as counts (the report uses 50)."""
    if not _is_number(min_base) or min_base != int(min_base) or min_base < 1:
        raise parameter_error("min_base", min_base, "a whole number of at least 1 (the report uses 50)")
    return int(min_base)


def check_min_difference(min_difference) -> float:
    """Gaps below this many points are not called differences (the report uses 5)."""
    if not _is_number(min_difference) or not 0 <= min_difference <= 100:
        raise parameter_error("min_difference", min_difference, "percentage points between 0 and 100 (the report uses 5)")
    return float(min_difference)


def check_flag(name: str, value) -> bool:
    """A switch: True or False, nothing that merely looks like one."""
    if not isinstance(value, bool):
        raise parameter_error(name, value, "True or False")
    return value


def _list_of(name: str, value, known: tuple[str, ...] | list[str], example: str, single: bool = False) -> list[str] | None:
    if value is None:
        return None
    given = value
    if isinstance(value, str) and single:
        value = [value]
    if isinstance(value, str):
        raise parameter_error(name, value, f"None or a list such as {example}, not a single text (it would be read letter by letter)")
    if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
        raise parameter_error(name, value, f"None or a non-empty list of texts such as {example}")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise parameter_error(name, given, f"None or {'one or more' if single else 'a list'} of " + ", ".join(known)
                              + f" (unknown: {', '.join(unknown)})")
    return list(value)


def check_breakdowns(breakdowns) -> list[str] | None:
    """None (each figure's own) or a list of the survey's breakdowns."""
    return _list_of("breakdowns", breakdowns, BREAKDOWNS, '["total", "area"]')


def check_audience(audience) -> list[str] | None:
    """None (every audience), one audience or a list of them."""
    return _list_of("audience", audience, AUDIENCES, '["government", "industry"]', single=True)


def check_themes(themes, known: list[str]) -> list[str] | None:
    """None (every theme) or a list of the excerpts' themes (``known``: the country's)."""
    return _list_of("themes", themes, sorted(known), '["courts and legal aid"]')


def check_population(population) -> float | None:
    """None (the country's metadata) or the number of children aged 12-17."""
    if population is None:
        return None
    if not _is_number(population) or population <= 0:
        raise parameter_error("population_12_17", population, "None or a positive number of children")
    return float(population)


def _excerpt_themes(country: str, root: Path | str | None) -> list[str]:
    return sorted(set(load_table("excerpts", country, root)["theme"]))


@dataclass(frozen=True)
class Kind:
    """What a parameter accepts (shown by ``--help``) and its check, given the values already checked."""

    accepts: str
    check: Callable[[object, Mapping, Path | str | None], object]


KINDS: dict[str, Kind] = {
    "country": Kind("a folder under data/", lambda v, done, root: check_country(v, root)),
    "confidence": Kind("number in [0.5, 1)", lambda v, done, root: check_confidence(v)),
    "min_base": Kind("whole number >= 1", lambda v, done, root: check_min_base(v)),
    "min_difference": Kind("points, 0-100", lambda v, done, root: check_min_difference(v)),
    "show_modelled": Kind("True/False", lambda v, done, root: check_flag("show_modelled", v)),
    "show_excerpts": Kind("True/False", lambda v, done, root: check_flag("show_excerpts", v)),
    "breakdowns": Kind("None or list of " + "/".join(BREAKDOWNS), lambda v, done, root: check_breakdowns(v)),
    "audience": Kind("None, one or a list of audiences", lambda v, done, root: check_audience(v)),
    "themes": Kind("None or list of excerpt themes",
                   lambda v, done, root: check_themes(v, _excerpt_themes(done["country"], root)) if v is not None else None),
    "population_12_17": Kind("None or number > 0", lambda v, done, root: check_population(v)),
}


# ---------------------------------------------------------------- a page's parameters
@dataclass(frozen=True)
class Parameter:
    """One assignment of a page's ``parameters`` cell."""

    name: str
    default: object
    comment: str

    @property
    def accepts(self) -> str:
        return KINDS[self.name].accepts


def notebook_path(notebook: Path | str) -> Path:
    """A page by path or by name (``01_children_online``); a clear error listing the pages."""
    path = Path(notebook)
    if not path.suffix:
        path = NOTEBOOK_DIR / f"{path.name}.ipynb"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")))
        raise parameter_error("notebook", str(notebook), f"a notebook of the book ({known})")
    return path


def parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The cell tagged ``parameters`` (exactly one)."""
    cells = [c for c in nb.cells if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"expected one cell tagged {PARAMETERS_TAG!r}, found {len(cells)}")
    return cells[0]


def notebook_parameters(notebook: Path | str) -> dict[str, Parameter]:
    """Name -> default and comment, from the notebook's own ``parameters`` cell."""
    path = notebook_path(notebook)
    source = parameters_cell(nbformat.read(path, as_version=4)).source
    lines = source.splitlines()
    found = {}
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            raise ValueError(f"{path.name}: the parameters cell may hold only NAME = value lines")
        name = node.targets[0].id
        if name not in KINDS:
            raise ValueError(f"{path.name}: parameter {name!r} has no check in dharm.io.parameters.KINDS")
        comment = " ".join(line.split("#", 1)[1].strip() for line in lines[node.lineno - 1:node.end_lineno] if "#" in line)
        found[name] = Parameter(name, ast.literal_eval(node.value), comment)
    return found


def parse_value(name: str, text: str):
    """A value typed on the command line: YAML, so ``0.9``, ``[total, area]``, ``true`` and ``None`` all read as meant."""
    if text.strip() in ("None", "none", "null", "~"):
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "cannot be read"
        raise parameter_error(name, text, f"a value written as in YAML or JSON ({problem}), e.g. 0.9, 30, true, "
                                          '[total, area] or \'["total", "area"]\'') from None


def check_parameters(notebook: Path | str, values: Mapping[str, object], root: Path | str | None = None) -> dict[str, object]:
    """Every parameter of the page, defaults overridden by ``values``, each checked; unknown names refused."""
    declared = notebook_parameters(notebook)
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise parameter_error(unknown[0], values[unknown[0]],
                              f"a parameter of {notebook_path(notebook).stem}: " + ", ".join(declared))
    merged = {name: values.get(name, p.default) for name, p in declared.items()}
    checked: dict[str, object] = {}
    for name in sorted(merged, key=lambda n: n != "country"):  # the country first: other checks read its data
        KINDS[name].check(merged[name], checked, data_root(root))
        checked[name] = merged[name]
    return {name: checked[name] for name in declared}


def check_page_parameters(notebook: str, namespace: Mapping[str, object]) -> None:
    """A page's first step: check the values its parameters cell (or papermill, or an edit) left in ``namespace``."""
    declared = notebook_parameters(notebook)
    check_parameters(notebook, {name: namespace[name] for name in declared})
