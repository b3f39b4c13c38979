"""Numbers restated by the summary and chapter 4 on a page: glued for prose, in linked
tables, and written into the insights' and recommendations' statements."""
from __future__ import annotations

import html
import re

import pandas as pd
from myst_nb import glue

from ..io.country import CountryData
from ..io.errors import NotPublished
from ..io.published import AUDIENCES, PLACEHOLDER
from ..report.keynumbers import recommendations_for
from ..stats.numbers import interval, printed, value_text
from ..stats.rules import ReportingRules
from .prose import glue_numbers, glue_text
from .tables import download_link, html_table, readable_columns, show_html, show_table
from .notices import marker
from .unpublished import or_not_published


def fill(template: str, numbers: pd.DataFrame, links: bool = True) -> str:
    """A statement with each ``{placeholder}`` replaced by its computed number (as HTML, linked)."""
    by_id = numbers.set_index("number_id")
    parts, last = [], 0
    for m in PLACEHOLDER.finditer(template):
        parts.append(html.escape(template[last:m.start()]))
        row = by_id.loc[m.group(1)]
        prose = row["prose"]
        text = html.escape(marker(prose.country_name) if isinstance(prose, NotPublished) else str(prose))
        parts.append(f'<a href="{row["link"]}"><strong>{text}</strong></a>' if links and row["link"] else f"<strong>{text}</strong>")
        last = m.end()
    parts.append(html.escape(template[last:]))
    return "".join(parts)


def plain(template: str, numbers: pd.DataFrame) -> str:
    """A statement with its numbers written in, as plain text (for CSV downloads)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fill(template, numbers, links=False)))


def glue_key_numbers(numbers: pd.DataFrame, name_column: str = "name") -> None:
    """Glue each restated number for the prose, as the book's rule says to quote it (``<name>``: the
    printed value while the survey files are synthetic), and ``<name>_value`` (the computed value,
    for checks; never for prose)."""
    for r in numbers.itertuples(index=False):
        name = getattr(r, name_column)
        glue_text(**{name: r.prose})
        if pd.notna(r.value):
            glue(f"{name}_value", float(r.value), display=False)


def _interval(row) -> str:
    if pd.isna(row["ci_low"]) or row.get("small_base", False):
        return ""
    return interval(row["ci_low"], row["ci_high"], "children" if row["unit"] == "children" else "percent")


def key_numbers_table(numbers: pd.DataFrame, rules: ReportingRules, label_column: str) -> pd.DataFrame:
    """Restated numbers for readers: computed value, interval, base, the printed value, the kind of data and a link.

    With synthetic survey files the interval is labelled as what it is: the precision a survey of
    this design would give, not a finding."""
    synthetic = numbers["data_kind"].astype(str).str.contains("synthetic").any()

    def link(r):
        return f'<a href="{html.escape(r["link"])}">{html.escape(r["figure"])}</a>' if r["link"] else html.escape(str(r["figure"]))

    return pd.DataFrame({
        "Number": numbers[label_column].map(html.escape),
        "Computed": numbers["text"].map(html.escape),
        (f"{rules.confidence:.0%} interval (precision of the design; synthetic data)" if synthetic else
         f"{rules.confidence:.0%} CI"): [_interval(r) for _, r in numbers.iterrows()],
        "Unweighted n": [value_text(n, "count") for n in numbers["n"]],
        "Printed": [html.escape(printed(r["printed"], r["qualifier"] if isinstance(r["qualifier"], str) else "", r["unit"]))
                    for _, r in numbers.iterrows()],
        "Data": numbers["data_kind"],
        "Shown in full": [link(r) for _, r in numbers.iterrows()],
    })


@or_not_published
def show_key_numbers(data: CountryData, numbers: pd.DataFrame, rules: ReportingRules, label_column: str, filename: str,
                     title: str = "Numbers restated on this page, computed and printed") -> None:
    """The restated numbers as a linked table (named ``title``, unique on its page) with a CSV download."""
    if numbers.empty:
        raise data.not_published("numbers restated on this page")
    columns = [c for c in (label_column, "kind", "ref", "group", "value", "ci_low", "ci_high", "n", "n_positive",
                           "printed", "qualifier", "text", "data_kind", "link") if c in numbers.columns]
    show_html(html_table(key_numbers_table(numbers, rules, label_column), title, escape=False),
              "<p>", download_link(numbers[columns], filename, "this table"), "</p>")


@or_not_published
def show_insight(data: CountryData, number: int, numbers: pd.DataFrame, rules: ReportingRules) -> None:
    """One insight: its statement with the computed numbers written in (each linked to its
    figure), then the evidence table."""
    insights = data.table("insights").set_index("insight_number", drop=False)
    if number not in insights.index:
        raise data.not_published(f"insight {number}")
    insight = insights.loc[number]
    show_html(f'<p class="dharm-insight"><strong>{html.escape(insight["title"])}.</strong> {fill(insight["statement"], numbers)}</p>')
    used = PLACEHOLDER.findall(insight["statement"])
    if used:
        evidence = numbers.set_index("number_id").loc[used].reset_index()
        show_key_numbers(data, evidence, rules, "label", f"insight{insight['insight_number']}_numbers.csv",
                         f"Insight {insight['insight_number']}: the numbers in its statement")


@or_not_published
def show_recommendations(data: CountryData, recommendations: pd.DataFrame, numbers: pd.DataFrame) -> None:
    """Recommendations as a table, numbers computed into their summaries, with a CSV download."""
    if recommendations.empty:
        raise data.not_published("recommendations")
    table = pd.DataFrame({
        "Insight": recommendations["insight_number"],
        "Recommendation": [r["number_in_report"] or f"({r['recommendation_id']})" for _, r in recommendations.iterrows()],
        "Audience": recommendations["audience"].str.replace(";", "; "),
        "What it asks (our summary)": [fill(s, numbers) for s in recommendations["summary"]],
        "Note": recommendations["note"].map(html.escape),
    })
    as_text = recommendations.assign(summary=[plain(s, numbers) for s in recommendations["summary"]])
    show_html(html_table(table, "Recommendations", escape=False, kinds={"Insight": "text"}), "<p>", download_link(as_text, "recommendations.csv", "this table"), "</p>")


@or_not_published
def show_sources(data: CountryData, numbers: pd.DataFrame, names: list[str], name_column: str = "name") -> None:
    """A line of links to the figures that show the named numbers in full (each figure once, in order)."""
    rows = numbers[numbers[name_column].isin(names) & (numbers["link"] != "")]
    rows = rows.set_index(name_column).loc[[n for n in names if n in set(rows[name_column])]]
    links = dict.fromkeys((r["link"], r["figure"], r["chapter"]) for _, r in rows.iterrows())
    if not links:
        raise data.not_published(f"figures for {', '.join(names)}")
    items = " · ".join(f'<a href="{html.escape(link)}">{html.escape(figure)}</a> (chapter {html.escape(chapter)})'
                       if chapter.isdigit() else f'<a href="{html.escape(link)}">{html.escape(figure)}</a> ({html.escape(chapter)})'
                       for link, figure, chapter in links)
    show_html(f'<p class="dharm-sources">Shown in full: {items}</p>')


@or_not_published
def show_pooled_statements(data: CountryData) -> None:
    """Pooled statements as printed (the report does not say how it pooled them)."""
    pooled = data.require("pooled_statements")
    show_table(readable_columns(pooled[["wording", "printed_as", "section", "note"]]),
               "pooled_statements.csv", "Pooled statements as printed", caption="Pooled statements as printed, in the summary and in chapter 2.")


@or_not_published
def show_insight_titles(data: CountryData) -> None:
    """The report's insights, by title, as a numbered list."""
    titles = data.require("insights")["title"]
    show_html("<ol>", "".join(f"<li>{html.escape(t)}</li>" for t in titles), "</ol>")


@or_not_published
def show_recommendations_for(data: CountryData, audience: list[str] | None, numbers: pd.DataFrame) -> pd.DataFrame:
    """The recommendations for ``audience`` (all when None), with how many are shown and how to choose others."""
    recommendations = data.table("recommendations")
    if recommendations.empty:
        glue_numbers(**dict.fromkeys(("recs_shown", "recs_total", "recs_numbered"), data.not_published("recommendations")))
        raise data.not_published("recommendations")
    shown = recommendations_for(recommendations, audience)
    glue_numbers(recs_shown=len(shown), recs_total=len(recommendations),
                 recs_numbered=int((recommendations["number_in_report"] != "").sum()))
    show_html("<p>Audience: <strong>" + ("all" if audience is None else html.escape(", ".join(audience))) + "</strong>. Rerun with the "
              "<code>audience</code> parameter set to any of: " + ", ".join(f"<code>{html.escape(a)}</code>" for a in AUDIENCES) + ".</p>")
    show_recommendations(data, shown, numbers)
    return shown
