"""Load and validate the book's input data.

Two kinds of data live under ``data/``, and this module never mixes them up:

* ``data/<country>/published/`` holds numbers exactly as the report prints them;
* ``data/<country>/survey/`` holds survey microdata. For Cambodia these are
  **synthetic** records calibrated to the published numbers (the real microdata are
  not public); the file names say so and every record carries ``synthetic = True``.

``data/codebook/`` describes the questionnaire shared by all Disrupting Harm
countries: variables, answer codes, skip rules, indicator definitions and figures.
Every loader validates what it reads and raises :class:`DataValidationError` naming
the file, row and column at fault, so a bad input never reaches a chart.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA_ROOT = Path(__file__).resolve().parents[2] / "data"
SURVEY_FILES = ("children", "caregivers", "household_roster")
BREAKDOWNS = ("total", "age_group", "sex", "area", "age_split")
GROUPS = {
    "total": ("Total",),
    "age_group": ("12-13", "14-15", "16-17"),
    "sex": ("boy", "girl"),
    "area": ("urban", "rural"),
    "age_split": ("12-15", "16-17"),  # chapter 2 prints some prevalences for 12-15 against 16-17
}
SCALED_SUFFIX = "_population"  # a published share scaled to the national population of internet users
GROUP_LABELS = {"Total": "All", "boy": "Boys", "girl": "Girls", "urban": "Urban", "rural": "Rural"}


class DataValidationError(ValueError):
    """Raised when an input file breaks its schema; the message names file, row and column."""


def _where(path: Path, row: int | None = None, column: str | None = None) -> str:
    parts = [str(path.relative_to(DATA_ROOT.parent)) if path.is_relative_to(DATA_ROOT.parent) else str(path)]
    if row is not None:
        parts.append(f"row {row}")  # 1-based data row; the header is row 0
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


def country_dir(country: str, data_root: Path | str | None = None) -> Path:
    """The folder of one country's data; a clear error if it does not exist."""
    root = Path(data_root) if data_root is not None else DATA_ROOT
    path = root / country
    if not path.is_dir():
        known = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name != "codebook") if root.is_dir() else []
        raise DataValidationError(
            f"parameter country={country!r}: no data folder {path}; known countries: {', '.join(known) or 'none'}"
        )
    return path


def _read_csv(path: Path, required: list[str]) -> pd.DataFrame:
    if not path.is_file():
        raise DataValidationError(f"{path}: file not found")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises many parser errors; report them uniformly
        raise DataValidationError(f"{_where(path)}: cannot be read as CSV ({exc})") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        expected = f"; expected {', '.join(required)}" if len(required) <= 15 else f"; the codebook lists {len(required)} columns"
        raise DataValidationError(f"{_where(path)}: missing column(s) {shown}{expected}")
    return frame


def _require_values(frame: pd.DataFrame, path: Path, column: str, allowed=None, nonempty: bool = True) -> None:
    for i, value in enumerate(frame[column].tolist(), start=1):
        if nonempty and value == "":
            raise DataValidationError(f"{_where(path, i, column)}: empty; a value is required")
        if allowed is not None and value != "" and value not in allowed:
            raise DataValidationError(
                f"{_where(path, i, column)}: {value!r} is not one of {', '.join(map(str, allowed))}"
            )


def _require_unique(frame: pd.DataFrame, path: Path, column: str) -> None:
    dup = frame[column].duplicated()
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0]) + 1
        raise DataValidationError(f"{_where(path, i, column)}: {frame[column][dup].iloc[0]!r} appears twice")


def _require_number(frame: pd.DataFrame, path: Path, column: str, allow_empty: bool, lo=None, hi=None) -> pd.Series:
    out = []
    for i, value in enumerate(frame[column].tolist(), start=1):
        if value == "":
            if not allow_empty:
                raise DataValidationError(f"{_where(path, i, column)}: empty; a number is required")
            out.append(float("nan"))
            continue
        try:
            number = float(value)
        except ValueError:
            raise DataValidationError(f"{_where(path, i, column)}: {value!r} is not a number") from None
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            raise DataValidationError(f"{_where(path, i, column)}: {value} is outside the expected range [{lo}, {hi}]")
        out.append(number)
    return pd.Series(out, index=frame.index, dtype="float64")


# ---------------------------------------------------------------------------- codebook
@dataclass(frozen=True)
class Codebook:
    """The questionnaire: one row per variable with its codes and skip rule."""

    table: pd.DataFrame

    def variables(self, file: str) -> pd.DataFrame:
        return self.table[self.table["file"] == file]

    def codes(self, file: str, variable: str) -> dict[int, str]:
        row = self.table[(self.table["file"] == file) & (self.table["variable"] == variable)].iloc[0]
        return parse_codes(row["codes"])


def parse_codes(spec: str) -> dict[int, str]:
    """``'1=Yes;2=No'`` -> ``{1: 'Yes', 2: 'No'}``."""
    out: dict[int, str] = {}
    for part in spec.split(";"):
        key, _, label = part.partition("=")
        out[int(key)] = label
    return out


@lru_cache(maxsize=4)
def load_codebook(data_root: Path | str | None = None) -> Codebook:
    """Read and check ``data/codebook/survey_codebook.csv``."""
    root = Path(data_root) if data_root is not None else DATA_ROOT
    path = root / "codebook" / "survey_codebook.csv"
    frame = _read_csv(path, ["file", "variable", "label", "type", "codes", "asked_if"])
    _require_values(frame, path, "file", SURVEY_FILES)
    _require_values(frame, path, "type", ("id", "design", "weight", "group", "numeric", "single"))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.type == "single":
            try:
                parse_codes(row.codes)
            except ValueError:
                raise DataValidationError(f"{_where(path, i, 'codes')}: {row.codes!r} is not of the form '1=Label;2=Label'") from None
    dup = frame.duplicated(["file", "variable"])
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0]) + 1
        raise DataValidationError(f"{_where(path, i, 'variable')}: {frame.loc[dup].iloc[0]['variable']!r} is defined twice")
    return Codebook(frame)


@lru_cache(maxsize=4)
def load_indicators(data_root: Path | str | None = None) -> pd.DataFrame:
    """Read ``data/codebook/indicators.csv``: how each indicator is computed from the survey."""
    root = Path(data_root) if data_root is not None else DATA_ROOT
    path = root / "codebook" / "indicators.csv"
    frame = _read_csv(path, ["indicator_id", "file", "variable", "positive_codes", "universe", "label"])
    codebook = load_codebook(data_root)
    _require_values(frame, path, "file", SURVEY_FILES)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        known = set(codebook.variables(row.file)["variable"])
        for var in row.variable.split("|"):
            if var not in known:
                raise DataValidationError(f"{_where(path, i, 'variable')}: {var!r} is not a variable of {row.file} in the codebook")
        try:
            [int(c) for c in row.positive_codes.split(";")]
        except ValueError:
            raise DataValidationError(f"{_where(path, i, 'positive_codes')}: {row.positive_codes!r} is not a ';'-separated list of codes") from None
    if frame["indicator_id"].duplicated().any():
        raise DataValidationError(f"{_where(path, column='indicator_id')}: duplicated id {frame.loc[frame['indicator_id'].duplicated(), 'indicator_id'].iloc[0]!r}")
    return frame.set_index("indicator_id", drop=False)


# ---------------------------------------------------------------------------- published
PUBLISHED_COLUMNS = ["indicator_id", "respondent", "wording", "breakdown", "group", "value", "unit",
                     "qualifier", "base", "base_n", "section", "figure", "note"]


def load_published(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """Published survey numbers, one row per printed number, validated."""
    path = country_dir(country, data_root) / "published" / "survey_estimates.csv"
    frame = _read_csv(path, PUBLISHED_COLUMNS)
    _require_values(frame, path, "breakdown", BREAKDOWNS)
    _require_values(frame, path, "unit", ("percent", "count"))
    _require_values(frame, path, "qualifier", ("more than", "up to", "approximately", "almost"), nonempty=False)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.group not in GROUPS[row.breakdown]:
            raise DataValidationError(f"{_where(path, i, 'group')}: {row.group!r} is not a group of breakdown {row.breakdown!r} ({', '.join(GROUPS[row.breakdown])})")
        if row.value == "" and "blank" not in row.note:
            raise DataValidationError(f"{_where(path, i, 'value')}: empty; only cells printed blank may be empty, and their note must say so")
    frame["value"] = _require_number(frame, path, "value", allow_empty=True, lo=0)
    percent = frame["unit"] == "percent"
    over = percent & (frame["value"] > 100)
    if over.any():
        i = int(over.to_numpy().nonzero()[0][0]) + 1
        raise DataValidationError(f"{_where(path, i, 'value')}: a percentage above 100")
    frame["base_n"] = _require_number(frame, path, "base_n", allow_empty=True, lo=1)
    indicators = load_indicators(data_root)
    for i, ind in enumerate(frame["indicator_id"].tolist(), start=1):
        stem = ind[: -len(SCALED_SUFFIX)] if ind.endswith(SCALED_SUFFIX) else ind
        if stem not in indicators.index and not ind.startswith("sample_"):
            raise DataValidationError(f"{_where(path, i, 'indicator_id')}: {ind!r} has no definition in data/codebook/indicators.csv")
    frame.attrs["path"] = str(path)
    return frame


# ---------------------------------------------------------------------------- survey
def survey_path(file: str, country: str = "cambodia", data_root: Path | str | None = None) -> Path:
    """Synthetic files are named ``<file>_synthetic.csv``; real microdata would be ``<file>.csv``."""
    folder = country_dir(country, data_root) / "survey"
    real = folder / f"{file}.csv"
    return real if real.is_file() else folder / f"{file}_synthetic.csv"


def load_survey(file: str, country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """One respondent file, checked against the codebook (codes, skip rules, design columns)."""
    if file not in SURVEY_FILES:
        raise DataValidationError(f"parameter file={file!r}: expected one of {', '.join(SURVEY_FILES)}")
    path = survey_path(file, country, data_root)
    codebook = load_codebook(data_root)
    spec = codebook.variables(file)
    frame = _read_csv(path, list(spec["variable"]))
    out = validate_survey(frame, spec, path)
    out.attrs["path"] = str(path)
    out.attrs["synthetic"] = bool(out.get("synthetic", pd.Series([False])).all())
    return out


def validate_survey(frame: pd.DataFrame, spec: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Type-convert and check every column; skip rules must hold both ways."""
    out = frame.copy()
    for row in spec.itertuples(index=False):
        col = row.variable
        if row.type in ("id", "design"):
            if row.type == "design" or col in ("child_id", "roster_id", "caregiver_id", "household_id"):
                _require_values(out, path, col, row.codes.split(";") if row.codes else None)
            continue
        if row.type == "group":
            _require_values(out, path, col, row.codes.split(";"))
        elif row.type == "weight":
            out[col] = _require_number(out, path, col, allow_empty=False, lo=0)
            if not (out[col] > 0).all():
                i = int((out[col] <= 0).to_numpy().nonzero()[0][0]) + 1
                raise DataValidationError(f"{_where(path, i, col)}: weights must be positive")
        elif row.type == "numeric":
            lo, hi = (float(x) for x in row.codes.split("-"))
            out[col] = _require_number(out, path, col, allow_empty=False, lo=lo, hi=hi)
        elif row.type == "single":
            allowed = parse_codes(row.codes)
            out[col] = _require_number(out, path, col, allow_empty=True)
            bad = out[col].notna() & ~out[col].isin(list(allowed))
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0]) + 1
                raise DataValidationError(
                    f"{_where(path, i, col)}: code {out[col][bad].iloc[0]:g} is not one of {', '.join(f'{k}={v}' for k, v in allowed.items())}"
                )
    for row in spec.itertuples(index=False):
        if row.type != "single":
            continue
        asked = asked_mask(out, row.asked_if, path, row.variable)
        answered = out[row.variable].notna()
        for mask, text in ((asked & ~answered, "is empty although the question was asked"),
                           (~asked & answered, f"has an answer although the skip rule '{row.asked_if}' says it was not asked")):
            if mask.any():
                i = int(mask.to_numpy().nonzero()[0][0]) + 1
                raise DataValidationError(f"{_where(path, i, row.variable)}: {text}")
    return out


def asked_mask(frame: pd.DataFrame, rule: str, path: Path | str = "survey", variable: str = "") -> pd.Series:
    """Which records were asked a question, from the codebook's ``asked_if`` rule (empty = everyone)."""
    if not rule:
        return pd.Series(True, index=frame.index)
    names = [c for c in dict.fromkeys(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule)) if c in frame.columns]
    try:  # evaluate on the columns the rule names only: eval over hundreds of columns is slow
        return frame[names].eval(rule).astype(bool)
    except Exception as exc:
        raise DataValidationError(f"{path}: skip rule {rule!r} of {variable or 'a variable'} cannot be evaluated ({exc})") from exc
