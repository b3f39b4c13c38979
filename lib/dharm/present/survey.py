"""Survey figures on a page: the chart, its base and source, the table of estimates beside
the published values (with the design effect), a CSV of the data, and glued numbers for prose."""
from __future__ import annotations

import html

import pandas as pd

from ..config import GROUP_LABELS, GROUPS, SCALED_SUFFIX
from ..io.country import CountryData
from ..io.errors import NotPublished
from ..report.prose import printed_cell_prose, prose_rule, sample_prose, survey_prose
from ..report.survey import (calibration_inputs, design_assumptions, design_facts, figure_table, sample_table,
                             scale_to_population, source_line)
from ..stats.numbers import count as count_text
from ..stats.numbers import printed, unit_kind, value_text
from ..stats.rules import ReportingRules, group_differences
from .charts import RESPONDENT, bar_chart, heatmap_chart
from .cite import cite_placeholder, references_html, report_ref, source_bibkeys
from .prose import glue_numbers, glue_text
from .render import show_chart
from .tables import anchor_html, download_link, html_table, readable_name, show_html, show_table
from .unpublished import or_not_published

def published_text(percent, qualifier: str, count) -> str:
    """The report's value as printed: a percentage (with its hedge) and/or a count of children."""
    parts = []
    if pd.notna(percent):
        parts.append(printed(percent, qualifier, "percent"))
    if pd.notna(count):
        parts.append(f"{count_text(count)} {'child' if count == 1 else 'children'}")
    return "; ".join(parts)


def table_for_readers(table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """Estimate, CI, design effect, unweighted n and published value side by side, rules applied."""
    shown = table[table["shown"]].sort_values(["order"], kind="stable")
    out = pd.DataFrame({
        "Respondent": shown["respondent"].map(RESPONDENT),
        "Indicator": shown["label"] + shown["modelled"].map({True: " (modelled)", False: ""}),
        "Group": shown["group"].map(lambda g: GROUP_LABELS.get(g, g)),
        f"Estimate % ({rules.confidence:.0%} CI)": shown["display"],
        "Design effect": shown["deff"].round(2).where(~shown["small_base"]),
        "Unweighted n": shown["n"].astype(int),
        "Published": [published_text(p, q, c) for p, q, c in zip(shown["published"], shown["qualifier"], shown["published_count"])],
        "Difference (points)": ((shown["estimate"] - shown["published"]).round(1) + 0.0).where(~shown["small_base"]),
    })
    return out if shown["respondent"].nunique() > 1 else out.drop(columns="Respondent")


READER_KINDS = {"Design effect": "ratio", "Unweighted n": "count", "Difference (points)": "points"}


def csv_for_download(table: pd.DataFrame, data: CountryData) -> pd.DataFrame:
    """The figure's data as offered for download; small bases carry counts, not percentages."""
    shown = table[table["shown"]]
    out = shown[["figure_id", "indicator_id", "label", "breakdown", "group", "estimate", "se", "ci_low", "ci_high", "deff", "df",
                 "n", "n_positive", "published", "modelled", "small_base"]].copy()
    for col in ("estimate", "se", "ci_low", "ci_high", "deff"):
        out[col] = out[col].round(2).where(~out["small_base"])
    out["data_kind"] = "synthetic microdata estimate" if data.synthetic else "survey estimate"
    return out


@or_not_published
def show_figure(data: CountryData, figure_id: str, rules: ReportingRules,
                breakdowns: list[str] | None = None) -> pd.DataFrame:
    """Draw one figure with its base, source, table and CSV; return its full table for prose."""
    table = figure_table(data, figure_id, rules, breakdowns)  # NotPublished when the country has no such figure
    spec = data.figures.loc[figure_id]
    shown = table[table["shown"]]
    if shown.empty:
        show_html("<p><em>Nothing to show: no estimate of this figure has a published value, and "
                  "<code>show_modelled</code> is false.</em></p>")
        return table
    totals = sorted(set(shown.loc[shown["breakdown"] == "total", "n"].astype(int)))
    n_total = str(totals[0]) if len(totals) == 1 else f"{totals[0]} to {totals[-1]} (by row, see the table)"
    title = f"{spec['label']}: {spec['title']}" if spec["label"] else spec["title"]
    modelled_note = " Faded, dashed bars marked (modelled) rest on assumptions, not published values." \
        if shown["modelled"].any() else ""
    published = data.published
    rows = published[published["indicator_id"].isin(shown["indicator_id"]) & published["value"].notna()]
    source = source_line(data, spec["label"], rows["source"] if "source" in rows else ())
    ticks = "" if spec["chart"] == "heatmap" else " Black ticks: published values."
    subtitle = [f"Base: {spec['base']}. Unweighted n = {n_total}.{ticks} "
                f"Bases under {rules.min_base} are shown as counts.{modelled_note} {source}"]
    show_html(anchor_html(figure_id),
              cite_placeholder(figure_id, title, report_ref(spec["label"], spec["section"]), data.metadata.report.short))
    chart = heatmap_chart(table, title, subtitle, rules) if spec["chart"] == "heatmap" else bar_chart(table, title, subtitle, rules, spec["chart"])
    show_chart(chart)
    cites = source_bibkeys(data.metadata, rows["source"] if "source" in rows else ())
    show_html(html_table(table_for_readers(table, rules), f"{title}: estimates beside the published values", kinds=READER_KINDS,
                         note=f"<strong>Base:</strong> {html.escape(spec['base'])}; unweighted n = {n_total}. {html.escape(source)}"
                              f"{references_html(cites)}"),
              "<p>", download_link(csv_for_download(table, data), f"{figure_id}.csv"), "</p>")
    return table


def show_differences(data: CountryData, table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """The group comparisons of a figure's computed estimates, judged by the report's difference rule."""
    if table.empty:  # the figure is not published for this country
        return table
    diffs = group_differences(table[table["shown"]], rules)
    if not diffs.empty:
        labels = table.drop_duplicates("indicator_id").set_index("indicator_id")["label"]
        view = diffs.assign(Indicator=diffs["indicator_id"].map(labels))[["Indicator", "breakdown", "gap_points", "verdict"]]
        what = "the synthetic estimates above (they describe the book's data, not the report's findings)" if data.synthetic \
            else "the estimates above"
        show_html(f"<p>Gaps between groups in {what}, judged by the report's rule: a gap under {rules.min_difference:g} points, "
                  f"or on a base under {rules.min_base}, is not called a difference.</p>",
                  html_table(view.rename(columns={"breakdown": "Breakdown", "gap_points": "Largest gap (points)", "verdict": "Reading"}),
                             "Gaps between groups, judged by the report's rule", kinds={"Largest gap (points)": "points"}))
    return diffs


def glue_values(data: CountryData, rules: ReportingRules, table: pd.DataFrame,
                names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Glue named cells of a figure for the prose (``{glue:text}`name```), as the book's rule says to
    quote them (:mod:`dharm.report.prose`): the printed value while the survey files are synthetic.

    The prose quotes the groups the report quotes, whatever breakdowns the figure was drawn with:
    a group missing from ``table`` is read from the store for the prose alone.
    """
    if table.empty:  # the figure is not published for this country: every name says so
        unpublished = data.not_published("this figure")
        glue_text(**{name: unpublished for name in names})
        return {}
    breakdown_of = {g: b for b, groups in GROUPS.items() for g in groups}
    needed = {breakdown_of[group] for _, group in names.values()} - set(table["breakdown"])
    if needed:
        table = pd.concat([table, figure_table(data, table["figure_id"].iloc[0], rules, sorted(needed))], ignore_index=True)
    rule = prose_rule(data, rules)
    values: dict[str, str | NotPublished] = {}
    for name, (indicator_id, group) in names.items():
        hit = table[(table["indicator_id"] == indicator_id) & (table["group"] == group)]
        try:
            if hit.empty:
                raise data.not_published(f"glue {name!r}: no estimate for indicator {indicator_id!r}, group {group!r}")
            values[name] = survey_prose(hit.iloc[0].to_dict(), rule, name)
        except NotPublished as exc:
            values[name] = exc
    glue_text(**values)
    return {k: v for k, v in values.items() if isinstance(v, str)}


@or_not_published
def show_sample(data: CountryData, rules: ReportingRules, anchor: str | None = None, caption: str = "") -> pd.DataFrame:
    """The achieved sample beside the sizes the report prints.

    In synthetic files a size the report does not print is an assumption of the generator (listed
    with the design assumptions on the methods page), not a sample: it is left out here.
    """
    sample = sample_table(data, rules)
    if data.synthetic:
        sample = sample[sample["published"].notna()]
    show_html(anchor_html(anchor) if anchor else "", html_table(sample_for_readers(sample), "The achieved sample beside the printed sizes",
                                                              caption=caption),
              "<p>", download_link(sample, "sample.csv", "this table"), "</p>")
    return sample


def sample_for_readers(sample: pd.DataFrame) -> pd.DataFrame:
    """The sample table in words: counts as whole numbers, shares as percentages with one decimal."""
    def text(value, unit: str, decimals: int | None = None) -> str:
        return value_text(value, unit_kind(unit), decimals if unit == "percent" else None)

    return pd.DataFrame({
        "Sample": sample["wording"],
        "Breakdown": sample["breakdown"],
        "Group": sample["group"].map(lambda g: GROUP_LABELS.get(g, g)),
        "Printed": [text(v, u) for v, u in zip(sample["published"], sample["unit"])],
        "Computed": [text(v, u, 1) for v, u in zip(sample["computed"], sample["unit"])],
        "Section": sample["section"],
    })


@or_not_published
def show_rank_orders(data: CountryData, ranks: pd.DataFrame) -> None:
    """Published orders (findings printed only in words) beside the estimates that should honour them."""
    if ranks.empty:
        raise data.not_published("orders printed in words")
    words = ranks.assign(experience=ranks["experience"].map(readable_name), question=ranks["question"].map(readable_name),
                         **{"published order": ranks["published order"].map(lambda o: " > ".join(readable_name(x) for x in o.split(" > ")))})
    show_html(anchor_html("rank-orders"), html_table(words, "Orders printed in words beside the estimates"))


@or_not_published
def show_scaled(data: CountryData, table: pd.DataFrame, indicator_id: str, rules: ReportingRules,
                population: float | None = None, name: str = "scaled") -> None:
    """A share scaled to the national number of internet-using children: the book's computation beside the
    printed value. Glues ``<name>_population`` (the printed value, for prose) and ``<name>_scaled_*`` (the
    computation, for checks)."""
    printed_name = f"{name}_population"
    try:
        printed_text = printed_cell_prose(data, indicator_id + SCALED_SUFFIX)
    except NotPublished as exc:
        glue_text(**{printed_name: exc})
        raise
    glue_text(**{printed_name: printed_text})
    scaled = scale_to_population(data, table, indicator_id, rules, population)
    glue_numbers(**{f"{name}_scaled_{key}": float(round(scaled[key], -3)) for key in ("internet_users", "estimate", "ci_low", "ci_high")})
    interval_label = (f"{rules.confidence:.0%} interval (precision of the design; synthetic data)" if data.synthetic
                      else f"{rules.confidence:.0%} interval (sampling error only)")
    shown = pd.DataFrame({
        "Internet-using children aged 12-17 (roster rate x population)": [round(scaled["internet_users"], -3)],
        "Scaled estimate": [round(scaled["estimate"], -3)],
        interval_label: [f"{round(scaled['ci_low'], -3):,.0f} to {round(scaled['ci_high'], -3):,.0f}"],
        "Printed": [printed_text],
    })
    show_html("<p>The share scaled to the population (the parameter <code>population_12_17</code>); the interval "
              "reflects the survey's sampling error only, not the uncertainty of the population figure.</p>",
              html_table(shown, "The share scaled to the population beside the printed value", kinds={"Scaled estimate": "children"}))


def glue_design(data: CountryData, rules: ReportingRules) -> None:
    """The design of the survey files (villages, strata, degrees of freedom, records) and the report's own count of villages."""
    children = design_facts(data, rules, "children")
    glue_numbers(n_psus=children["psus"], n_strata=children["strata"], design_df=children["df"], n_children=children["records"],
                 n_roster=design_facts(data, rules, "household_roster")["households"])
    glue_text(report_psus=sample_prose(data, rules)["n_psus"])  # the design as the report prints it


def show_synthetic_design(data: CountryData) -> None:
    """What the synthetic files are fitted to and what they assume (nothing when the files are the real microdata)."""
    if not data.synthetic:
        show_html("<p>The survey files are the survey's own microdata: nothing is fitted or assumed.</p>")
        return
    show_table(calibration_inputs(data), "calibration_inputs.csv", "Published numbers each synthetic file is fitted to",
               caption=f"Published numbers each synthetic file is fitted to, and values it had to assume "
                       f"(data/{data.country}/survey/assumptions.csv).")
    show_table(design_assumptions(data), "design_assumptions.csv", "Design values the report does not publish",
               caption="Design values the report does not publish.")
