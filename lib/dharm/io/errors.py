"""One error type and one message form for bad input.

Every problem with a data file is reported as ``<file>, row <r>, column '<c>': got <value>;
expected <what was expected>`` (row 1 is the first line after the header), and every bad
parameter as ``parameter <name>=<value>: expected <what was expected>``, so a reader of
any error knows where to look and what to change.
"""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pydantic
import yaml

from ..config import REPO_ROOT

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)


class DataValidationError(ValueError):
    """An input file breaks its schema; the message names file, row and column."""


def where(path: Path | str, row: int | None = None, column: str | None = None) -> str:
    """``data/x.csv, row 3, column 'value'``: the place of a problem, paths shown from the repository."""
    path = Path(path)
    shown = str(path.relative_to(REPO_ROOT)) if path.is_absolute() and path.is_relative_to(REPO_ROOT) else str(path)
    parts = [shown]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


def file_error(path: Path | str, row: int | None, column: str | None, got, expected: str) -> DataValidationError:
    """The error for one bad cell (or row, or file) in the one form every loader uses."""
    shown = "an empty cell" if got == "" or got is None else repr(got)
    return DataValidationError(f"{where(path, row, column)}: got {shown}; expected {expected}")


def field_error(path: Path | str, exc) -> DataValidationError:
    """A YAML file that breaks its pydantic model, in the one form: ``<file>, field '<f>': got <v>; expected <what>``."""
    first = exc.errors()[0]
    field_name = ".".join(str(p) for p in first["loc"]) or "(file)"
    expected = first["msg"].removeprefix("Value error, ")
    return DataValidationError(f"{where(path)}, field '{field_name}': got {first.get('input')!r}; "
                               f"expected {expected[0].lower() + expected[1:]}")


def parameter_error(name: str, value, expected: str) -> ValueError:
    """The error for a bad parameter of a notebook or a library call."""
    return ValueError(f"parameter {name}={value!r}: expected {expected}")


class NotPublished(LookupError):
    """A number, table or figure the country's published data do not hold.

    Pages catch it and say "not published for <country>" instead of failing or borrowing
    another country's numbers; the default country's book must never raise it (a test checks).
    """

    def __init__(self, country_name: str, what: str):
        super().__init__(f"not published for {country_name}: {what}")
        self.country_name = country_name
        self.what = what



def validated_yaml(path: Path, model: type[ModelT], missing: str) -> ModelT:
    """A YAML file read into a pydantic ``model``: a missing file says what was expected (``missing``),
    a bad field is one :func:`field_error`."""
    if not path.is_file():
        raise DataValidationError(f"{where(path)}: file not found; expected {missing}")
    try:
        return model.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except pydantic.ValidationError as exc:
        raise field_error(path, exc) from None
