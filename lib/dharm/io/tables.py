"""Read a CSV and validate it against a declared pandera schema.

Schemas are declared with a few column helpers (``text``, ``choice``, ``number``,
``matching``) whose ``description`` says what a valid cell is; checks that involve
several columns or other files are ``row_rule``s. Whatever pandera finds, the first
failure (lowest row, then column order) becomes one :class:`DataValidationError` in the
form of :func:`dharm.io.errors.file_error`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .errors import DataValidationError, file_error, where

RULE_SEPARATOR = "\x1f"  # between the blamed column and the expectation in a row rule's error text
_EMPTY_TO_NAN = pa.Parser(lambda s: s.replace("", np.nan))


def text(description: str = "a non-empty text", required: bool = True, unique: bool = False) -> pa.Column:
    """A text column; ``required`` cells may not be empty."""
    checks = [pa.Check(lambda s: s.str.strip() != "", error=description)] if required else []
    return pa.Column(str, checks, unique=unique, description=description)


def choice(values: Iterable[str], required: bool = True, description: str | None = None) -> pa.Column:
    """A column whose cells are one of ``values`` (or empty, when not ``required``)."""
    allowed = tuple(values)
    description = description or "one of " + ", ".join(repr(v) for v in allowed) + ("" if required else ", or empty")
    ok = set(allowed) | (set() if required else {""})
    return pa.Column(str, pa.Check(lambda s: s.isin(ok), error=description), description=description)


def number(lo: float | None = None, hi: float | None = None, required: bool = True, integer: bool = False,
           description: str | None = None, exclusive: bool = False, allowed: tuple | None = None) -> pa.Column:
    """A numeric column (read as float; empty cells become missing when not ``required``).

    ``lo``/``hi`` bound it (``exclusive``: strictly above ``lo``); ``allowed`` lists the only values it may take.
    """
    kind = "a whole number" if integer else "a number"
    bounds = (f" from {lo:g} to {hi:g}" if lo is not None and hi is not None else
              f" above {lo:g}" if lo is not None and exclusive else
              f" of at least {lo:g}" if lo is not None else f" of at most {hi:g}" if hi is not None else "")
    description = description or kind + bounds + ("" if required else ", or empty")
    low, high = -np.inf if lo is None else lo, np.inf if hi is None else hi
    checks = []
    if lo is not None or hi is not None:
        inside = (lambda s: s.isna() | ((s > low) & (s <= high))) if exclusive else (lambda s: s.isna() | s.between(low, high))
        checks.append(pa.Check(inside, error=description))
    if integer:
        checks.append(pa.Check(lambda s: s.isna() | (s == s.round()), error=description))
    if allowed is not None:
        checks.append(pa.Check(lambda s: s.isna() | s.isin(allowed), error=description))
    return pa.Column(float, checks, coerce=True, nullable=not required, parsers=_EMPTY_TO_NAN, description=description)


def matching(pattern: str, description: str, required: bool = True) -> pa.Column:
    """A text column whose cells match a regular expression (or are empty, when not ``required``)."""
    compiled = re.compile(pattern)
    return pa.Column(str, pa.Check(lambda s: s.map(lambda v: bool(compiled.fullmatch(v)) or (v == "" and not required)),
                                   error=description), description=description)


def row_rule(column: str, rule: Callable[[pd.DataFrame], pd.Series], expected: str) -> pa.Check:
    """A check over whole rows (several columns, or other files); a failure blames ``column``."""
    return pa.Check(rule, error=f"{column}{RULE_SEPARATOR}{expected}")


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every cell as text, empty cells as empty strings: validation decides what they mean."""
    if not path.is_file():
        raise DataValidationError(f"{where(path)}: file not found")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises many parser errors; report them in one form
        raise DataValidationError(f"{where(path)}: got a file that cannot be read as CSV ({exc}); expected comma-separated values with a header") from exc


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    """Validate ``frame`` (as read from ``path``); raise the first failure as a DataValidationError."""
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        shown = ", ".join(f"'{c}'" for c in missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        expected = ", ".join(schema.columns) if len(schema.columns) <= 15 else f"the {len(schema.columns)} columns of its schema"
        raise DataValidationError(f"{where(path)}: got no column {shown}; expected the columns {expected}")
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise first_failure(exc.failure_cases, schema, frame, path) from None


def first_failure(cases: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame, path: Path) -> DataValidationError:
    """The failure a reader should fix first: lowest row, then the schema's column order.

    A check that could not run at all (usually because a cell it reads failed its own check)
    is reported only when no cell failed.
    """
    order = {c: i for i, c in enumerate(schema.columns)}
    best = None
    for case in cases.itertuples(index=False):
        check = str(case.check)
        column = case.column
        if RULE_SEPARATOR in check:
            column, expected = check.split(RULE_SEPARATOR, 1)
        elif check in ("not_nullable", "field_uniqueness") or check.startswith(("coerce_dtype", "dtype", "isin", "in_range")):
            spec = schema.columns.get(column)
            expected = "a value that appears only once in the column" if check == "field_uniqueness" else \
                (spec.description if spec is not None and spec.description else "a valid value")
        else:
            expected = check
        row = None if case.index is None or pd.isna(case.index) else int(case.index)
        key = (row is None, -1 if row is None else row, order.get(column, len(order)))
        if best is None or key < best[0]:
            best = (key, row, column, expected, case.failure_case)
    _, row, column, expected, failure = best
    if row is None:
        return DataValidationError(f"{where(path, column=column)}: the check for {expected} could not run ({failure})")
    got = frame.at[row, column] if column in frame.columns else None
    return file_error(path, row + 1, column, got, expected)
