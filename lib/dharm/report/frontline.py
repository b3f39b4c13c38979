"""Evidence that is not a household-survey estimate: the frontline workers' survey (a
non-probability sample, shown as published distributions, never with survey-style
intervals) and the interview excerpts the report quotes (kept with their attribution
codes, never with anything that could identify a person).
"""
from __future__ import annotations

import pandas as pd

from ..io.country import CountryData
from ..io.parameters import check_min_base, check_themes
from ..stats import judge
from .checks import checks_frame, page_of_section

FRONTLINE_NOTE = ("A non-probability convenience sample of frontline workers: the shares describe the people who "
                  "answered, not all frontline workers, so no confidence intervals are given.")


def excerpts_for(excerpts: pd.DataFrame, themes: list[str] | None = None, sections: list[str] | None = None) -> pd.DataFrame:
    """The excerpts on some themes and/or in some sections (a section includes its subsections)."""
    out = excerpts
    if check_themes(themes, list(excerpts["theme"].unique())):
        out = out[out["theme"].isin(themes)]
    if sections:
        out = out[out["section"].map(lambda s: any(s == x or s.startswith(x + ".") for x in sections))]
    return out


def distribution(frontline: pd.DataFrame, question_ids: list[str], min_base: int = 50) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Printed answer shares of some questions, with the small-base rule applied.

    Returns the shares to draw (bases of at least ``min_base``) and the table to show, in
    which shares on smaller bases are turned back into counts of workers. A share printed
    without its base cannot be turned into a count: it is shown as printed.
    """
    check_min_base(min_base)
    chosen = frontline[frontline["question_id"].isin(question_ids)].copy()
    base = chosen["base_n"]
    small = (chosen["unit"] == "percent") & chosen["value"].notna() & base.notna() & (base < min_base)
    chosen.loc[small, "value"] = (chosen.loc[small, "value"] * base[small] / 100).round()
    chosen.loc[small, "unit"] = "count"
    drawn = chosen[(chosen["unit"] == "percent") & chosen["value"].notna()]
    return drawn, chosen[["question", "answer", "value", "unit", "base_n", "note"]]


def distribution_check(frontline: pd.DataFrame) -> pd.DataFrame:
    """Do a question's printed percentages add up to about 100? (Select-all questions need not.)"""
    percent = frontline[(frontline["unit"] == "percent") & frontline["value"].notna() & (frontline["multiple"] == "no")]
    out = percent.groupby(["question_id", "section", "figure"], sort=False)["value"].sum().reset_index(name="sum_of_shares")
    out["verdict"] = out["sum_of_shares"].map(judge.adds_up)
    return out


def frontline_base(data: CountryData) -> int:
    """The number of frontline workers who answered (the largest printed base); :class:`NotPublished` if none is printed."""
    bases = data.table("frontline_survey")["base_n"].dropna()
    if bases.empty:
        raise data.not_published("the number of frontline workers who answered")
    return int(bases.max())


def frontline_checks(data: CountryData) -> pd.DataFrame:
    """Single-answer frontline questions whose printed shares should add up to 100%."""
    rows = [(page_of_section(c.section), c.section, c.figure, f"frontline: {c.question_id} (sum of shares)", "total", "Total",
             100.0, float(c.sum_of_shares), judge.REPRODUCED if c.verdict == "adds up" else judge.OUTSIDE)
            for c in distribution_check(data.table("frontline_survey")).itertuples(index=False)]
    return checks_frame(rows)
