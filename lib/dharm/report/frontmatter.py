"""The report's front matter: research activities (Figure 1), definitions (Figure 2), the
country context, legislation and policy.

These are not survey estimates. Printed sample sizes are checked against another place
that gives the same size (the survey files, the frontline survey's base, a count printed in
the methods text); context values the PDF conversion lost stay as rows with no value, so
the book can say what is missing instead of inventing it.
"""
from __future__ import annotations

import pandas as pd

from ..io.country import CountryData
from ..stats import judge
from ..stats.rules import ReportingRules
from .checks import checks_frame
from .frontline import frontline_base
from .survey import store_for

# research_activities.csv and context.csv: their id, value and label columns.
SIZED = {"research_activities": ("activity_id", "sample_size", "activity"), "context": ("item_id", "value", "item")}
AGREES, DISAGREES, NO_SECOND_SOURCE = "agrees", "disagrees", "no second source"
NO_SURVEY_FILES = "not checked: the survey files are missing"


def checked_size(data: CountryData, rules: ReportingRules, check: str) -> float:
    """The size ``check`` names, from the data: a survey file's records, the frontline base, a printed count."""
    kind, _, ref = check.partition(":")
    if kind == "survey":
        return float(store_for(data, rules).facts(ref)["records"])
    if kind == "frontline":
        return float(frontline_base(data))
    counts = data.table("admin_counts").set_index("key")["value"]
    if ref not in counts.index:
        raise KeyError(f"check {check!r}: no such cell in admin_counts.csv")
    return float(counts[ref])


def describe_check(check: str) -> str:
    """What a size is checked against, in words."""
    if not check:
        return ""
    kind, _, ref = check.partition(":")
    if kind == "survey":
        return f"records in the {ref} survey file"
    if kind == "frontline":
        return "base of the frontline survey (frontline_survey.csv)"
    return f"count printed in the methods text ({ref.split(':')[1]})"


def check_sizes(data: CountryData, rules: ReportingRules, table: str, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each printed size of ``table`` (research_activities or context) beside the same size from another source."""
    id_column, value_column, label_column = SIZED[table]
    frame = data.table(table) if frame is None else frame
    rows = []
    for r in frame[frame[value_column].notna()].to_dict("records"):
        printed = float(r[value_column])
        if r["check"].startswith("survey:") and not data.has_survey():  # the page needs no survey data otherwise
            rows.append({"id": r[id_column], "what": r[label_column], "printed": printed, "computed": float("nan"),
                         "checked against": describe_check(r["check"]), "verdict": NO_SURVEY_FILES})
            continue
        computed = checked_size(data, rules, r["check"]) if r["check"] else float("nan")
        verdict = NO_SECOND_SOURCE if not r["check"] else (AGREES if computed == printed else DISAGREES)
        rows.append({"id": r[id_column], "what": r[label_column], "printed": printed, "computed": computed,
                     "checked against": describe_check(r["check"]), "verdict": verdict})
    return pd.DataFrame(rows, columns=["id", "what", "printed", "computed", "checked against", "verdict"])


def frontmatter_checks(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """The sample sizes of the methods page and the bases of the context page, checked."""
    status = {AGREES: judge.REPRODUCED, DISAGREES: judge.OUTSIDE, NO_SECOND_SOURCE: judge.NOT_RECOMPUTABLE,
              NO_SURVEY_FILES: judge.NOT_RECOMPUTABLE}
    rows = []
    for page, table, figure in (("methods", "research_activities", "Figure 1 and methods text"), ("context", "context", f"About {data.metadata.name}")):
        for c in check_sizes(data, rules, table).itertuples(index=False):
            rows.append((page, page, figure, f"{page}: {c.id}", "total", "Total", c.printed, c.computed, status[c.verdict]))
    return checks_frame(rows)
