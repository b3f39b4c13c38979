"""Read a CSV and validate it against a declared pandera schema.

Schemas are declared with a few column helpers (``text``, ``choice``, ``number``,
``matching``) whose ``description`` says what a valid cell is; checks that involve
several columns or other files are ``row_rule``s. Whatever pandera finds, the first
failure (lowest row, then column order) becomes one :class:`DataValidationError` in the
form of :func:`dharm.io.errors.file_error`; :func:`failures` lists them all (for a check
that reports every problem at once, :mod:`dharm.io.microdata`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
    tests = [lambda v: ~v.isin((np.inf, -np.inf))]  # 'inf' reads as a number
    if lo is not None or hi is not None:
        tests.append((lambda v: v.isna() | ((v > low) & (v <= high))) if exclusive else (lambda v: v.isna() | v.between(low, high)))
    if integer:
        tests.append(lambda v: v.isna() | (v == v.round()))
    if allowed is not None:
        tests.append(lambda v: v.isna() | v.isin(allowed))
    def valid(s: pd.Series) -> pd.Series:
        # One check (they share the description; one is faster than several on hundreds of columns). A cell
        # that is no number at all fails the conversion and is reported there; the check then sees the column
        # as text, so it reads the cells as numbers itself and leaves such cells to that report.
        values = pd.to_numeric(s, errors="coerce")
        ok = tests[0](values)
        for test in tests[1:]:
            ok &= test(values)
        return ok
    return pa.Column(float, pa.Check(valid, error=description), coerce=True, nullable=not required, parsers=_EMPTY_TO_NAN,
                     description=description)


def matching(pattern: str, description: str, required: bool = True) -> pa.Column:
    """A text column whose cells match a regular expression (or are empty, when not ``required``)."""
    compiled = re.compile(pattern)
    return pa.Column(str, pa.Check(lambda s: s.map(lambda v: bool(compiled.fullmatch(v)) or (v == "" and not required)),
                                   error=description), description=description)


Explain = Callable[[pd.DataFrame, int], str]


def row_rule(column: str, rule: Callable[[pd.DataFrame], pd.Series], expected: str,
             explain: Explain | None = None) -> pa.Check:
    """A check over whole rows (several columns, or other files); a failure blames ``column``.

    ``explain(frame, row)`` may add what only the failing row can say (the other row holding a
    duplicate, the only PSU of a stratum); it reads the file as read, every cell as text.
    """
    check = pa.Check(rule, error=f"{column}{RULE_SEPARATOR}{expected}")
    check.explain = explain
    return check


FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every cell as text, empty cells as empty strings: validation decides what they mean.

    UTF-8 with or without a byte-order mark, LF or CRLF line ends and trailing blank lines all
    read the same; an empty file, a header without rows, another delimiter than ',' or
    another encoding than UTF-8 is an error naming the file.
    """
    if not path.is_file():
        raise DataValidationError(f"{where(path)}: file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise DataValidationError(f"{where(path)}: got an empty file; expected comma-separated values with a header") from None
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"{where(path)}: got a byte that is not UTF-8 text (byte {exc.start + 1} of the file); "
                                  "expected a CSV file saved as UTF-8") from None
    except pd.errors.ParserError as exc:
        fields = FIELDS.search(str(exc))
        if fields:  # line 1 is the header
            expected, line, saw = (int(x) for x in fields.groups())
            raise DataValidationError(f"{where(path, line - 1)}: got {saw} fields; expected {expected}, one per column "
                                      "of the header (a comma inside a text must be quoted)") from None
        raise DataValidationError(f"{where(path)}: got a file that cannot be read as CSV ({str(exc).strip()}); "
                                  "expected comma-separated values with a header") from None
    header = str(frame.columns[0]) if len(frame.columns) == 1 else ""
    wrong = next((sep for sep in (";", "\t", "|") if sep in header), None)
    if wrong:
        raise DataValidationError(f"{where(path)}: got a header separated by {wrong!r} ({header[:60]!r}); expected "
                                  "comma-separated values (the delimiter looks wrong: export with ',' between columns)")
    if frame.empty:
        raise DataValidationError(f"{where(path)}: got a header and no rows; expected at least one row under the header")
    return frame


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, path: Path) -> pd.DataFrame:
    """Validate ``frame`` (as read from ``path``); raise the first failure as a DataValidationError."""
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        shown = ", ".join(f"'{c}'" for c in missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        expected = ("the columns " + ", ".join(schema.columns) if len(schema.columns) <= 15
                    else f"the {len(schema.columns)} columns of its schema")
        raise DataValidationError(f"{where(path)}: got no column {shown}; expected {expected}")
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise first_failure(exc.failure_cases, schema, frame, path) from None


@dataclass(frozen=True)
class Failure:
    """One failed cell: ``row`` counts from 0 (None: a check that could not run). ``explain``, from
    a :func:`row_rule`, says what the failing row adds to ``expected``."""

    row: int | None
    column: str
    expected: str
    got: object
    explain: Explain | None = None
    rule: bool = False  # a row rule (several cells or rows), not a cell's own check

    def detail(self, frame: pd.DataFrame) -> str:
        return self.explain(frame, self.row) if self.explain is not None and self.row is not None else ""


def failures(cases: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[Failure]:
    """Every failure pandera found, in the order a reader should fix them: lowest row, then a cell's own
    checks before rules across cells and rows, then the schema's column order; checks that could not run
    at all come last. A row rule's failure is listed once per row (pandera lists it once per cell of the row)."""
    order = {c: i for i, c in enumerate(schema.columns)}
    rules = {c.error: getattr(c, "explain", None) for c in schema.checks}
    found, seen = [], set()
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
        if (row, column, expected) in seen:
            continue
        seen.add((row, column, expected))
        if row is None:
            found.append(Failure(None, column, expected, case.failure_case))
        else:
            found.append(Failure(row, column, expected, frame.at[row, column] if column in frame.columns else None, rules.get(check),
                                 RULE_SEPARATOR in check))
    found.sort(key=lambda f: (f.row is None, -1 if f.row is None else f.row, f.rule, order.get(f.column, len(order))))
    return found


def first_failure(cases: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame, path: Path) -> DataValidationError:
    """The failure a reader should fix first: lowest row, then the schema's column order.

    A check that could not run at all (usually because a cell it reads failed its own check)
    is reported only when no cell failed.
    """
    first = failures(cases, schema, frame)[0]
    if first.row is None:
        return DataValidationError(f"{where(path, column=first.column)}: the check for {first.expected} could not run ({first.got})")
    return file_error(path, first.row + 1, first.column, first.got, first.expected + first.detail(frame))
