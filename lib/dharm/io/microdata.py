"""Check a survey export against the codebook before it replaces the synthetic files.

A holder of the real microdata runs ``python -m dharm check-microdata FILE ...`` on each
exported file. The checks are the ones the book runs when it loads the survey files (the
pandera schema built from the codebook, :func:`dharm.io.survey.survey_schema`, and its skip
rules), plus the columns the codebook has and the file lacks, or the reverse. Loading stops at
the first problem; this check lists every problem at once, grouped by column and expectation,
with the first few rows of each and their count.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import DEFAULT_COUNTRY, SURVEY_FILES
from .errors import DataValidationError, parameter_error, where
from .published import country_dir
from .survey import (LINKS, Codebook, linked_ids, load_codebook, rule_names, skip_frame, skip_schema, survey_path,
                     survey_schema)
from .tables import Failure, failures, read_csv_text

NUMERIC_TYPES = ("weight", "numeric", "single")  # read as numbers: a cell that is not one is reported, then left out
ALLOWED_EXTRA = ("synthetic",)  # the synthetic files say so in a column of their own
SHOWN_ROWS = 5  # rows listed per problem


@dataclass(frozen=True)
class Problem:
    """One kind of problem in a file: a column (None for the file as a whole), what was expected,
    and the cells that broke it (row counted from 1 after the header, value as read, detail)."""

    column: str | None
    expected: str
    cells: tuple[tuple[int, object, str], ...] = ()

    def text(self) -> str:
        if self.column is None:
            return self.expected
        if not self.cells:
            return f"column '{self.column}': {self.expected}"
        shown = ", ".join(f"row {r} {'empty' if got == '' else repr(got)}{_aside(detail)}" for r, got, detail in self.cells[:SHOWN_ROWS])
        more = f" and {len(self.cells) - SHOWN_ROWS} more" if len(self.cells) > SHOWN_ROWS else ""
        rows = f"{len(self.cells)} row{'s' if len(self.cells) != 1 else ''}"
        return f"column '{self.column}': expected {self.expected}; {rows}: {shown}{more}"


def _aside(detail: str) -> str:
    """What a row adds to its expectation, in parentheses: ' (row 3 has it too)'."""
    detail = detail.strip().removeprefix(";").strip()
    if detail.startswith("(") and detail.endswith(")"):
        detail = detail[1:-1]
    return f" ({detail})" if detail else ""


@dataclass
class FileReport:
    """What the check found in one file."""

    path: Path
    file: str | None
    records: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self) -> str:
        what = f"{self.file}, {self.records} records" if self.file else "respondent file unknown"
        if not self.problems:
            head = f"{where(self.path)} ({what}): no problems"
            return "; ".join([head, *self.notes])
        lines = [f"{where(self.path)} ({what}): {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"]
        lines += [f"  - {p.text()}" for p in self.problems] + [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def infer_file(columns: Iterable[str], codebook: Codebook, path: Path) -> str:
    """The respondent file whose codebook variables the columns cover best (at least half of them)."""
    columns = set(columns)
    share = {f: len(columns & set(codebook.variables(f)["variable"])) / len(codebook.variables(f)) for f in SURVEY_FILES}
    best = max(share, key=share.get)
    if share[best] < 0.5:
        raise DataValidationError(f"{where(path)}: got columns that match no survey file of the codebook (the closest, "
                                  f"{best}, shares {share[best]:.0%} of its columns); expected the columns of one of "
                                  f"{', '.join(SURVEY_FILES)}, or the file named with --file")
    return best


def check_survey_exports(paths: list[Path], file: str | None = None, country: str | None = None,
                         root: Path | str | None = None) -> list[FileReport]:
    """Check survey files (by default the country's own) against the codebook; every problem of each file.

    ``file`` names the respondent file when one path is given (else it is inferred from the columns).
    Links between files (a caregiver's child, a roster line's interviewed child) are checked against
    the linked file when it is among ``paths`` or lies beside the file as ``<file>.csv`` or
    ``<file>_synthetic.csv``.
    """
    if file is not None and file not in SURVEY_FILES:
        raise parameter_error("file", file, "one of " + ", ".join(SURVEY_FILES))
    if file is not None and len(paths) > 1:
        raise parameter_error("file", file, "no --file when several files are checked (each is inferred from its columns)")
    codebook = load_codebook(root)
    if not paths:
        folder = country_dir(country or DEFAULT_COUNTRY, root)
        paths = [p for p in (survey_path(f, folder) for f in SURVEY_FILES) if p.is_file()]
        if not paths:
            raise DataValidationError(f"{where(folder / 'survey')}: got no survey file; expected one to check (or name files)")
    frames, kinds, reports = {}, {}, []
    for path in paths:
        report = FileReport(Path(path), file)
        try:
            frames[path] = read_csv_text(Path(path))
            kinds[path] = report.file = file or infer_file(frames[path].columns, codebook, Path(path))
        except DataValidationError as exc:
            report.problems.append(Problem(None, str(exc).removeprefix(f"{where(path)}: ")))
        reports.append(report)
    given = {kind: path for path, kind in kinds.items()}
    for report in reports:
        if report.path in kinds:
            check_frame(report, frames[report.path], codebook, given)
    return reports


def check_frame(report: FileReport, frame: pd.DataFrame, codebook: Codebook, given: dict[str, Path]) -> None:
    """Every problem of one file read as text (columns, cells, ids, links, design, skip rules), into ``report``."""
    spec = codebook.variables(report.file)
    report.records = len(frame)
    variables = list(spec["variable"])
    missing = [v for v in variables if v not in frame.columns]
    extra = [c for c in frame.columns if c not in variables and c not in ALLOWED_EXTRA]
    if missing:
        report.problems.append(Problem(None, f"missing columns (in the codebook for {report.file}, not in the file): {', '.join(missing)}"))
    if extra:
        report.problems.append(Problem(None, f"unexpected columns (not in the codebook for {report.file}): {', '.join(extra)}"))
    present = spec[spec["variable"].isin(frame.columns)]
    links = {}
    for column, target in LINKS.get(report.file, {}).items():
        target_path = given.get(target) or _beside(report.path, target)
        if column not in frame.columns:
            continue
        if target_path is None:
            report.notes.append(f"links in '{column}' not checked: no {target} file given or beside this one")
            continue
        try:
            links[column] = linked_ids(target, target_path, codebook)
        except DataValidationError as exc:
            report.notes.append(f"links in '{column}' not checked: {exc}")
    schema = survey_schema(present, links)
    found, cleaned = _unreadable_numbers(frame, present, schema)
    try:
        schema.validate(cleaned, lazy=True)
    except pa.errors.SchemaErrors as exc:
        seen = {(f.row, f.column) for f in found}
        found += [f for f in failures(exc.failure_cases, schema, frame) if (f.row, f.column) not in seen]
    asked = present[present["asked_if"].map(lambda rule: (rule_names(rule) or set()) <= set(frame.columns))]  # rules it can read
    typed = cleaned.assign(**{c: pd.to_numeric(cleaned[c].where(cleaned[c] != ""), errors="coerce") for c in
                              present.loc[present["type"].isin(NUMERIC_TYPES), "variable"]})
    skip = skip_schema(asked)
    try:
        skip.validate(skip_frame(typed, asked), lazy=True)
    except pa.errors.SchemaErrors as exc:
        found += failures(exc.failure_cases, skip, frame)
    report.problems += _grouped(found, frame, list(frame.columns))


def _beside(path: Path, target: str) -> Path | None:
    """The linked file next to ``path``: the real export first, then a synthetic one."""
    for name in (f"{target}.csv", f"{target}_synthetic.csv"):
        if (path.parent / name).is_file():
            return path.parent / name
    return None


def _unreadable_numbers(frame: pd.DataFrame, spec: pd.DataFrame, schema: pa.DataFrameSchema) -> tuple[list[Failure], pd.DataFrame]:
    """Cells of numeric columns that are not numbers, as failures; and the file with those cells emptied,
    so the other checks of their columns still run on every other row (pandera stops a column at a cell it
    cannot convert)."""
    found, cleaned = [], frame.copy()
    for column in spec.loc[spec["type"].isin(NUMERIC_TYPES), "variable"]:
        text = frame[column].str.strip()
        bad = (text != "") & pd.to_numeric(text, errors="coerce").isna()
        for row in bad[bad].index:
            found.append(Failure(int(row), column, schema.columns[column].description, frame.at[row, column]))
        cleaned.loc[bad, column] = ""
    return found, cleaned


def _grouped(found: list[Failure], frame: pd.DataFrame, columns: list[str]) -> list[Problem]:
    """Failures grouped by column and expectation, in the file's column order, rows in order."""
    groups: dict[tuple, list] = {}
    for f in found:
        if f.row is None:
            groups.setdefault((f.column, f"the check for {f.expected} could not run ({f.got})"), [])
        else:
            groups.setdefault((f.column, f.expected), []).append((f.row + 1, f.got, f.detail(frame)))
    order = {c: i for i, c in enumerate(columns)}
    keys = sorted(groups, key=lambda k: (order.get(k[0], len(order)), min((r for r, *_ in groups[k]), default=0)))
    return [Problem(column, expected, tuple(sorted(groups[(column, expected)], key=lambda c: c[0]))) for column, expected in keys]
