"""Evidence that is not a household-survey estimate: the frontline workers' survey (a
non-probability sample, shown as published distributions, never with survey-style
intervals) and the interview excerpts the report quotes (kept with their attribution
codes, never with anything that could identify a person).
"""
from __future__ import annotations

import html
import json
import re
import textwrap
from pathlib import Path

import altair as alt
import pandas as pd
from IPython.display import HTML, display

from .charts import FONT, OKABE_ITO
from .data import DataValidationError, _read_csv, _require_number, _require_values, country_dir
from .keyfindings import anchor_html
from .render import show_chart

RESEARCH_ACTIVITIES = {
    "RA1": "interviews with government representatives",
    "RA3": "survey of frontline social-service workers",
    "RA4": "access-to-justice interviews (children, caregivers, justice professionals)",
    "RA5": "conversations with survivors",
    "RA8": "interviews with law enforcement",
}
ATTRIBUTION = re.compile(r"^(RA[13458])-[A-Za-z0-9&-]+$")  # kept as printed, including the report's own variants
FRONTLINE_COLUMNS = ["question_id", "question", "answer", "value", "unit", "base_n", "multiple", "section", "figure", "note"]
EXCERPT_COLUMNS = ["excerpt_id", "attribution", "research_activity", "respondent_group", "section", "theme", "topic", "excerpt"]
FRONTLINE_NOTE = ("A non-probability convenience sample of frontline workers: the shares describe the people who "
                  "answered, not all frontline workers, so no confidence intervals are given.")


def load_frontline(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """The frontline workers' answers as published: one row per answer category of a question."""
    path = country_dir(country, data_root) / "published" / "frontline_survey.csv"
    frame = _read_csv(path, FRONTLINE_COLUMNS)
    _require_values(frame, path, "unit", ("percent", "count"))
    _require_values(frame, path, "multiple", ("yes", "no"))
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.value == "" and "words only" not in row.note:
            raise DataValidationError(f"{path}, row {i}, column 'value': empty; only findings printed in words may be empty, and their note must say 'words only'")
    frame["value"] = _require_number(frame, path, "value", allow_empty=True, lo=0)
    frame["base_n"] = _require_number(frame, path, "base_n", allow_empty=True, lo=1)
    return frame


def load_excerpts(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    """Quoted interview excerpts, each with a known attribution code, section and theme."""
    path = country_dir(country, data_root) / "published" / "excerpts.csv"
    frame = _read_csv(path, EXCERPT_COLUMNS)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        match = ATTRIBUTION.match(row.attribution)
        if not match:
            raise DataValidationError(f"{path}, row {i}, column 'attribution': {row.attribution!r} is not a code like RA4-CA-03-child "
                                      f"(research activities {', '.join(RESEARCH_ACTIVITIES)})")
        if match.group(1) != row.research_activity:
            raise DataValidationError(f"{path}, row {i}, column 'research_activity': {row.research_activity!r} does not match the code {row.attribution!r}")
        if not re.fullmatch(r"\d(\.\d+)*", row.section):
            raise DataValidationError(f"{path}, row {i}, column 'section': {row.section!r} is not a report section such as 3.2")
        for col in ("theme", "excerpt"):
            if not getattr(row, col).strip():
                raise DataValidationError(f"{path}, row {i}, column '{col}': empty")
    if frame["excerpt_id"].duplicated().any():
        raise DataValidationError(f"{path}: excerpt_id {frame.loc[frame['excerpt_id'].duplicated(), 'excerpt_id'].iloc[0]!r} appears twice")
    return frame


def excerpts_for(excerpts: pd.DataFrame, themes: list[str] | None = None, sections: list[str] | None = None) -> pd.DataFrame:
    """The excerpts on some themes and/or in some sections (a section includes its subsections)."""
    out = excerpts
    if themes:
        unknown = sorted(set(themes) - set(excerpts["theme"]))
        if unknown:
            raise ValueError(f"parameter themes: {unknown} not among the excerpt themes ({', '.join(sorted(set(excerpts['theme'])))})")
        out = out[out["theme"].isin(themes)]
    if sections:
        out = out[out["section"].map(lambda s: any(s == x or s.startswith(x + ".") for x in sections))]
    return out


def show_excerpts(excerpts: pd.DataFrame, themes: list[str] | None = None, sections: list[str] | None = None,
                  title: str = "") -> pd.DataFrame:
    """Excerpts as block quotes with their attribution and what the code stands for."""
    chosen = excerpts_for(excerpts, themes, sections)
    parts = [f"<p><strong>{html.escape(title)}</strong></p>"] if title else []
    if chosen.empty:
        parts.append("<p><em>No quoted excerpt for this selection.</em></p>")
    for r in chosen.itertuples(index=False):
        parts.append(f'<blockquote class="dharm-excerpt"><p>{html.escape(r.excerpt)}</p>'
                     f"<p>({html.escape(r.attribution)}: {html.escape(RESEARCH_ACTIVITIES[r.research_activity])}; "
                     f"{html.escape(r.topic)})</p></blockquote>")
    display(HTML("\n".join(parts)))
    return chosen


def distribution_check(frontline: pd.DataFrame) -> pd.DataFrame:
    """Do a question's printed percentages add up to about 100? (Select-all questions need not.)"""
    percent = frontline[(frontline["unit"] == "percent") & frontline["value"].notna() & (frontline["multiple"] == "no")]
    out = percent.groupby(["question_id", "section", "figure"], sort=False)["value"].sum().reset_index(name="sum_of_shares")
    out["verdict"] = ["adds up" if 98.5 <= v <= 101.5 else ("over 100" if v > 101.5 else "under 100") for v in out["sum_of_shares"]]
    return out


def show_distribution(frontline: pd.DataFrame, question_ids: list[str], title: str, source: str,
                      min_base: int = 50) -> pd.DataFrame:
    """Published answer shares of frontline questions as 100% bars, with the sample's nature stated.

    The small-base rule applies here too: with fewer respondents than ``min_base`` the shares
    are turned back into counts of workers and no chart is drawn.
    """
    if isinstance(min_base, bool) or not isinstance(min_base, int) or min_base < 1:
        raise ValueError(f"parameter min_base={min_base!r}: expected a whole number of at least 1 (the report uses 50)")
    rows = frontline[frontline["question_id"].isin(question_ids) & frontline["value"].notna() & (frontline["unit"] == "percent")]
    words = frontline[frontline["question_id"].isin(question_ids) & frontline["value"].isna()]
    small = rows["base_n"].fillna(50) < min_base
    if small.any():
        rows = rows.copy()
        rows.loc[small, "value"] = (rows.loc[small, "value"] * rows.loc[small, "base_n"].fillna(50) / 100).round()
        rows.loc[small, "unit"] = "count"
        frontline = pd.concat([frontline.drop(rows.index), rows]).loc[frontline.index]
        rows = rows[~small]
    if not rows.empty:
        n = int(rows["base_n"].max()) if rows["base_n"].notna().any() else 50
        subtitle = textwrap.wrap(f"Base: frontline social-service workers, n = {n}. {FRONTLINE_NOTE} {source}", 95)
        answers = list(dict.fromkeys(rows["answer"]))
        chart = alt.Chart(rows.rename(columns={"value": "Share (%)", "answer": "Answer", "question": "Question"})).mark_bar().encode(
            x=alt.X("Share (%):Q", stack="zero", title="% of frontline workers who answered (as published)"),
            y=alt.Y("Question:N", title=None, sort=list(dict.fromkeys(rows["question"])), axis=alt.Axis(labelLimit=260)),
            color=alt.Color("Answer:N", sort=answers, scale=alt.Scale(domain=answers, range=(OKABE_ITO * 3)[: len(answers)]),
                            legend=alt.Legend(title=None, orient="top")),
            order=alt.Order("order:Q"),
            tooltip=["Question", "Answer", "Share (%)"],
        ).transform_calculate(order="indexof(" + json.dumps(answers) + ", datum.Answer)").properties(
            title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=11),
            width=360, height=max(40, 24 * rows["question_id"].nunique()),
        ).configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(labelFont=FONT).configure_view(stroke=None)
        show_chart(chart)
    table = frontline[frontline["question_id"].isin(question_ids)][["question", "answer", "value", "unit", "base_n", "note"]]
    anchors = "".join(anchor_html(q) for q in dict.fromkeys(question_ids))
    display(HTML(f"<p>{anchors}{html.escape(FRONTLINE_NOTE)} {html.escape(source)}</p>"
                 + table.rename(columns=str.capitalize).to_html(index=False, border=0, classes="dharm-table", na_rep="",
                                                               float_format=lambda v: f"{v:g}")))
    return pd.concat([rows, words])
