"""What a sentence of the book may say about a number: one rule, applied by every page.

The book never says what the report does not. So, for a survey number:

* while the survey files are **synthetic** (declared in ``data/<country>/metadata.yml``), prose
  quotes the value the report **printed**, with its hedge ("more than 40%"); the computed
  estimate and its interval stay in the figure's table beside it;
* once the files are the survey's **real** microdata, prose quotes the computed estimate;
* a computed estimate the report never printed is quoted only when ``show_modelled`` is true,
  and then marked as modelled; otherwise asking for it is an error;
* on a base under ``min_base`` no computed share is quoted (the count is); a share the report
  itself printed on such a base is quoted as printed and labelled so;
* an interval is never prose: where shown, it sits in a table, labelled as the precision a
  survey of this design gives.

Numbers derived from published counts (administrative data) follow the same rule: the printed
value where the report prints one; the recomputation sits in the table beside it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import GROUPS
from ..io.country import CountryData
from ..io.errors import NotPublished
from ..stats.numbers import RESPONDENT_NOUN, count, count_of, percent, printed
from ..stats.rules import ReportingRules
from .survey import sample_table


class ProseRuleError(NotPublished, ValueError):
    """A page asked its prose to quote a number the report did not print (for this country).

    It is a :class:`NotPublished`: a page quoting another country's data says so in place of the
    number; the default country's pages must never meet it (a test checks).
    """

    def __init__(self, country_name: str, message: str):
        NotPublished.__init__(self, country_name, message)
        self.args = (message,)


@dataclass(frozen=True)
class ProseRule:
    """The facts the rule needs: what the survey files are, the page's reporting rules, and whose report."""

    synthetic: bool
    min_base: int
    show_modelled: bool
    country_name: str = ""


def prose_rule(data: CountryData, rules: ReportingRules) -> ProseRule:
    return ProseRule(data.synthetic, rules.min_base, rules.show_modelled, data.metadata.name)


def modelled(text: str) -> str:
    return f"{text} (modelled)"


def small_base_label(text: str, rule: ProseRule) -> str:
    """A share the report printed on a base the book would show as a count."""
    return f"{text} (as printed, on fewer than {rule.min_base} respondents)"


def survey_prose(row, rule: ProseRule, what: str = "") -> str:
    """How a sentence quotes one cell of a figure table (a row with estimate, n, n_positive,
    published, qualifier, published_count, respondent)."""
    noun = RESPONDENT_NOUN.get(row.get("respondent", "children"), "")
    small = row["n"] < rule.min_base
    has_share = pd.notna(row.get("published"))
    has_count = pd.notna(row.get("published_count"))
    if rule.synthetic:
        if has_share:
            text = printed_prose(row["published"], row.get("qualifier", "") or "")
            return small_base_label(text, rule) if small else text
        if has_count:
            return f"{count(row['published_count'])} {noun}".strip()
        if not rule.show_modelled:
            raise ProseRuleError(rule.country_name, f"prose {what or row.get('indicator_id', '')}: the report printed no value for this cell, "
                                 "and the survey files are synthetic; only show_modelled = True may quote it (marked)")
        return modelled(count_of(row["n_positive"], row["n"], noun) if small else percent(row["estimate"]))
    return count_of(row["n_positive"], row["n"], noun) if small else percent(row["estimate"])


def published_cell(data: CountryData, indicator_id: str, group: str = "Total", unit: str | None = None) -> pd.Series | None:
    """The report's own printing of one cell (its chapter's, before the executive summary's repeat), if any."""
    breakdowns = [b for b, groups in GROUPS.items() if group in groups]
    pub = data.published
    rows = pub[(pub["indicator_id"] == indicator_id) & (pub["group"] == group) & pub["breakdown"].isin(breakdowns)
               & pub["value"].notna()]
    if unit is not None:
        rows = rows[rows["unit"] == unit]
    if rows.empty:
        return None
    return rows.assign(_summary=rows["section"] == "summary").sort_values("_summary", kind="stable").iloc[0]


def count_prose(data: CountryData, rule: ProseRule, indicator_id: str, computed: int, group: str = "Total",
                column: str = "n_positive") -> str:
    """How a sentence quotes a number of respondents: who have an indicator (``n_positive``) or
    are in its base (``n``). Synthetic data: only a count the report printed."""
    if not rule.synthetic:
        return count(computed)
    if column == "n_positive":
        cell = published_cell(data, indicator_id, group, "count")
        value = None if cell is None else cell["value"]
    else:  # the base: any printing of the cell that gives its n
        pub = data.published
        bases = pub[(pub["indicator_id"] == indicator_id) & (pub["group"] == group) & pub["base_n"].notna()]["base_n"]
        value = None if bases.empty else bases.iloc[0]
    if value is not None and pd.notna(value):
        return count(value)
    if not rule.show_modelled:
        raise ProseRuleError(rule.country_name, f"prose: the report printed no {'count' if column == 'n_positive' else 'base'} for "
                             f"{indicator_id} ({group}), and the survey files are synthetic")
    return modelled(count(computed))


def printed_prose(value: float, qualifier: str = "", unit: str = "percent") -> str:
    """A value the report printed, as a sentence quotes it ("more than 40%", "about 160,000", "261%")."""
    qualifier = "about" if qualifier == "approximately" else (qualifier or "")
    return printed(value, qualifier, "percent" if unit in ("percent", "percent change") else "")


SAMPLE_SIZES = {"n_children": ("sample_children", "total", "Total"), "n_boys": ("sample_children", "sex", "boy"),
                "n_girls": ("sample_children", "sex", "girl"), "n_psus": ("sample_psus", "total", "Total"),
                "n_caregivers": ("sample_caregivers", "total", "Total"),
                "n_roster": ("sample_roster_households", "total", "Total")}


def sample_prose(data: CountryData, rules: ReportingRules) -> dict[str, str | NotPublished]:
    """The sample's sizes as a sentence quotes them: as printed while the survey files are synthetic,
    the records of the real files otherwise.

    A size the report does not print is, in synthetic files, an assumption of the generator: it is
    :class:`NotPublished` (the page says so), or with ``show_modelled`` marked as modelled.
    """
    table = sample_table(data, rules).set_index(["indicator_id", "breakdown", "group"])
    rule = prose_rule(data, rules)
    out: dict[str, str | NotPublished] = {}
    for name, key in SAMPLE_SIZES.items():
        row = table.loc[key]
        if not rule.synthetic:
            out[name] = count(row["computed"])
        elif pd.notna(row["published"]):
            out[name] = count(row["published"])
        elif rule.show_modelled:
            out[name] = modelled(count(row["computed"]))
        else:
            out[name] = data.not_published(f"sample size {name}")
    return out


def printed_cell_prose(data: CountryData, indicator_id: str, group: str = "Total") -> str:
    """A number the report printed (with its hedge) that no figure table holds, e.g. a share scaled to the population."""
    cell = published_cell(data, indicator_id, group)
    if cell is None:
        raise ProseRuleError(data.metadata.name, f"prose: the report printed no value for {indicator_id} ({group})")
    unit = "children" if cell["unit"] == "count" else cell["unit"]
    return printed_prose(cell["value"], cell["qualifier"], unit)
