"""The questionnaire (codebook), the indicator definitions and the survey files.

The codebook is the schema of the survey files: each variable's type, codes and skip
rule become a pandera column or row rule, so a holder of the real microdata can swap the
synthetic files for theirs and get the same checks. Beyond single cells, a file's schema checks
its records' ids (each used once, and links to another file's records), ages against age
bands, and the design (every stratum holds at least two PSUs, each PSU lies in one stratum).
Synthetic files are named ``<file>_synthetic.csv`` and carry ``synthetic = True``; real ones
would be ``<file>.csv``.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable
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
# Columns that name a record of another file (caregivers and the screening roster point at interviewed children).
LINKS: dict[str, dict[str, str]] = {"caregivers": {"child_id": "children"}, "household_roster": {"interviewed_child_id": "children"}}
AGE_BAND = re.compile(r"(\d+)-(\d+)")
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


def rule_names(rule: str) -> set[str] | None:
    """The names a skip rule or universe reads (``c_met_in_person == 1`` -> ``{'c_met_in_person'}``); None
    when it is not an expression."""
    try:
        tree = ast.parse(rule, mode="eval")
    except SyntaxError:
        return None
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _rules_read(rules: pd.Series, files: pd.Series, variables: dict[str, set]) -> pd.Series:
    """Each rule is empty, or an expression over variables of its row's file."""
    def ok(rule: str, file: str) -> bool:
        names = rule_names(rule) if rule else set()
        return names is not None and names <= variables.get(file, set())
    return pd.Series([ok(r, f) for r, f in zip(rules, files)], index=rules.index)


RULE = "empty, or an expression over variables of the same file (e.g. c_met_in_person == 1)"

CODEBOOK_SCHEMA = pa.DataFrameSchema(
    {"file": choice(SURVEY_FILES), "variable": matching(NAME.pattern, "a column name (letters, digits, _)"),
     "label": text(), "type": choice(CODEBOOK_TYPES), "codes": text(required=False), "asked_if": text(required=False)},
    checks=[
        row_rule("codes", lambda d: (d["type"] != "single") | d["codes"].str.fullmatch(CODES),
                 "answer codes of the form '1=Label;2=Label' for a 'single' variable"),
        row_rule("variable", lambda d: ~d.duplicated(["file", "variable"], keep="first"),
                 "a variable defined once per file"),
        row_rule("asked_if", lambda d: _rules_read(d["asked_if"], d["file"], d.groupby("file")["variable"].agg(set).to_dict()),
                 RULE),
    ])


@lru_cache(maxsize=8)
def load_codebook(root: Path | str | None = None) -> Codebook:
    """``data/codebook/survey_codebook.csv``, validated."""
    path = data_root(root) / "codebook" / "survey_codebook.csv"
    return Codebook(validate(read_csv_text(path), CODEBOOK_SCHEMA, path))


def indicator_schema(codebook: Codebook) -> pa.DataFrameSchema:
    """Indicators name variables of the codebook, of the file they say."""
    known = {(f, v) for f, v in zip(codebook.table["file"], codebook.table["variable"])}
    variables = codebook.table.groupby("file")["variable"].agg(set).to_dict()
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
            row_rule("universe", lambda d: _rules_read(d["universe"], d["file"], variables), RULE.replace("the same", "that")),
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


def record_id(spec: pd.DataFrame) -> str:
    """The column that identifies a file's records: its first ``id`` variable in the codebook."""
    return spec.loc[spec["type"] == "id", "variable"].iloc[0]


Links = dict[str, tuple[str, set]]  # column -> (what it must name, e.g. "a child_id of children.csv"; the ids there)


def survey_schema(spec: pd.DataFrame, links: Links | None = None) -> pa.DataFrameSchema:
    """The pandera schema of one survey file (types, codes, ranges, ids, ages, design), from its codebook rows.

    ``links`` holds the ids of the files this one points at (see :data:`LINKS`); without it the
    links are not checked.
    """
    columns = {}
    for row in spec.itertuples(index=False):
        name = row.variable
        if row.type == "id":
            columns[name] = text("an identifier") if name in REQUIRED_IDS else text(required=False)
        elif row.type in ("design", "group"):
            columns[name] = choice(row.codes.split(";")) if row.codes else text("a value")
        elif row.type == "weight":
            columns[name] = number(lo=0, exclusive=True, description="a positive finite number")
        elif row.type == "numeric":
            lo, hi = (float(x) for x in row.codes.split("-"))
            columns[name] = number(lo, hi)
        else:
            codes = parse_codes(row.codes)
            columns[name] = number(required=False, allowed=tuple(codes),
                                   description="an answer code (" + ", ".join(f"{k}={v}" for k, v in codes.items()) + ") or empty")
    return pa.DataFrameSchema(columns, checks=[*_id_rules(spec, links or {}), *_age_rules(spec), *_design_rules(spec)])


def _also_in(column: str, what: str) -> Callable[[pd.DataFrame, int], str]:
    """Explain a repeated value by the first row that holds it."""
    def explain(frame: pd.DataFrame, row: int) -> str:
        first = int((frame[column] == frame.at[row, column]).to_numpy().argmax())
        return f" (row {first + 1} {what})"
    return explain


def _id_rules(spec: pd.DataFrame, links: Links) -> list[pa.Check]:
    """Each record's id is used once; a column naming another file's record names one that exists, once."""
    if not (spec["type"] == "id").any():
        return []
    key = record_id(spec)
    rules = [row_rule(key, lambda d: ~d[key].duplicated(), "an identifier used once in the file", _also_in(key, "has it too"))]
    for column, (what, ids) in links.items():
        if column not in set(spec["variable"]):
            continue
        rules += [
            row_rule(column, lambda d, c=column, ids=ids: (d[c] == "") | d[c].isin(ids), what),
            row_rule(column, lambda d, c=column: (d[c] == "") | ~d[c].duplicated(), f"{what} that no other row names",
                     _also_in(column, "names it too")),
        ]
    return rules


def _age_rules(spec: pd.DataFrame) -> list[pa.Check]:
    """Where a file has ``age`` and age bands (groups whose codes are ranges such as 12-13), each age lies in its bands."""
    if "age" not in set(spec["variable"]):
        return []
    rules = []
    for row in spec[(spec["type"] == "group") & spec["variable"].str.startswith("age")].itertuples(index=False):
        bands = {code: tuple(int(x) for x in AGE_BAND.fullmatch(code).groups()) for code in row.codes.split(";")
                 if AGE_BAND.fullmatch(code)}
        if not bands or len(bands) < len(row.codes.split(";")):
            continue

        def inside(d: pd.DataFrame, band: str = row.variable, bands: dict = bands) -> pd.Series:
            age = pd.to_numeric(d["age"], errors="coerce")
            lo = d[band].map({b: float(a) for b, (a, _) in bands.items()})
            hi = d[band].map({b: float(z) for b, (_, z) in bands.items()})
            return age.isna() | lo.isna() | ((age >= lo) & (age <= hi))  # an unknown band is its own check's error

        def explain(frame: pd.DataFrame, r: int, band: str = row.variable, bands: dict = bands) -> str:
            lo, hi = bands[frame.at[r, band]]
            return f" ({band} '{frame.at[r, band]}' is ages {lo} to {hi})"
        rules.append(row_rule("age", inside, f"an age within the row's {row.variable}", explain))
    return rules


def _design_rules(spec: pd.DataFrame) -> list[pa.Check]:
    """Every stratum holds at least two PSUs (else its variance cannot be estimated), and each PSU lies in one stratum."""
    if not {"psu", "stratum"} <= set(spec["variable"]):
        return []

    def only_psu(frame: pd.DataFrame, r: int) -> str:
        return f"; its only PSU is '{frame.at[r, 'psu']}'"

    def other_stratum(frame: pd.DataFrame, r: int) -> str:
        others = frame.loc[(frame["psu"] == frame.at[r, "psu"]) & (frame["stratum"] != frame.at[r, "stratum"]), "stratum"]
        return f" (row {others.index[0] + 1} puts PSU '{frame.at[r, 'psu']}' in stratum '{others.iloc[0]}')"
    return [
        row_rule("stratum", lambda d: d.groupby("stratum")["psu"].transform("nunique") >= 2,
                 "a stratum with at least two PSUs (with one, the stratum's variance cannot be estimated)", only_psu),
        row_rule("psu", lambda d: d.groupby("psu")["stratum"].transform("nunique") == 1,
                 "a PSU that lies in one stratum", other_stratum),
    ]


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


def load_survey(file: str, country_dir: Path, codebook: Codebook, loaded: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """One respondent file, checked against the codebook (codes, skip rules, ids, design) and the
    files it links to (``loaded`` may hold them already; else their ids are read)."""
    if file not in SURVEY_FILES:
        raise parameter_error("file", file, "one of " + ", ".join(SURVEY_FILES))
    path = survey_path(file, country_dir)
    frame = read_csv_text(path)
    links = {column: linked_ids(target, survey_path(target, country_dir), codebook, (loaded or {}).get(target))
             for column, target in LINKS.get(file, {}).items()}
    return validate_survey(frame, codebook.variables(file), path, links)


def linked_ids(target: str, path: Path, codebook: Codebook, frame: pd.DataFrame | None = None) -> tuple[str, set]:
    """What a link to ``target``'s records must name, and the ids there (read from ``path`` unless given)."""
    key = record_id(codebook.variables(target))
    if frame is None:
        frame = validate(read_csv_text(path), pa.DataFrameSchema({key: text("an identifier")}), path)
    return f"a {key} of {path.name}", set(frame[key])


def validate_survey(frame: pd.DataFrame, spec: pd.DataFrame, path: Path, links: Links | None = None) -> pd.DataFrame:
    """Check a survey file read as text against its codebook rows (and ``links``); return it typed."""
    out = validate(frame, survey_schema(spec, links), path)
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
