"""What a chapter notebook calls: one call per figure shows the chart, its base and
source, the table of estimates beside the published values, and a CSV of the data."""
from __future__ import annotations

import base64
import html
import re
import textwrap

import pandas as pd
from IPython.display import HTML, display

from .charts import RESPONDENT, bar_chart, heatmap_figure
from .data import GROUP_LABELS
from .figures import CountryData, figure_table
from .keyfindings import anchor_html
from .render import show_chart
from .reporting import ReportingRules, group_differences


def download_link(table: pd.DataFrame, filename: str) -> str:
    """An HTML link that downloads ``table`` as CSV, embedded in the page (no server, no network)."""
    payload = base64.b64encode(table.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:text/csv;charset=utf-8;base64,{payload}">'
            f"Download the data of this figure (CSV: {html.escape(filename)})</a>")


def table_for_readers(table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """Estimate, CI, unweighted n and published value side by side, with the rules applied."""
    shown = table[table["shown"]].sort_values(["order"], kind="stable")
    out = pd.DataFrame({
        "Respondent": shown["file"].map(RESPONDENT),
        "Indicator": shown["label"] + shown["modelled"].map({True: " (modelled)", False: ""}),
        "Group": shown["group"].map(lambda g: GROUP_LABELS.get(g, g)),
        f"Estimate % ({rules.confidence:.0%} CI)": shown["display"],
        "Unweighted n": shown["n"].astype(int),
        "Published": [published_text(p, q, c) for p, q, c in zip(shown["published"], shown["qualifier"], shown["published_count"])],
        "Difference (points)": ((shown["estimate"] - shown["published"]).round(1) + 0.0).where(~shown["small_base"]),
    })
    return out if shown["file"].nunique() > 1 else out.drop(columns="Respondent")


def published_text(percent, qualifier: str, count) -> str:
    """The report's value as printed: a percentage (with its hedge) and/or a count of children."""
    parts = []
    if pd.notna(percent):
        parts.append(f"{qualifier + ' ' if qualifier else ''}{percent:g}%")
    if pd.notna(count):
        parts.append(f"{int(count)} children")
    return "; ".join(parts)


def csv_for_download(table: pd.DataFrame, data: CountryData) -> pd.DataFrame:
    """The figure's data as offered for download; small bases carry counts, not percentages."""
    shown = table[table["shown"]]
    out = shown[["figure_id", "indicator_id", "label", "breakdown", "group", "estimate", "se", "ci_low", "ci_high",
                 "n", "n_positive", "published", "modelled", "small_base"]].copy()
    for col in ("estimate", "se", "ci_low", "ci_high"):
        out[col] = out[col].round(2).where(~out["small_base"])
    out["data_kind"] = "synthetic microdata estimate" if data.synthetic else "survey estimate"
    return out


def show_figure(data: CountryData, figure_id: str, rules: ReportingRules,
                breakdowns: list[str] | None = None) -> pd.DataFrame:
    """Draw one figure with its base, source, table and CSV; return its full table for prose."""
    spec = data.figures.loc[figure_id]
    table = figure_table(data, figure_id, rules, breakdowns)
    shown = table[table["shown"]]
    if shown.empty:
        display(HTML("<p><em>Nothing to show: no estimate of this figure has a published value, and "
                     "<code>show_modelled</code> is false.</em></p>"))
        return table
    totals = sorted(set(shown.loc[shown["breakdown"] == "total", "n"].astype(int)))
    n_total = str(totals[0]) if len(totals) == 1 else f"{totals[0]} to {totals[-1]} (by row, see the table)"
    title = f"{spec['label']}: {spec['title']}" if spec["label"] else spec["title"]
    modelled_note = " Faded, dashed bars marked (modelled) rest on assumptions, not published values." \
        if shown["modelled"].any() else ""
    subtitle = textwrap.wrap(f"Base: {spec['base']}. Unweighted n = {n_total}. Black ticks: published values. "
                             f"Bases under {rules.min_base} are shown as counts.{modelled_note} "
                             f"{data.source_line(spec['label'])}", 95)
    display(HTML(anchor_html(figure_id)))
    if spec["chart"] == "heatmap":
        import matplotlib.pyplot as plt
        fig = heatmap_figure(table, title, subtitle, rules)
        display(fig)
        plt.close(fig)
    else:
        show_chart(bar_chart(table, title, subtitle, rules, spec["chart"]))
    caption = (f"<p><strong>Base:</strong> {html.escape(spec['base'])}; unweighted n = {n_total}. "
               f"{html.escape(data.source_line(spec['label']))}</p>")
    display(HTML(caption + table_for_readers(table, rules).to_html(index=False, na_rep="", border=0,
                                                                    classes="dharm-table", float_format=lambda v: f"{v:.1f}")
                 + "<p>" + download_link(csv_for_download(table, data), f"{figure_id}.csv") + "</p>"))
    return table


def show_differences(table: pd.DataFrame, rules: ReportingRules) -> pd.DataFrame:
    """The group comparisons of a figure, judged by the report's difference rule."""
    diffs = group_differences(table[table["shown"]], rules)
    if not diffs.empty:
        labels = table.drop_duplicates("indicator_id").set_index("indicator_id")["label"]
        view = diffs.assign(Indicator=diffs["indicator_id"].map(labels))[["Indicator", "breakdown", "gap_points", "verdict"]]
        display(HTML(view.rename(columns={"breakdown": "Breakdown", "gap_points": "Largest gap (points)", "verdict": "Reading"})
                     .to_html(index=False, border=0, classes="dharm-table", float_format=lambda v: f"{v:.1f}")))
    return diffs


def glue_values(data: CountryData, rules: ReportingRules, table: pd.DataFrame,
                names: dict[str, tuple[str, str]]) -> dict[str, float]:
    """Glue named estimates of a figure for the prose (``{glue:text}`name:.0f```).

    The prose quotes the groups the report quotes, whatever breakdowns the figure was
    drawn with: a group missing from ``table`` is estimated for the prose alone. Only
    cells with a published twin may be glued: prose never presents a modelled value.
    """
    from myst_nb import glue

    from .data import GROUPS
    from .figures import lookup

    breakdown_of = {g: b for b, groups in GROUPS.items() for g in groups}
    needed = {breakdown_of[group] for _, group in names.values()} - set(table["breakdown"])
    if needed:
        table = pd.concat([table, figure_table(data, table["figure_id"].iloc[0], rules, sorted(needed))], ignore_index=True)
    values = {}
    for name, (indicator_id, group) in names.items():
        if bool(lookup(table, indicator_id, group, "modelled")):
            raise ValueError(f"glue {name!r}: {indicator_id} / {group} has no published value; prose must not present it")
        values[name] = float(lookup(table, indicator_id, group, "estimate"))
        glue(name, values[name], display=False)
    return values


ADMIN_LABELS = {"year": "Year", "category": "Category", "measure": "Measure", "value": "Count"}


def show_admin_figure(counts: pd.DataFrame, spec: pd.Series) -> pd.DataFrame:
    """Draw one administrative figure as printed: chart, base and source, the printed table, CSV."""
    from .admin import figure_rows, wide_table
    from .charts import count_chart

    rows = figure_rows(counts, spec).rename(columns=ADMIN_LABELS)
    title = f"{spec['label']}: {spec['title']}" if spec["label"] else spec["title"]
    source = (f"Source: {spec['base']}, as published in ECPAT, INTERPOL and UNICEF (2022), Disrupting Harm in Cambodia"
              + (f", {spec['label']}." if spec["label"] else ".") + " Published counts, not estimates.")
    display(HTML(anchor_html(spec["figure_id"])))
    scale = " Symmetric-log scale." if spec["log_scale"] == "true" else ""
    show_chart(count_chart(rows, ADMIN_LABELS[spec["x"]], "Count", ADMIN_LABELS[spec["colour"]], title,
                           textwrap.wrap(source + scale + " Cells printed blank are not drawn.", 95),
                           log_scale=spec["log_scale"] == "true", x_title=""))
    wide = wide_table(counts, spec["table_id"], spec["measures"].split(";"))
    display(HTML(f"<p>{html.escape(source)}</p>"
                 + wide.to_html(na_rep="", border=0, classes="dharm-table", float_format=lambda v: f"{v:,.2f}".rstrip("0").rstrip("."))
                 + "<p>" + download_link(counts[counts["table_id"] == spec["table_id"]].drop(columns="key"), f"{spec['figure_id']}.csv") + "</p>"))
    return rows


def show_derived(checked: pd.DataFrame, figures: list[str] | None = None) -> None:
    """Printed derived numbers beside their recomputation, disagreements first."""
    view = checked if figures is None else checked[checked["figure"].isin(figures) | checked["section"].isin(figures)]
    view = view.assign(order=view["verdict"].map({"disagrees": 0, "not recomputable": 1, "agrees": 2})).sort_values("order", kind="stable")
    table = view[["description", "printed", "recomputed", "verdict"]].rename(columns=str.capitalize)
    display(HTML(table.to_html(index=False, border=0, classes="dharm-table", na_rep="",
                               float_format=lambda v: f"{v:.2f}")))


def glue_admin(counts: pd.DataFrame, checked: pd.DataFrame | None = None, cells: dict[str, str] | None = None,
               derived: dict[str, str] | None = None) -> None:
    """Glue published counts (by cell key) and recomputed derived numbers (by id) for the prose."""
    from myst_nb import glue

    values = dict(zip(counts["key"], counts["value"]))
    for name, key in (cells or {}).items():
        if key not in values or pd.isna(values[key]):
            raise KeyError(f"glue {name!r}: no printed count {key!r}")
        glue(name, float(values[key]), display=False)
    recomputed = checked.set_index("derived_id")["recomputed"] if checked is not None else pd.Series(dtype=float)
    for name, derived_id in (derived or {}).items():
        if derived_id not in recomputed.index or pd.isna(recomputed[derived_id]):
            raise KeyError(f"glue {name!r}: no recomputed value for {derived_id!r}")
        glue(name, float(recomputed[derived_id]), display=False)


def glue_key_numbers(numbers: pd.DataFrame, name_column: str = "name") -> None:
    """Glue each restated number for the prose: ``<name>`` (value; not for bases under the
    minimum, which are quoted as counts), ``<name>_n`` (base), ``<name>_k`` (children counted),
    ``<name>_low``/``_high`` (interval), ``<name>_printed`` (the report's value) and, for
    numbers of children nationally, ``<name>_rounded`` (two significant digits, as printed)."""
    from myst_nb import glue

    from .keyfindings import round_significant

    for r in numbers.itertuples(index=False):
        name = getattr(r, name_column)
        share = not (r.unit == "percent" and r.small_base is True)  # small bases are quoted as counts only
        values = [("_n", r.n), ("_k", r.n_positive), ("_printed", r.printed)]
        if share:
            values += [("", r.value), ("_low", r.ci_low), ("_high", r.ci_high)]
        if r.unit == "children":
            values.append(("_rounded", round_significant(r.value)))
        for suffix, value in values:
            if pd.notna(value):
                glue(f"{name}{suffix}", float(value), display=False)


def _interval(row) -> str:
    if pd.isna(row["ci_low"]) or row.get("small_base", False):
        return ""
    if row["unit"] == "children":  # national counts to the nearest thousand
        return f"{round(row['ci_low'], -3):,.0f} to {round(row['ci_high'], -3):,.0f}"
    return f"{row['ci_low']:.0f} to {row['ci_high']:.0f}"


def key_numbers_table(numbers: pd.DataFrame, rules: ReportingRules, label_column: str) -> pd.DataFrame:
    """Restated numbers for readers: computed value, interval, base, the printed value, the kind of data and a link."""
    def printed(r):
        if pd.isna(r["printed"]):
            return ""
        return f"{r['qualifier'] + ' ' if r['qualifier'] else ''}{r['printed']:,.10g}"

    def link(r):
        return f'<a href="{html.escape(r["link"])}">{html.escape(r["figure"])}</a>' if r["link"] else html.escape(str(r["figure"]))

    return pd.DataFrame({
        "Number": numbers[label_column].map(html.escape),
        "Computed": numbers["text"].map(html.escape),
        f"{rules.confidence:.0%} CI": [_interval(r) for _, r in numbers.iterrows()],
        "Unweighted n": [f"{int(n):,}" if pd.notna(n) else "" for n in numbers["n"]],
        "Printed": [printed(r) for _, r in numbers.iterrows()],
        "Data": numbers["data_kind"],
        "Shown in full": [link(r) for _, r in numbers.iterrows()],
    })


def show_key_numbers(numbers: pd.DataFrame, rules: ReportingRules, label_column: str, filename: str) -> None:
    """The restated numbers as a linked table with a CSV download."""
    table = key_numbers_table(numbers, rules, label_column)
    columns = [c for c in (label_column, "kind", "ref", "group", "value", "ci_low", "ci_high", "n", "n_positive",
                           "printed", "qualifier", "text", "data_kind", "link") if c in numbers.columns]
    display(HTML(table.to_html(index=False, border=0, classes="dharm-table", escape=False)
                 + "<p>" + download_link(numbers[columns], filename) + "</p>"))


def show_insight(insight: pd.Series, numbers: pd.DataFrame, rules: ReportingRules) -> None:
    """One insight: its statement with the computed numbers written in (each linked to its
    figure), then the evidence table."""
    from .keyfindings import PLACEHOLDER, fill

    display(HTML(f'<p class="dharm-insight"><strong>{html.escape(insight["title"])}.</strong> {fill(insight["statement"], numbers)}</p>'))
    used = PLACEHOLDER.findall(insight["statement"])
    if used:
        evidence = numbers.set_index("number_id").loc[used].reset_index()
        show_key_numbers(evidence, rules, "label", f"insight{insight['insight_number']}_numbers.csv")


def show_recommendations(recommendations: pd.DataFrame, numbers: pd.DataFrame) -> None:
    """Recommendations as a table, numbers computed into their summaries, with a CSV download."""
    from .keyfindings import fill

    table = pd.DataFrame({
        "Insight": recommendations["insight_number"],
        "Recommendation": [r["number_in_report"] or f"({r['recommendation_id']})" for _, r in recommendations.iterrows()],
        "Audience": recommendations["audience"].str.replace(";", "; "),
        "What it asks (our summary)": [fill(s, numbers) for s in recommendations["summary"]],
        "Note": recommendations["note"].map(html.escape),
    })
    plain = recommendations.assign(summary=[html.unescape(re.sub(r"<[^>]+>", "", fill(s, numbers, links=False))) for s in recommendations["summary"]])
    display(HTML(table.to_html(index=False, border=0, classes="dharm-table", escape=False)
                 + "<p>" + download_link(plain, "recommendations.csv") + "</p>"))


def show_table(table: pd.DataFrame, filename: str, anchor: str | None = None, caption: str = "") -> None:
    """A data table as published (no estimates): optional link target and caption, and a CSV download."""
    from .keyfindings import anchor_html

    head = (anchor_html(anchor) if anchor else "") + (f"<p>{html.escape(caption)}</p>" if caption else "")
    display(HTML(head + table.to_html(index=False, border=0, classes="dharm-table", na_rep="",
                                      float_format=lambda v: f"{v:,.10g}")
                 + "<p>" + download_link(table, filename) + "</p>"))


def show_sources(numbers: pd.DataFrame, names: list[str], name_column: str = "name") -> None:
    """A line of links to the figures that show the named numbers in full (each figure once, in order)."""
    rows = numbers[numbers[name_column].isin(names) & (numbers["link"] != "")]
    rows = rows.set_index(name_column).loc[[n for n in names if n in set(rows[name_column])]]
    links = dict.fromkeys((r["link"], r["figure"], r["chapter"]) for _, r in rows.iterrows())
    if not links:
        raise ValueError(f"no figure links for {names}")
    items = " · ".join(f'<a href="{html.escape(link)}">{html.escape(figure)}</a> (chapter {html.escape(chapter)})'
                       if chapter.isdigit() else f'<a href="{html.escape(link)}">{html.escape(figure)}</a> ({html.escape(chapter)})'
                       for link, figure, chapter in links)
    display(HTML(f'<p class="dharm-sources">Shown in full: {items}</p>'))
