"""The report's front matter as data: research activities (Figure 1), definitions (Figure 2),
the "About Cambodia" context, and the legislation and policy overview.

These are not survey estimates. Sample sizes are checked against the other places the
report prints them (the microdata, the frontline survey's base, the methods text);
context values the PDF conversion lost are kept as rows with no value, so the book can
say what is missing instead of inventing it.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .data import DataValidationError, _read_csv, _require_number, _require_unique, _require_values, country_dir

ACTIVITY_COLUMNS = ["activity_id", "in_figure_1", "phase", "activity", "code", "sample_size", "unit", "period", "check", "section", "note"]
DEFINITION_COLUMNS = ["term", "kind", "definition", "section"]
CONTEXT_COLUMNS = ["item_id", "panel", "item", "value", "unit", "year", "source", "survived", "check", "note"]
LEGISLATION_COLUMNS = ["topic_id", "topic", "coverage", "what_law_covers", "gaps", "articles", "instrument", "section"]
POLICY_COLUMNS = ["policy_id", "policy", "start_year", "end_year", "issued_by", "summary", "section"]
COVERAGE = ("covered", "partly covered", "not covered", "condition", "draft only")
CHECK = re.compile(r"^(survey:(children|caregivers)|frontline:base_n|admin:[^:]+:[^:]+:[^:]*:[^:]*:\d{0,4})$")


def _published(country: str, name: str, data_root: Path | str | None) -> Path:
    return country_dir(country, data_root) / "published" / name


def _require_checks(frame: pd.DataFrame, path: Path) -> None:
    for i, value in enumerate(frame["check"], start=1):
        if value and not CHECK.match(value):
            raise DataValidationError(f"{path}, row {i}, column 'check': {value!r} is not survey:children, survey:caregivers, "
                                      "frontline:base_n or admin:<table:measure:dimension:category:year>")


def load_research_activities(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """The research activities and their sample sizes (Figure 1 and the methods text)."""
    path = _published(country, "research_activities.csv", data_root)
    frame = _read_csv(path, ACTIVITY_COLUMNS)
    _require_unique(frame, path, "activity_id")
    _require_values(frame, path, "in_figure_1", ("yes", "no"))
    _require_values(frame, path, "phase", ("1", "2"), nonempty=False)
    _require_values(frame, path, "activity")
    frame["sample_size"] = _require_number(frame, path, "sample_size", allow_empty=True, lo=1)
    _require_checks(frame, path)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.check and pd.isna(row.sample_size):
            raise DataValidationError(f"{path}, row {i}, column 'check': there is no sample size to check")
    return frame


def load_definitions(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """Terms the report defines, in the book's words, grouped as in Figure 2."""
    path = _published(country, "definitions.csv", data_root)
    frame = _read_csv(path, DEFINITION_COLUMNS)
    _require_unique(frame, path, "term")
    _require_values(frame, path, "kind", ("core", "Figure 2: form of OCSEA", "Figure 2: related phenomenon", "term used in the report"))
    _require_values(frame, path, "definition")
    return frame


def load_context(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """The "About Cambodia" panels: values that survived the conversion, and rows for those that did not."""
    path = _published(country, "context.csv", data_root)
    frame = _read_csv(path, CONTEXT_COLUMNS)
    _require_unique(frame, path, "item_id")
    _require_values(frame, path, "survived", ("yes", "no"))
    frame["value"] = _require_number(frame, path, "value", allow_empty=True)
    _require_checks(frame, path)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if (row.survived == "yes") == pd.isna(row.value):
            raise DataValidationError(f"{path}, row {i}, column 'value': a value must be given exactly when survived is 'yes'")
        if row.survived == "no" and not row.note:
            raise DataValidationError(f"{path}, row {i}, column 'note': say what was lost")
    return frame


def load_legislation(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """What Cambodian law covers for each OCSEA offence, with article references as printed."""
    path = _published(country, "legislation.csv", data_root)
    frame = _read_csv(path, LEGISLATION_COLUMNS)
    _require_unique(frame, path, "topic_id")
    _require_values(frame, path, "coverage", COVERAGE)
    _require_values(frame, path, "what_law_covers")
    return frame


def load_policies(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """National policies and international commitments, with the years they run."""
    path = _published(country, "policies.csv", data_root)
    frame = _read_csv(path, POLICY_COLUMNS)
    _require_unique(frame, path, "policy_id")
    for column in ("start_year", "end_year"):
        frame[column] = _require_number(frame, path, column, allow_empty=True, lo=1950, hi=2100).astype("Int64")
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if pd.notna(row.end_year) and (pd.isna(row.start_year) or row.end_year < row.start_year):
            raise DataValidationError(f"{path}, row {i}, column 'end_year': {row.end_year} is before start_year or has none")
    frame["period"] = [("" if pd.isna(s) else f"{s}" + ("" if pd.isna(e) else f"-{e}"))
                       for s, e in zip(frame["start_year"], frame["end_year"])]
    return frame


def checked_size(check: str, country: str = "cambodia", data=None) -> float:
    """The size ``check`` names, from the data: a survey's records, the frontline base, a printed count."""
    kind, _, ref = check.partition(":")
    if kind == "survey":
        if data is None:
            from .figures import load_country
            data = load_country(country)
        return float(len(data.surveys[ref]))
    if kind == "frontline":
        from .evidence import load_frontline
        return float(load_frontline(country)["base_n"].max())
    from .admin import load_admin_counts
    counts = load_admin_counts(country).set_index("key")["value"]
    if ref not in counts.index:
        raise KeyError(f"check {check!r}: no such cell in admin_counts.csv")
    return float(counts[ref])


SIZED = {"activity": ("activity_id", "sample_size"), "item": ("item_id", "value")}  # research_activities.csv, context.csv


def check_sizes(frame: pd.DataFrame, label_column: str, country: str = "cambodia", data=None) -> pd.DataFrame:
    """Each printed size beside the same size from another source; unchecked rows say so.

    ``frame`` is research_activities.csv (``label_column='activity'``) or context.csv (``'item'``).
    """
    id_column, value_column = SIZED[label_column]
    rows = []
    for r in frame[frame[value_column].notna()].to_dict("records"):
        printed = float(r[value_column])
        computed = checked_size(r["check"], country, data) if r["check"] else float("nan")
        verdict = "no second source" if not r["check"] else ("agrees" if computed == printed else "disagrees")
        rows.append({"id": r[id_column], "what": r[label_column], "printed": printed, "computed": computed,
                     "checked against": _describe(r["check"]), "verdict": verdict})
    return pd.DataFrame(rows, columns=["id", "what", "printed", "computed", "checked against", "verdict"])


def _describe(check: str) -> str:
    if not check:
        return ""
    kind, _, ref = check.partition(":")
    if kind == "survey":
        return f"records in the {ref} survey file"
    if kind == "frontline":
        return "base of the frontline survey (frontline_survey.csv)"
    return f"count printed in the methods text ({ref.split(':')[1]})"


def frontmatter_ledger(country: str = "cambodia", data=None) -> pd.DataFrame:
    """Ledger rows for the sample sizes of the methods page and the bases of the context page."""
    rows = []
    for page, frame, label in (("methods", load_research_activities(country), "activity"), ("context", load_context(country), "item")):
        for c in check_sizes(frame, label, country, data).itertuples(index=False):
            status = {"agrees": "reproduced", "disagrees": "outside tolerance", "no second source": "not recomputable"}[c.verdict]
            rows.append((page, page, "Figure 1 and methods text" if page == "methods" else "About Cambodia", f"{page}: {c.id}", "total", "Total",
                         c.printed, c.computed, status))
    out = pd.DataFrame(rows, columns=["chapter", "section", "figure", "indicator", "breakdown", "group", "published", "computed", "status"])
    out["diff"] = (out["computed"] - out["published"]).round(2)
    from .ledger import LEDGER_COLUMNS, with_known_gaps
    return with_known_gaps(out, country)[LEDGER_COLUMNS]
