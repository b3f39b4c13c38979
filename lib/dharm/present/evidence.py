"""The frontline workers' survey and the interview excerpts on a page."""
from __future__ import annotations

import html

import pandas as pd

from ..io.country import CountryData
from ..io.errors import NotPublished
from ..io.published import RESEARCH_ACTIVITIES
from ..report.frontline import FRONTLINE_NOTE, distribution, excerpts_for, frontline_base
from ..report.survey import published_in
from ..stats.numbers import unit_kind, value_text
from .charts import distribution_chart
from .prose import glue_numbers
from .render import show_chart
from .cite import cite_placeholder, references_html, report_ref, source_bibkeys
from .tables import anchor_html, html_table, show_html
from .unpublished import or_not_published


@or_not_published
def show_excerpts(data: CountryData, themes: list[str] | None = None, sections: list[str] | None = None,
                  title: str = "") -> pd.DataFrame:
    """Excerpts as block quotes with their attribution and what the code stands for."""
    chosen = excerpts_for(data.require("excerpts"), themes, sections)
    parts = [f"<p><strong>{html.escape(title)}</strong></p>"] if title else []
    if chosen.empty:
        parts.append("<p><em>No quoted excerpt for this selection.</em></p>")
    for r in chosen.itertuples(index=False):
        parts.append(f'<blockquote class="dharm-excerpt"><p>{html.escape(r.excerpt)}</p>'
                     f"<p>({html.escape(r.attribution)}: {html.escape(RESEARCH_ACTIVITIES[r.research_activity])}; "
                     f"{html.escape(r.topic)})</p></blockquote>")
    show_html("\n".join(parts))
    return chosen


def frontline_source(data: CountryData, rows: pd.DataFrame) -> str:
    """Where some frontline numbers come from: the publications their rows name, and the figures or sections."""
    places = list(dict.fromkeys(r.figure or ("the summary" if r.section == "summary" else f"section {r.section}")
                                for r in rows.itertuples(index=False)))
    source_ids = rows["source"] if "source" in rows else ()
    return (f"Source: Disrupting Harm survey of frontline social-service workers, as published in "
            f"{published_in(data, source_ids)} ({', '.join(places)}).")


@or_not_published
def show_distribution(data: CountryData, question_ids: list[str], title: str, min_base: int = 50) -> pd.DataFrame:
    """Published answer shares of frontline questions as 100% bars, with the sample's nature stated.

    The small-base rule applies here too: with fewer respondents than ``min_base`` the shares
    are turned back into counts of workers and no chart is drawn.
    """
    frontline = data.table("frontline_survey")
    chosen = frontline[frontline["question_id"].isin(question_ids)]
    if chosen.empty:
        raise data.not_published(f"frontline questions {', '.join(question_ids)}")
    source = frontline_source(data, chosen)
    drawn, table = distribution(frontline, question_ids, min_base)
    if not drawn.empty:
        n = f"n = {int(drawn['base_n'].max())}" if drawn["base_n"].notna().any() else "number who answered not published"
        subtitle = [f"Base: frontline social-service workers, {n}. {FRONTLINE_NOTE} {source}"]
        show_chart(distribution_chart(drawn, title, subtitle))
    first_id, *other_ids = dict.fromkeys(question_ids)
    first = chosen.iloc[0]
    ref = first["figure"] if isinstance(first["figure"], str) and first["figure"] else report_ref("", first["section"])
    cites = source_bibkeys(data.metadata, chosen["source"] if "source" in chosen else ())
    # the citation follows the anchor it cites; the other questions' anchors (link targets) come after it
    show_html(anchor_html(first_id), cite_placeholder(first_id, title, ref, data.metadata.report.short),
              "".join(anchor_html(q) for q in other_ids),
              html_table(distribution_for_readers(table), f"{title}: answers as published",
                         note=f"{html.escape(FRONTLINE_NOTE)} {html.escape(source)}{references_html(cites)}"))
    words = frontline[frontline["question_id"].isin(question_ids) & frontline["value"].isna()]
    return pd.concat([drawn, words])


def distribution_for_readers(table: pd.DataFrame) -> pd.DataFrame:
    """Published answers in words: each value as printed by its unit (``44%``, ``40`` workers)."""
    if {"value", "unit"} <= set(table.columns):
        table = table.assign(value=[value_text(v, unit_kind(u)) for v, u in zip(table["value"], table["unit"])]).drop(columns="unit")
    return table.assign(**{c: table[c].map(lambda v: value_text(v, "count")) for c in ("base_n",) if c in table.columns})


def glue_evidence_counts(data: CountryData, themes: list[str] | None, sections: list[str]) -> None:
    """How many frontline workers answered, and how many excerpts the page shows (with its ``themes``)."""
    try:
        n = frontline_base(data)
        glue_numbers(n_frontline=n, frontline_n=float(n))
    except NotPublished as exc:
        glue_numbers(n_frontline=exc, frontline_n=exc)
    if data.publishes("excerpts"):
        glue_numbers(n_excerpts=len(excerpts_for(data.table("excerpts"), themes, sections)))
    else:
        glue_numbers(n_excerpts=data.not_published("interview excerpts"))
