"""The questionnaire (codebook), the indicator definitions and the survey files.

The codebook is the schema of the survey files: each variable's type, codes and skip
rule become a pandera column or row rule, so a holder of the real microdata can swap the
synthetic files for theirs and get the same checks. Synthetic files are named
``<file>_synthetic.csv`` and carry ``synthetic = True``; real ones would be ``<file>.csv``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..config import SURVEY_FILES, data_root
from .errors import DataValidationError, parameter_error, where
from .tables import choice, first_failure, matching, number, read_csv_text, row_rule, text, validate

CODEBOOK_TYPES = ("id", "design", "weight", "group", "numeric", "single")
REQUIRED_IDS = ("child_id", "roster_id", "caregiver_id", "household_id")
CODES = r"\d+=[^;=]+(;\d+=[^;=]+)*"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_codes(spec: str) -> dict[int, str]:
    """``'1=Yes;2=No'`` -> ``{1: 'Yes', 2: 'No'}``."""
    out: dict[int, str] = {}
    for part in spec.split(";"):
        key, _, label = part.partition("=")
        out[int(key)] = label
    return out


@dataclass(frozen=True)
class Codebook:
    """The questionnaire: one row per variable with its codes and skip rule."""

    table: pd.DataFrame

    def variables(self, file: str) -> pd.DataFrame:
        return self.table[self.table["file"] == file]

    def codes(self, file: str, variable: str) -> dict[int, str]:
        row = self.table[(self.table["file"] == file) & (self.table["variable"] == variable)].iloc[0]
        return parse_codes(row["codes"])


CODEBOOK_SCHEMA = pa.DataFrameSchema(
    {"file": choice(SURVEY_FILES), "variable": matching(NAME.pattern, "a column name (letters, digits, _)"),
     "label": text(), "type": choice(CODEBOOK_TYPES), "codes": text(required=False), "asked_if": text(required=False)},
    checks=[
        row_rule("codes", lambda d: (d["type"] != "single") | d["codes"].str.fullmatch(CODES),
                 "answer codes of the form '1=Label;2=Label' for a 'single' variable"),
        row_rule("variable", lambda d: ~d.duplicated(["file", "variable"], keep="first"),
                 "a variable defined once per file"),
    ])


@lru_cache(maxsize=8)
def load_codebook(root: Path | str | None = None) -> Codebook:
    """``data/codebook/survey_codebook.csv``, validated."""
    path = data_root(root) / "codebook" / "survey_codebook.csv"
    return Codebook(validate(read_csv_text(path), CODEBOOK_SCHEMA, path))


def indicator_schema(codebook: Codebook) -> pa.DataFrameSchema:
    """Indicators name variables of the codebook, of the file they say."""
    known = {(f, v) for f, v in zip(codebook.table["file"], codebook.table["variable"])}
    return pa.DataFrameSchema(
        {"indicator_id": matching(NAME.pattern, "an id (letters, digits, _) used once"), "file": choice(SURVEY_FILES),
         "variable": text("one or more variables of the file, '|'-separated"),
         "positive_codes": matching(r"\d+(;\d+)*", "answer codes separated by ';'"),
         "universe": text(required=False), "label": text()},
        checks=[
            row_rule("variable", lambda d: pd.Series([all((f, v) in known for v in var.split("|"))
                                                      for f, var in zip(d["file"], d["variable"])], index=d.index),
                     "variables of that file in data/codebook/survey_codebook.csv"),
            row_rule("indicator_id", lambda d: ~d["indicator_id"].duplicated(), "an id used once"),
        ])


@lru_cache(maxsize=8)
def load_indicators(root: Path | str | None = None) -> pd.DataFrame:
    """``data/codebook/indicators.csv``: how each indicator is computed from the survey."""
    path = data_root(root) / "codebook" / "indicators.csv"
    frame = validate(read_csv_text(path), indicator_schema(load_codebook(root)), path)
    return frame.set_index("indicator_id", drop=False)


def survey_path(file: str, country_dir: Path) -> Path:
    """Real microdata (``<file>.csv``) when present, else the synthetic stand-in."""
    real = country_dir / "survey" / f"{file}.csv"
    return real if real.is_file() else country_dir / "survey" / f"{file}_synthetic.csv"


def survey_schema(spec: pd.DataFrame) -> pa.DataFrameSchema:
    """The pandera schema of one survey file's columns (types, codes, ranges), from its codebook rows."""
    columns = {}
    for row in spec.itertuples(index=False):
        name = row.variable
        if row.type == "id":
            columns[name] = text("an identifier") if name in REQUIRED_IDS else text(required=False)
        elif row.type in ("design", "group"):
            columns[name] = choice(row.codes.split(";")) if row.codes else text("a value")
        elif row.type == "weight":
            columns[name] = number(lo=0, exclusive=True, description="a positive number")
        elif row.type == "numeric":
            lo, hi = (float(x) for x in row.codes.split("-"))
            columns[name] = number(lo, hi)
        else:
            codes = parse_codes(row.codes)
            columns[name] = number(required=False, allowed=tuple(codes),
                                   description="an answer code (" + ", ".join(f"{k}={v}" for k, v in codes.items()) + ") or empty")
    return pa.DataFrameSchema(columns)


ASKED_NOT_ANSWERED, ANSWERED_NOT_ASKED = "asked, not answered", "answered, not asked"


def skip_frame(frame: pd.DataFrame, spec: pd.DataFrame) -> pd.DataFrame:
    """For each question with a skip rule, whether each record's answer agrees with it.

    Evaluating every rule once here keeps validation fast; :func:`skip_schema` then checks
    this frame column by column, so an error still names the record and the question.
    """
    out = {}
    for row in spec[(spec["type"] == "single") & (spec["asked_if"] != "")].itertuples(index=False):
        asked = asked_mask(frame, row.asked_if, row.variable).to_numpy()
        answered = frame[row.variable].notna().to_numpy()
        out[row.variable] = pd.Series("agrees", index=frame.index).mask(asked & ~answered, ASKED_NOT_ANSWERED) \
            .mask(~asked & answered, ANSWERED_NOT_ASKED)
    return pd.DataFrame(out, index=frame.index)


def skip_schema(spec: pd.DataFrame) -> pa.DataFrameSchema:
    """Answers must be empty exactly when the codebook's skip rule says the question was not asked."""
    rules = spec[(spec["type"] == "single") & (spec["asked_if"] != "")]
    return pa.DataFrameSchema({row.variable: pa.Column(str, [
        pa.Check(lambda s: s != ASKED_NOT_ANSWERED, error=f"an answer, because the skip rule '{row.asked_if}' says the question was asked"),
        pa.Check(lambda s: s != ANSWERED_NOT_ASKED, error=f"an empty cell, because the skip rule '{row.asked_if}' says it was not asked"),
    ]) for row in rules.itertuples(index=False)})


def load_survey(file: str, country_dir: Path, codebook: Codebook) -> pd.DataFrame:
    """One respondent file, checked against the codebook (codes, skip rules, design columns)."""
    if file not in SURVEY_FILES:
        raise parameter_error("file", file, "one of " + ", ".join(SURVEY_FILES))
    return validate_survey(read_csv_text(survey_path(file, country_dir)), codebook.variables(file), survey_path(file, country_dir))


def validate_survey(frame: pd.DataFrame, spec: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Check a survey file read as text against its codebook rows; return it typed."""
    out = validate(frame, survey_schema(spec), path)
    consistency = skip_frame(out, spec)
    try:
        skip_schema(spec).validate(consistency, lazy=True)
    except pa.errors.SchemaErrors as exc:  # report the raw cell, as for any other check
        raise first_failure(exc.failure_cases, skip_schema(spec), frame, path) from None
    out.attrs["path"] = str(path)
    out.attrs["synthetic"] = bool("synthetic" in out.columns and out["synthetic"].astype(str).eq("True").all())
    return out


def asked_mask(frame: pd.DataFrame, rule: str, variable: str = "") -> pd.Series:
    """Which records were asked a question, from its ``asked_if`` rule (empty: everyone)."""
    if not rule:
        return pd.Series(True, index=frame.index)
    names = [c for c in dict.fromkeys(NAME.findall(rule)) if c in frame.columns]
    try:  # evaluate on the columns the rule names only: eval over hundreds of columns is slow
        return frame[names].eval(rule).astype(bool)
    except Exception as exc:
        raise DataValidationError(f"{where('data/codebook')}: got the skip rule {rule!r} of {variable or 'a variable'}, "
                                  f"which cannot be evaluated ({exc}); expected a pandas expression over the file's columns") from exc
