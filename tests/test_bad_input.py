"""Bad input, always refused clearly, nothing half-written.

One table of cases: each corrupts a private copy of ``data/`` (or builds a bad argument), makes
one call, and expects ONE error whose message names the file, row and column (or the
parameter) and says what was expected. Every case also checks that the repository's own
``data/`` and ``notebooks/`` are untouched. Below the table: what must be accepted (byte-order
mark, CRLF, trailing blank lines; the same number printed twice with the same value), pages
that need no survey files, and ``python -m dharm check-microdata``.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from dharm.cli import app
from dharm.config import DATA_ROOT
from dharm.io.country import load_country
from dharm.io.published import TABLES, load_table
from dharm.io.survey import load_codebook, load_indicators, load_survey
from dharm.io.errors import DataValidationError
from dharm.present.frontmatter import show_definitions, show_legislation, show_policies, show_profile
from dharm.present.prose import show_data_notice
from dharm.report.frontmatter import check_sizes
from dharm.stats.estimation import estimate_indicator, estimate_proportion
from dharm.stats.rules import ReportingRules, apply_reporting_rules
from dharm.stats.store import compute_estimates, estimate_store

from conftest import REPO, edit_csv

CHILDREN, CAREGIVERS, ROSTER = (f"cambodia/survey/{f}_synthetic.csv" for f in ("children", "caregivers", "household_roster"))
PUBLISHED = "cambodia/published/"


def _read(rel: str) -> pd.DataFrame:
    return pd.read_csv(DATA_ROOT / rel, dtype=str, keep_default_na=False)


def first(rel: str, **equal) -> int:
    """The first row (from 0) of a real data file whose cells equal ``equal``: cases corrupt rows found this way."""
    frame = _read(rel)
    mask = np.ones(len(frame), bool)
    for column, value in equal.items():
        mask &= (frame[column] == value).to_numpy()
    return int(mask.nonzero()[0][0])


# ------------------------------------------------------------------ how to corrupt a copy
Corrupt = Callable[[Path], None]


def cell(rel: str, row: int, column: str, value: str) -> Corrupt:
    return lambda data: edit_csv(data / rel, row, column, value)


def cells(*edits: Corrupt) -> Corrupt:
    def corrupt(data: Path) -> None:
        for edit in edits:
            edit(data)
    return corrupt


def frame_edit(rel: str, change: Callable[[pd.DataFrame], pd.DataFrame | None]) -> Corrupt:
    """Rewrite a whole CSV of the copy through ``change`` (which may edit the frame in place)."""
    def corrupt(data: Path) -> None:
        frame = pd.read_csv(data / rel, dtype=str, keep_default_na=False)
        out = change(frame)
        (frame if out is None else out).to_csv(data / rel, index=False)
    return corrupt


def text_edit(rel: str, change: Callable[[bytes], bytes]) -> Corrupt:
    return lambda data: (data / rel).write_bytes(change((data / rel).read_bytes()))


def remove(rel: str) -> Corrupt:
    return lambda data: shutil.rmtree(data / rel) if (data / rel).is_dir() else (data / rel).unlink()


def semicolons(rel: str) -> Corrupt:
    def corrupt(data: Path) -> None:
        pd.read_csv(data / rel, dtype=str, keep_default_na=False).to_csv(data / rel, index=False, sep=";")
    return corrupt


DROP = object()  # a field to remove from metadata.yml


def metadata(**changes) -> Corrupt:
    """Change fields of the copy's metadata.yml (``DROP`` removes one); the other fields stay as they are."""
    def corrupt(data: Path) -> None:
        path = data / "cambodia" / "metadata.yml"
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in changes.items():
            if value is DROP:
                meta.pop(key)
            else:
                meta[key] = value
        path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    return corrupt


def same_psu_in_urban(frame: pd.DataFrame) -> None:
    urban = frame["stratum"] == "urban"
    frame.loc[urban, "psu"] = frame.loc[urban, "psu"].iloc[0]


def copy_id(column: str, source: int, target: int) -> Callable[[pd.DataFrame], None]:
    def change(frame: pd.DataFrame) -> None:
        frame.loc[target, column] = frame.loc[source, column]
    return change


def drop_gap(indicator_id: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: frame[frame["indicator_id"] != indicator_id]


def append_row(row: int, **values) -> Callable[[pd.DataFrame], pd.DataFrame]:
    return lambda frame: pd.concat([frame, frame.iloc[[row]].assign(**values)], ignore_index=True)


# ------------------------------------------------------------------ what to call
Call = Callable[[Path], object]


def survey(file: str) -> Call:
    return lambda data: load_survey(file, data / "cambodia", load_codebook(data))


def surveys(data: Path):
    return load_country("cambodia", data).surveys


def table(name: str) -> Call:
    return lambda data: load_table(name, "cambodia", data)


def read_metadata(data: Path):
    return load_country("cambodia", data).metadata


def estimate_store_of(data: Path):
    return estimate_store(load_country("cambodia", data), 0.95, store_dir=data.parent / "estimates")


def library(call: Callable[[], object]) -> Call:
    return lambda data: call()


# Small designs for library calls: two strata of two PSUs, two records each.
DESIGN = pd.DataFrame({"y": [1, 0, 0, 1, 1, 0, 1, 0], "weight": [1.0, 2, 1, 2, 1, 2, 1, 2],
                       "psu": ["a", "a", "b", "b", "c", "c", "d", "d"], "stratum": ["s"] * 4 + ["t"] * 4})


def design(**columns) -> pd.DataFrame:
    return DESIGN.assign(**columns)


def store_on_two_children_of_one_psu(data: Path):
    """The batched store on survey frames built otherwise than by loading: two children of one PSU."""
    country = load_country("cambodia", data)
    children = country.surveys["children"]
    two = children[children["psu"] == children["psu"].iloc[0]].head(2)
    country.__dict__["surveys"] = {"children": two, "caregivers": two, "household_roster": two}  # what the cached property holds
    return compute_estimates(country)


# ------------------------------------------------------------------ the cases
MET_NO = first(CHILDREN, c_met_in_person="2")
SHARED = first(CHILDREN, c_shared_naked_self="1")
CHILD_1415 = first(CHILDREN, age_group="14-15")
CHILD_12 = first(CHILDREN, age="12")
ROSTER_1213 = first(ROSTER, age_group="12-13")
ROSTER_LINKED = int((_read(ROSTER)["interviewed_child_id"] != "").to_numpy().nonzero()[0][0])
FIRST_URBAN = first(CHILDREN, stratum="urban")
FIRST_RURAL = first(CHILDREN, stratum="rural")
URBAN_PSU = _read(CHILDREN).at[FIRST_URBAN, "psu"]
ROSTER_EXACT = first(PUBLISHED + "survey_estimates.csv", indicator_id="roster_internet_user", breakdown="total", qualifier="")
ROSTER_HEDGED = first(PUBLISHED + "survey_estimates.csv", indicator_id="roster_internet_user", breakdown="total", qualifier="more than")
MONEY_SUMMARY = first(PUBLISHED + "survey_estimates.csv", indicator_id="child_accepted_money_for_images", section="summary")
MONEY_PERCENT = first(PUBLISHED + "survey_estimates.csv", indicator_id="child_accepted_money_for_images", section="2.2.2", unit="percent")
MONEY_COUNT = first(PUBLISHED + "survey_estimates.csv", indicator_id="child_accepted_money_for_images", unit="count")
FRONT_PERCENT = first(PUBLISHED + "frontline_survey.csv", unit="percent")
FRONT_COUNT = first(PUBLISHED + "frontline_survey.csv", unit="count")
SINGLE = first("codebook/survey_codebook.csv", type="single")
SKIPPED = first("codebook/survey_codebook.csv", variable="c_met_feeling")
UNIVERSE = first("codebook/indicators.csv", file="children", universe="c_met_in_person == 1")

def at(file: str, row: int, column: str, got: str) -> str:
    """The start of a file error's message (``row`` counted from 0, as in the corrupting code; ``got`` a regex)."""
    return re.escape(f"{file}, row {row + 1}, column '{column}': got ") + got + "; expected "


def shown(value: str) -> str:
    """How a message shows a cell's value, as a regex."""
    return "an empty cell" if value == "" else re.escape(repr(value))


def one_cell(name: str, rel: str, call: Call, row: int, column: str, value: str, expected: str,
             blamed: tuple[int, str, str] | None = None) -> tuple:
    """A case that changes one cell and expects the error there (or at ``blamed``: row, column and value)."""
    where_row, where_column, got = blamed or (row, column, value)
    return name, cell(rel, row, column, value), call, at(Path(rel).name, where_row, where_column, shown(got)) + expected


def published(name: str, table_name: str, row: int, column: str, value: str, expected: str) -> tuple:
    """A case that changes one cell of a published table (or of assumptions.csv) and loads that table."""
    folder = "cambodia/survey/" if table_name == "assumptions" else PUBLISHED
    return one_cell(f"{table_name}: {name}", folder + TABLES[table_name].file, table(table_name), row, column, value, expected)


ANSWER_CODE = r"an answer code \(1=Several times a day, .*\) or empty$"
POSITIVE = r"a positive finite number$"
SAME_NUMBER = r"the value every other printing of this number gives \(same "
RULE_EXPECTED = r"empty, or an expression over variables of the same file \(e\.g\. c_met_in_person == 1\)$"
PSU_PER_STRATUM = r"^parameter psu='psu': expected at least two PSUs in every stratum \(stratum "

CASES: list[tuple[str, Corrupt | None, Call, str]] = [
    # --- survey files: cells, codes, skip rules
    one_cell("survey: unknown answer code", CHILDREN, survey("children"), 4, "c_freq_internet", "7", ANSWER_CODE),
    one_cell("survey: answer that is not a number", CHILDREN, survey("children"), 4, "c_freq_internet", "often", ANSWER_CODE),
    one_cell("survey: follow-up answered although not asked", CHILDREN, survey("children"), MET_NO, "c_met_feeling", "1",
             r"an empty cell, because the skip rule 'c_met_in_person == 1' says it was not asked$"),
    one_cell("survey: follow-up not answered although asked", CHILDREN, survey("children"), SHARED, "c_share_recipient", "",
             r"an answer, because the skip rule 'c_shared_naked_self == 1' says the question was asked$"),
    ("survey: missing column", frame_edit(CAREGIVERS, lambda f: f.drop(columns="psu")), survey("caregivers"),
     r"caregivers_synthetic\.csv: got no column 'psu'; expected the \d+ columns of its schema$"),
    one_cell("survey: unknown stratum", CHILDREN, survey("children"), 0, "stratum", "suburban", r"one of 'urban', 'rural'$"),
    one_cell("survey: age out of range", ROSTER, survey("household_roster"), 2, "age", "19", r"a number from 12 to 17$"),
    # --- weights
    one_cell("survey: negative weight", CAREGIVERS, survey("caregivers"), 0, "weight", "-3", POSITIVE),
    one_cell("survey: NaN weight", CHILDREN, survey("children"), 3, "weight", "NaN", POSITIVE),
    one_cell("survey: infinite weight", ROSTER, survey("household_roster"), 2, "weight", "inf", POSITIVE),
    one_cell("survey: empty weight", CHILDREN, survey("children"), 7, "weight", "", POSITIVE),
    # --- ids and links between files
    ("survey: duplicate child_id", frame_edit(CHILDREN, copy_id("child_id", 2, 5)), survey("children"),
     at("children_synthetic.csv", 5, "child_id", "'C0003'") + r"an identifier used once in the file \(row 3 has it too\)$"),
    one_cell("survey: empty child_id", CHILDREN, survey("children"), 1, "child_id", "", r"an identifier$"),
    one_cell("survey: caregiver of no child", CAREGIVERS, surveys, 0, "child_id", "C9999", r"a child_id of children_synthetic\.csv$"),
    one_cell("survey: caregiver of no child (file alone)", CAREGIVERS, survey("caregivers"), 0, "child_id", "C9999",
             r"a child_id of children_synthetic\.csv$"),
    ("survey: two caregivers for one child", frame_edit(CAREGIVERS, copy_id("child_id", 0, 1)), surveys,
     at("caregivers_synthetic.csv", 1, "child_id", "'C0001'")
     + r"a child_id of children_synthetic\.csv that no other row names \(row 1 names it too\)$"),
    one_cell("survey: roster line naming no interviewed child", ROSTER, surveys, ROSTER_LINKED, "interviewed_child_id", "C9999",
             r"a child_id of children_synthetic\.csv$"),
    # --- ages against their bands
    one_cell("survey: age outside its age_group", CHILDREN, survey("children"), CHILD_1415, "age", "17",
             r"an age within the row's age_group \(age_group '14-15' is ages 14 to 15\)$"),
    one_cell("survey: age outside its age_split", CHILDREN, survey("children"), CHILD_12, "age_split", "16-17",
             r"an age within the row's age_split \(age_split '16-17' is ages 16 to 17\)$", blamed=(CHILD_12, "age", "12")),
    one_cell("survey: roster age outside its age_group", ROSTER, survey("household_roster"), ROSTER_1213, "age", "16",
             r"an age within the row's age_group \(age_group '12-13' is ages 12 to 13\)$"),
    # --- the design
    ("survey: a stratum with a single PSU", frame_edit(CHILDREN, same_psu_in_urban), survey("children"),
     at("children_synthetic.csv", FIRST_URBAN, "stratum", "'urban'")
     + rf"a stratum with at least two PSUs \(with one, the stratum's variance cannot be estimated\); its only PSU is '{URBAN_PSU}'$"),
    one_cell("survey: a PSU in two strata", CHILDREN, survey("children"), FIRST_RURAL, "psu", URBAN_PSU,
             rf"a PSU that lies in one stratum \(row {FIRST_RURAL + 1} puts PSU '{URBAN_PSU}' in stratum 'rural'\)$",
             blamed=(FIRST_URBAN, "psu", URBAN_PSU)),
    # --- the file as a whole
    ("survey: header only", text_edit(CHILDREN, lambda b: b.split(b"\n")[0] + b"\n"), survey("children"),
     r"children_synthetic\.csv: got a header and no rows; expected at least one row under the header$"),
    ("survey: semicolon-separated", semicolons(CHILDREN), survey("children"),
     r"children_synthetic\.csv: got a header separated by ';' \('child_id;household_id;.*'\); "
     r"expected comma-separated values \(the delimiter looks wrong: export with ',' between columns\)$"),
    ("survey: empty file", text_edit(CAREGIVERS, lambda b: b""), survey("caregivers"),
     r"caregivers_synthetic\.csv: got an empty file; expected comma-separated values with a header$"),
    ("survey: a row with an extra field", text_edit(CAREGIVERS, lambda b: b.replace(b"\n", b",extra\n", 3).replace(b",extra\n", b"\n", 2)),
     survey("caregivers"), r"caregivers_synthetic\.csv, row 2: got \d+ fields; expected \d+, one per column of the header"),
    ("survey: not UTF-8", text_edit(CHILDREN, lambda b: b.replace(b"C0001", "C\xe90001".encode("latin-1"), 1)), survey("children"),
     r"children_synthetic\.csv: got a byte that is not UTF-8 text \(byte \d+ of the file\); expected a CSV file saved as UTF-8$"),
    ("survey: folder missing", remove("cambodia/survey"), surveys,
     r"cambodia/survey: got no children_synthetic\.csv, caregivers_synthetic\.csv, household_roster_synthetic\.csv "
     r"\(the folder is missing\); expected the synthetic survey files: regenerate them with "
     r"`python -m dharm synthetic --country cambodia`, which reads .*assumptions\.csv, missing too: restore it"),
    ("survey: one file missing (estimate store)", remove(CHILDREN), estimate_store_of,
     r"cambodia/survey: got no children_synthetic\.csv \(not found\); expected the synthetic survey files: regenerate them with "
     r"`python -m dharm synthetic --country cambodia`\. Only survey estimates need these files\.$"),
    # --- metadata.yml
    ("metadata: declared real, files synthetic", metadata(survey_microdata="real"), surveys,
     r"metadata\.yml, field 'survey_microdata': got 'real'; expected it to match the survey file .*children_synthetic\.csv$"),
    ("metadata: declared real, no files", cells(metadata(survey_microdata="real"), remove("cambodia/survey")), surveys,
     r"cambodia/survey: got no children\.csv, caregivers\.csv, household_roster\.csv \(the folder is missing\); "
     r"expected the survey's microdata, exported as <file>\.csv and checked with `python -m dharm check-microdata`"),
    ("metadata: unknown value", metadata(survey_microdata="maybe"), read_metadata,
     r"metadata\.yml, field 'survey_microdata': got 'maybe'; expected input should be 'synthetic' or 'real'$"),
    ("metadata: unknown field", metadata(colour="red"),
     read_metadata, r"metadata\.yml, field 'colour': got 'red'; expected extra inputs are not permitted$"),
    ("metadata: missing field", metadata(survey_year=DROP), read_metadata,
     r"metadata\.yml, field 'survey_year': got \{.*\}; expected field required$"),
    ("metadata: year as text", metadata(survey_year="twenty"), read_metadata,
     r"metadata\.yml, field 'survey_year': got 'twenty'; expected input should be a valid integer"),
    ("metadata: file missing", remove("cambodia/metadata.yml"), read_metadata,
     r"metadata\.yml: file not found; expected the fields name, survey_year, survey_microdata, report, population, "
     r"sources, published_tables \(see data/README\.md\)$"),
    # --- codebook and indicators
    one_cell("indicators: variable not in the codebook", "codebook/indicators.csv", lambda data: load_indicators(data), 2, "variable",
             "cg_freq_internet|c_no_such_question", r"variables of that file in data/codebook/survey_codebook\.csv$"),
    ("indicators: id used twice", frame_edit("codebook/indicators.csv", copy_id("indicator_id", 0, 1)), lambda data: load_indicators(data),
     r"indicators\.csv, row 2, column 'indicator_id': got '\w+'; expected an id used once$"),
    one_cell("codebook: malformed answer codes", "codebook/survey_codebook.csv", lambda data: load_codebook(data), SINGLE, "codes",
             "1=Yes;two=No", r"answer codes of the form '1=Label;2=Label' for a 'single' variable$"),
    ("codebook: variable defined twice", frame_edit("codebook/survey_codebook.csv", append_row(SINGLE)), lambda data: load_codebook(data),
     r"survey_codebook\.csv, row \d+, column 'variable': got '\w+'; expected a variable defined once per file$"),
    one_cell("codebook: unknown type", "codebook/survey_codebook.csv", lambda data: load_codebook(data), 3, "type", "text",
             r"one of 'id', 'design', 'weight', 'group', 'numeric', 'single'$"),
    one_cell("codebook: skip rule that is no expression", "codebook/survey_codebook.csv", survey("children"), SKIPPED, "asked_if",
             "c_met_in_person ==", RULE_EXPECTED),
    one_cell("codebook: skip rule naming no variable of the file", "codebook/survey_codebook.csv", lambda data: load_codebook(data),
             SKIPPED, "asked_if", "c_met_in_persn == 1", RULE_EXPECTED),
    one_cell("indicators: universe over another file's variable", "codebook/indicators.csv", lambda data: load_indicators(data),
             UNIVERSE, "universe", "cg_freq_internet == 1", r"empty, or an expression over variables of that file"),
    # --- published tables
    published("value not a number", "survey_estimates", 10, "value", "about 40", r"a number of at least 0, or empty$"),
    ("survey_estimates: group of another breakdown",
     cells(cell(PUBLISHED + "survey_estimates.csv", 10, "breakdown", "sex"), cell(PUBLISHED + "survey_estimates.csv", 10, "group", "12-13")),
     table("survey_estimates"), at("survey_estimates.csv", 10, "group", "'12-13'") + r"a group of the row's breakdown \(total: Total; "),
    published("count larger than its base", "survey_estimates", MONEY_COUNT, "value", "600", r"a count no larger than the row's base_n \(520\)$"),
    published("percentage over 100", "survey_estimates", ROSTER_EXACT, "value", "181", r"a percentage of at most 100$"),
    one_cell("survey_estimates: one number, two values", PUBLISHED + "survey_estimates.csv", table("survey_estimates"), ROSTER_EXACT, "value",
             "79", SAME_NUMBER + r"indicator_id, group, unit\), or a 'report inconsistency' row of known_gaps\.csv matching it; "
             rf"row {ROSTER_EXACT + 1} prints 79$", blamed=(ROSTER_HEDGED, "value", "80")),
    ("survey_estimates: a known inconsistency no longer recorded", frame_edit(PUBLISHED + "known_gaps.csv", drop_gap("child_accepted_money_for_images")),
     table("survey_estimates"), at("survey_estimates.csv", MONEY_PERCENT, "value", "'3'") + SAME_NUMBER + rf".*; row {MONEY_SUMMARY + 1} prints 6$"),
    ("survey_estimates: file missing", remove(PUBLISHED + "survey_estimates.csv"), table("survey_estimates"),
     r"survey_estimates\.csv: file not found$"),
    published("percentage over 100", "frontline_survey", FRONT_PERCENT, "value", "140", r"a percentage of at most 100$"),
    published("count larger than its base", "frontline_survey", FRONT_COUNT, "value", "60", r"a count no larger than the row's base_n \(50\)$"),
    ("frontline_survey: one answer, two values", frame_edit(PUBLISHED + "frontline_survey.csv", append_row(FRONT_PERCENT, value="12", section="4")),
     table("frontline_survey"), r"frontline_survey\.csv, row \d+, column 'value': got '12'; expected " + SAME_NUMBER
     + rf"question_id, answer, unit\); row {FRONT_PERCENT + 1} prints \d+$"),
    published("unknown choice", "frontline_survey", 0, "multiple", "perhaps", r"one of 'yes', 'no'$"),
    published("unknown indicator", "figures", 3, "indicators", "child_daily_internet;no_such_indicator",
              r"indicators defined in data/codebook/indicators\.csv"),
    published("unknown chart", "figures", 3, "chart", "pie", r"one of 'bars', 'heatmap', 'risk', 'none'$"),
    published("unknown answer", "rank_orders", 0, "order", "family;aliens",
              r"answers whose indicators child_ocsea_<experience>_<question>_<answer> are defined"),
    published("no reason", "known_gaps", 1, "description", "", r"a reason for the gap$"),
    published("invented figure number", "survey_estimates", 10, "figure", "Infographic 3",
              r"empty, 'Figure 6', 'Figures 3-5, 7-12', or 'panel: <title of figures\.csv> \(section <its section>\)'$"),
    published("panel that figures.csv does not have", "known_gaps", 1, "figure", "panel: Asked to talk about sex (section 2.2.1)",
              r"a panel named by the title and section of a row of figures\.csv$"),
    published("lost figure without its number", "lost_figures", 0, "label", "Diagram 14", r"the report's figure number, e\.g\. Figure 14$"),
    published("lost figure that is drawn", "lost_figures", 0, "figure_id", "fig13", r"an id that figures\.csv and admin_figures\.csv do not use$"),
    published("two-digit year", "admin_counts", 4, "year", "19", r"a year such as 2019, or empty for a whole period$"),
    ("admin_counts: one cell printed twice", frame_edit(PUBLISHED + "admin_counts.csv", append_row(0)), table("admin_counts"),
     r"admin_counts\.csv, row \d+, column 'category': got 'Cambodia'; expected one row per printed cell"),
    published("formula naming no cell", "admin_derived", 0, "formula", "100*({no:such:cell:here:2019} - 1)", r"\{cells\} of admin_counts\.csv"),
    published("unknown measure", "admin_figures", 0, "measures", "no_such_measure", r"measures of the row's table in admin_counts\.csv"),
    published("activity unlike the code", "excerpts", 0, "research_activity", "RA8", r"the research activity at the start of the attribution code$"),
    published("unknown kind", "definitions", 0, "kind", "other", r"one of 'core', "),
    published("unknown kind", "chapter4_numbers", 0, "kind", "guess", r"one of 'survey', "),
    published("value not a number", "assumptions", 0, "value", "lots", r"a number$"),
    ("legislation: unclosed quote", text_edit(PUBLISHED + "legislation.csv", lambda b: b'topic_id,topic\n"unclosed,quote\n'),
     table("legislation"), r"legislation\.csv: got a file that cannot be read as CSV \(.*\); expected comma-separated values with a header$"),
    # --- parameters and library calls
    ("parameter: unknown country", None, lambda data: load_country("atlantis", data),
     r"^parameter country='atlantis': expected a folder under .*; known countries: cambodia, malaysia$"),
    ("library: NaN outcome", None, library(lambda: estimate_proportion(design(y=[1, 0, np.nan, 1, 1, 0, 1, 0]), "y")),
     r"^parameter outcome='y': expected a column holding only 0 and 1 \(index 2 holds nan\)$"),
    ("library: outcome not 0/1", None, library(lambda: estimate_proportion(design(y=[1, 0, 2, 1, 1, 0, 1, 0]), "y")),
     r"^parameter outcome='y': expected a column holding only 0 and 1 \(index 2 holds 2\)$"),
    ("library: domain not 0/1", None, library(lambda: estimate_proportion(design(d=["yes"] * 8), "y", domain="d")),
     r"^parameter domain='d': expected a column holding only 0 and 1 \(index 0 holds 'yes'\)$"),
    ("library: NaN weight", None, library(lambda: estimate_proportion(design(weight=[1, 1, 1, np.nan, 1, 1, 1, 1]), "y")),
     r"^parameter weight='weight': expected a column of positive finite weights \(index 3 holds nan\)$"),
    ("library: one-row design", None, library(lambda: estimate_proportion(DESIGN.head(1), "y")),
     PSU_PER_STRATUM + r"'s' has only PSU 'a', so its variance cannot be estimated\)$"),
    ("library: two records in one PSU", None, library(lambda: estimate_proportion(DESIGN.head(2), "y")),
     PSU_PER_STRATUM + r"'s' has only PSU 'a'"),
    ("library: a stratum with one PSU", None, library(lambda: estimate_proportion(design(psu=["a", "a", "b", "b", "c", "c", "c", "c"]), "y")),
     PSU_PER_STRATUM + r"'t' has only PSU 'c'"),
    ("library: indicator naming no column", None,
     library(lambda: estimate_indicator(DESIGN, pd.Series({"indicator_id": "x", "variable": "c_nope", "positive_codes": "1", "universe": ""}))),
     r"^parameter indicator='x': expected an indicator whose variables are columns of the data \(missing: c_nope\)$"),
    ("library: the store on a single-PSU design", None, store_on_two_children_of_one_psu, PSU_PER_STRATUM + rf"'urban' has only PSU '{URBAN_PSU}'"),
]


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", "data", "notebooks"], cwd=REPO,
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def status_before() -> str:
    return git_status()


def test_the_matrix_is_large_and_named_once():
    names = [c[0] for c in CASES]
    assert len(names) >= 40 and len(set(names)) == len(names)


@pytest.mark.parametrize("name, corrupt, call, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_with_one_clear_message(data_copy, status_before, name, corrupt, call, expected):
    if corrupt is not None:
        corrupt(data_copy)
    with pytest.raises(ValueError) as err:
        call(data_copy)
    message = str(err.value)
    assert re.search(expected, message), f"{name}:\n  got      {message}\n  expected {expected}"
    assert "\n" not in message, message  # one error, not a list
    assert git_status() == status_before  # nothing written to the repository's data or notebooks


# ------------------------------------------------------------------ what must be accepted
ENCODINGS = {
    "byte-order mark": lambda b: b"\xef\xbb\xbf" + b,
    "CRLF line ends": lambda b: b.replace(b"\n", b"\r\n"),
    "trailing blank lines": lambda b: b + b"\n\n\n",
    "all three": lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n") + b"\r\n\r\n",
}


@pytest.mark.parametrize("change", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_encodings_load_identically(data_copy, change):
    reference_survey = load_survey("caregivers", data_copy / "cambodia", load_codebook(data_copy))
    reference_table = load_table("frontline_survey", "cambodia", data_copy)
    for rel in (CAREGIVERS, CHILDREN, PUBLISHED + "frontline_survey.csv", "codebook/indicators.csv"):
        text_edit(rel, change)(data_copy)
    load_codebook.cache_clear()
    load_indicators.cache_clear()
    pd.testing.assert_frame_equal(load_survey("caregivers", data_copy / "cambodia", load_codebook(data_copy)), reference_survey)
    pd.testing.assert_frame_equal(load_table("frontline_survey", "cambodia", data_copy), reference_table)


def test_the_same_number_printed_twice_with_the_same_value_is_accepted(data_copy):
    path = data_copy / PUBLISHED / "survey_estimates.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = first(PUBLISHED + "survey_estimates.csv", indicator_id="child_daily_internet", breakdown="total")
    pd.concat([frame, frame.iloc[[row]].assign(section="4")], ignore_index=True).to_csv(path, index=False)
    assert len(load_table("survey_estimates", "cambodia", data_copy)) == len(frame) + 1
    # a hedge the exact value satisfies agrees with it: 'more than 80%' beside 81%
    edit_csv(path, ROSTER_HEDGED, "value", "80")
    load_table("survey_estimates", "cambodia", data_copy)


def test_pages_without_survey_estimates_work_without_the_survey_folder(data_copy):
    shutil.rmtree(data_copy / "cambodia" / "survey")
    data = load_country("cambodia", data_copy)
    assert data.synthetic is True and not data.has_survey()
    show_data_notice(data)
    for show in (show_definitions, show_legislation, show_policies):  # every call of the context page
        show(data)
    show_profile(data, ReportingRules())
    sizes = check_sizes(data, ReportingRules(), "context")
    assert (sizes.loc[sizes["checked against"].str.contains("survey file"), "verdict"]
            == "not checked: the survey files are missing").all()
    with pytest.raises(DataValidationError, match=r"cambodia/survey: got no children_synthetic.csv, .*regenerate them with"):
        estimate_store(data)  # a page with survey estimates says how to get the files


def test_an_interval_without_variance_is_never_printed_as_nan(country_data):
    """A domain whose records lie in one PSU has no design-based variance (its df is 0): the
    store keeps the interval undefined and a table says so, whatever the minimum base."""
    stored = estimate_store(country_data).estimates
    undefined = stored[stored["ci_low"].isna()]
    assert len(undefined) and (undefined["df"] == 0).all()
    shown = apply_reporting_rules(undefined.assign(modelled=False), ReportingRules(min_base=1))
    assert shown["display"].str.endswith("(no interval)").all() and not shown["display"].str.contains("nan").any()


# ------------------------------------------------------------------ python -m dharm check-microdata
def run_check(*args: str):
    return CliRunner().invoke(app, ["check-microdata", *args])


def test_check_microdata_passes_clean_files():
    result = run_check()
    assert result.exit_code == 0, result.output
    assert result.output.count("no problems") == 3
    one = run_check(str(DATA_ROOT / CAREGIVERS))
    assert one.exit_code == 0 and one.output.strip().endswith("(caregivers, 992 records): no problems"), one.output


def test_check_microdata_lists_every_problem_at_once(tmp_path, status_before):
    frame = _read(CHILDREN)
    frame.loc[5, "child_id"] = frame.loc[2, "child_id"]
    frame.loc[[3, 9], "weight"] = ["nan", "-1"]
    frame.loc[CHILD_1415, "age"] = "17"
    frame.loc[8:20, "c_freq_internet"] = "9"
    frame.loc[MET_NO, "c_met_feeling"] = "1"
    same_psu_in_urban(frame)
    frame = frame.drop(columns="age_split").assign(interviewer="A")
    frame.to_csv(tmp_path / "children.csv", index=False)
    carers = _read(CAREGIVERS)
    carers.loc[0, "child_id"] = "C9999"
    carers.to_csv(tmp_path / "caregivers.csv", index=False)
    result = run_check(str(tmp_path / "children.csv"), str(tmp_path / "caregivers.csv"))
    assert result.exit_code == 1
    out = result.output
    for expected in [
        r"children\.csv \(children, 992 records\): 8 problems",
        r"missing columns \(in the codebook for children, not in the file\): age_split",
        r"unexpected columns \(not in the codebook for children\): interviewer",
        r"column 'child_id': expected an identifier used once in the file; 1 row: row 6 'C0003' \(row 3 has it too\)",
        r"column 'stratum': expected a stratum with at least two PSUs .*; \d+ rows: row 1 'urban' \(its only PSU is 'V001'\)",
        r"column 'weight': expected a positive finite number; 2 rows: row 4 'nan', row 10 '-1'",
        rf"column 'age': expected an age within the row's age_group; 1 row: row {CHILD_1415 + 1} '17'",
        r"column 'c_freq_internet': expected an answer code .*; 13 rows: row 9 '9', row 10 '9', row 11 '9', row 12 '9', "
        r"row 13 '9' and 8 more",
        rf"column 'c_met_feeling': expected an empty cell, because the skip rule 'c_met_in_person == 1' says it was not asked; "
        rf"1 row: row {MET_NO + 1} '1'",
        r"caregivers\.csv \(caregivers, 992 records\): 1 problem\n  - column 'child_id': expected a child_id of children\.csv; "
        r"2 rows: row 1 'C9999', row 6 'C0006'",  # C0006 became a second C0003 above
    ]:
        assert re.search(expected, out), f"{expected}\n{out}"
    assert git_status() == status_before


def test_check_microdata_infers_the_file_or_takes_it(tmp_path):
    path = tmp_path / "export.csv"
    _read(ROSTER).drop(columns="synthetic").to_csv(path, index=False)
    assert "(household_roster, " in run_check(str(path)).output  # links not checked: no children file beside it
    assert "links in 'interviewed_child_id' not checked" in run_check(str(path)).output
    wrong = run_check(str(path), "--file", "children")
    assert wrong.exit_code == 1 and "missing columns (in the codebook for children" in wrong.output
    unknown = run_check(str(DATA_ROOT / "cambodia/survey/assumptions.csv"))
    assert unknown.exit_code == 1 and "got columns that match no survey file of the codebook" in unknown.output
    bad = run_check(str(path), "--file", "kids")
    assert bad.exit_code == 2 and "parameter file='kids': expected one of children, caregivers, household_roster" in bad.output


def test_every_published_table_still_loads(country_data):
    for name, spec in TABLES.items():
        frame = country_data.table(name)
        assert len(frame) > 0 and frame.attrs["path"].endswith(spec.file)
    assert list(country_data.surveys) == ["children", "caregivers", "household_roster"]
