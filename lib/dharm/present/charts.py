"""Charts in one consistent, accessible style.

Interactive altair charts (tooltips give the estimate, CI, unweighted n and the
published value), as bars or, where a grid reads better (Figure 6), as a heatmap.
Small bases are drawn as counts, never as bars; modelled values are faded, dashed and
labelled.

Every chart fills the width of the page's content column (``width: "container"``), keeps
a height that follows its data, wraps its titles and long labels instead of truncating
them, labels its marks in text so that colour is never the only cue, and carries a text
alternative (:func:`describe_bars` and the others) as its vega-lite ``description``, which
vega puts on the SVG as ``aria-label`` and :mod:`dharm.present.render` repeats in the page.
"""
from __future__ import annotations

import json
import math

import altair as alt
import pandas as pd

from ..config import GROUP_LABELS, GROUPS
from ..stats.rules import ReportingRules
from .theme import GREY, INK, LABEL_WIDTH, PALETTE, line_count, text_on, title as chart_title, wrap, wrapped_labels
from .theme import cividis

RESPONDENT = {"children": "Children", "caregivers": "Caregivers", "household_roster": "All children 12-17"}
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
SUMMARY_ROWS = 12  # a chart with more marks than this is summarised in its text alternative
LINE_HEIGHT = 12  # pixels per line of a wrapped axis label
BAR = 15  # pixels per bar of a grouped bar chart (room for its 9-px label)


def group_order(table: pd.DataFrame) -> list[str]:
    """Total first, then each breakdown's groups in their natural order."""
    order = []
    for breakdown, groups in GROUPS.items():
        for g in groups:
            label = GROUP_LABELS.get(g, g)
            if label not in order and (table["group"] == g).any():
                order.append(label)
    return order


def tooltips(*fields: str | tuple[str, str]) -> list[alt.Tooltip]:
    """Tooltip channels for some columns, numbers formatted (typed: altair parses a plain list much more slowly).

    A field is a column name (text) or ``(name, d3 format)`` for a number.
    """
    return [alt.Tooltip(f"{f[0]}:Q", title=f[0], format=f[1]) if isinstance(f, tuple) else alt.Tooltip(f"{f}:N", title=f)
            for f in fields]


def percent(x: float) -> str:
    """A percentage for a text alternative: whole numbers, one decimal under 10."""
    return f"{x:.1f}%" if abs(x) < 10 and round(x, 1) != round(x) else f"{x:.0f}%"


def legend_columns(labels: list[str]) -> int:
    """Legend columns that fit a phone: three short labels a row, two medium ones, else one."""
    longest = max((len(lab) for lab in labels), default=0)
    return 3 if longest <= 10 else 2 if longest <= 18 else 1


def symlog(x: float) -> float:
    """vega's symlog transform (constant 1), to place a value on a symlog axis."""
    return math.copysign(math.log1p(abs(x)), x)


def sentence(text: str) -> str:
    """``text`` ending with a full stop (unless it already ends a sentence)."""
    return text if text.rstrip().endswith((".", "?", "!")) else text.rstrip() + "."


def count(x: float) -> str:
    """A count with thousands separators."""
    return f"{x:,.0f}"


def container(chart: alt.TopLevelMixin, title: alt.TitleParams, height: int, description: str) -> alt.TopLevelMixin:
    """Fill the page's content column; the height stays the data's; the description is the text alternative."""
    return chart.properties(title=title, width="container", height=int(height), autosize=AUTOSIZE, description=description)


RISK_LEVELS = {"very": "Very risky", "little": "A little risky", "not": "Not risky at all"}


def chart_frame(table: pd.DataFrame, kind: str = "bars") -> pd.DataFrame:
    """The columns a chart and its tooltip need, with readable names.

    Risk figures compare children with caregivers: the bars are the answer levels and
    the colours the respondents (and their groups).
    """
    frame = table[table["shown"]].copy()
    frame["Group"] = frame["group"].map(lambda g: GROUP_LABELS.get(g, g))
    respondents = frame["respondent"].nunique() > 1
    if kind == "risk":
        frame["Indicator"] = frame["indicator_id"].str.rsplit("_", n=1).str[-1].map(RISK_LEVELS)
        frame["order"] = frame["Indicator"].map({v: i for i, v in enumerate(RISK_LEVELS.values())})
        frame["Group"] = [RESPONDENT[f] + ("" if g == "All" else f": {g}") for f, g in zip(frame["respondent"], frame["Group"])]
    else:
        frame["Indicator"] = [f"{RESPONDENT[f]}: {lab}" if respondents else lab for f, lab in zip(frame["respondent"], frame["label"])]
    frame["Indicator"] = [f"{lab} (modelled)" if m else lab for lab, m in zip(frame["Indicator"], frame["modelled"])]
    frame["Estimate (%)"] = frame["estimate"].round(1)
    frame["CI low"] = frame["ci_low"].round(1)
    frame["CI high"] = frame["ci_high"].round(1)
    frame["Unweighted n"] = frame["n"].astype(int)
    frame["Published (%)"] = frame["published"]
    frame["Status"] = ["modelled: rests on the generator's assumptions" if m else "published value exists"
                       for m in frame["modelled"]]
    frame["Count"] = [f"{int(k)} of {int(n)}" for k, n in zip(frame["n_positive"], frame["n"])]
    keep = ["Indicator", "Group", "Estimate (%)", "CI low", "CI high", "Unweighted n", "Published (%)", "Status",
            "Count", "modelled", "small_base", "order", "group"]
    return frame[keep].reset_index(drop=True)


def describe_bars(frame: pd.DataFrame, heading: str, confidence: float, kind: str = "Bar chart",
                  rows: list[str] | None = None, groups: list[str] | None = None) -> str:
    """A text alternative for survey estimates (rows and groups in the chart's order): every value, or for a
    long chart the range and extremes."""
    if rows is not None and groups is not None:
        frame = frame.assign(_row=frame["Indicator"].map({r: i for i, r in enumerate(rows)}),
                             _group=frame["Group"].map({g: i for i, g in enumerate(groups)}))
        frame = frame.sort_values(["_row", "_group"], kind="stable").drop(columns=["_row", "_group"])
    big = frame[~frame["small_base"]]
    small = frame[frame["small_base"]]
    several = frame["Group"].nunique() > 1

    def one(r: pd.Series, with_indicator: bool = True) -> str:
        who = f"{r['Indicator']}, {r['Group']}" if several else r["Indicator"]
        name = who if with_indicator else r["Group"]
        if r["small_base"]:
            return f"{name}: {r['Count']} (base too small for a percentage)"
        text = f"{name} {percent(r['Estimate (%)'])} ({confidence:.0%} CI {r['CI low']:.0f}-{r['CI high']:.0f})"
        if pd.notna(r["Published (%)"]):
            text += f", published value {percent(r['Published (%)'])}"
        return text + (", modelled" if r["modelled"] else "")

    parts = [f"{kind}: {sentence(heading)}"]
    if len(frame) <= SUMMARY_ROWS:
        for indicator, rows in frame.groupby("Indicator", sort=False):
            if several:
                parts.append(f"{indicator}: " + "; ".join(one(r, False) for _, r in rows.iterrows()) + ".")
            else:
                parts.append(one(rows.iloc[0]) + ".")
    else:
        parts.append(f"{len(frame)} estimates across {frame['Indicator'].nunique()} rows"
                     + (f" and {frame['Group'].nunique()} groups" if several else "") + ".")
        if len(big):
            hi, lo = big.loc[big["Estimate (%)"].idxmax()], big.loc[big["Estimate (%)"].idxmin()]
            parts.append(f"Estimates range from {percent(lo['Estimate (%)'])} to {percent(hi['Estimate (%)'])}. "
                         f"Largest: {one(hi)}. Smallest: {one(lo)}.")
        published = big["Published (%)"].notna().sum()
        parts.append(f"{published} of them have a published value.")
        if len(small):
            parts.append(f"{len(small)} on bases too small for a percentage are given as counts.")
    if big["modelled"].any():
        parts.append("Modelled values rest on the generator's assumptions, not published values.")
    return " ".join(parts)


INSIDE = 0.6  # a bar longer than this share of its axis carries its label inside, from its start


def value_labels(frame: pd.DataFrame, x: str, encoding: dict, tooltip: list[alt.Tooltip]) -> list[alt.Chart]:
    """Text labels for bars (``frame["Label"]``): after a short bar's end (at ``x``), in dark ink, or inside a long
    bar from its start (``frame["Inside"]``), in the ink its colour needs (``frame["Ink"]``), so labels never leave the chart."""
    layers = []
    outside = frame[~frame["Inside"]]
    if len(outside):
        layers.append(alt.Chart(outside).mark_text(align="left", baseline="middle", dx=3, fontSize=9, color=INK, aria=False)
                      .encode(x=f"{x}:Q", text="Label:N", tooltip=tooltip, **encoding))
    for ink in sorted(set(frame.loc[frame["Inside"], "Ink"])):
        inside = frame[frame["Inside"] & (frame["Ink"] == ink)]
        layers.append(alt.Chart(inside).mark_text(align="left", baseline="middle", dx=3, fontSize=9, color=ink, aria=False)
                      .encode(x=alt.datum(0), text="Label:N", tooltip=tooltip, **encoding))
    return layers


def bar_bands(frame: pd.DataFrame, order: list[str], groups: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The bands of a bar chart, top to bottom, and the axis label of each row.

    One band per bar (``frame["Bar"]``), rows in ``order`` and bars in ``groups`` order, so a row
    has only the bars it has. A row whose wrapped label is taller than its bars gets empty bands
    below them; an empty band separates rows. The label sits at the row's first band.
    """
    bands, labels = [], {}
    for n, indicator in enumerate(order):
        bars = [f"{indicator} | {g}" for g in groups if f"{indicator} | {g}" in set(frame["Bar"])]
        lines = wrap(indicator, LABEL_WIDTH)
        labels[bars[0]] = lines
        needed = math.ceil((LINE_HEIGHT * len(lines) + 2) / BAR)
        bands += bars + [f"{indicator} | (space {i})" for i in range(max(0, needed - len(bars)))]
        if n < len(order) - 1:
            bands.append(f"{indicator} | (gap)")
    return bands, labels


def bar_chart(table: pd.DataFrame, title: str, subtitle: list[str], rules: ReportingRules,
              kind: str = "bars") -> alt.LayerChart:
    """Horizontal bars with CIs, one colour per group, each bar labelled with its group and value,
    a black tick (white-edged, taller than the bar) at the published value."""
    frame = chart_frame(table, kind)
    order = list(dict.fromkeys(frame.sort_values("order", kind="stable")["Indicator"]))
    groups = list(dict.fromkeys(frame["Group"])) if kind == "risk" else group_order(frame)
    several = len(groups) > 1
    frame["Label"] = [(f"{g} " if several else "") + (c if s else percent(e))
                      for g, c, s, e in zip(frame["Group"], frame["Count"], frame["small_base"], frame["Estimate (%)"])]
    frame["Label at"] = frame[["Estimate (%)", "CI high", "Published (%)"]].max(axis=1).where(~frame["small_base"], 0)
    fills = dict(zip(groups, (PALETTE * 2)[: len(groups)]))
    frame["Inside"] = ~frame["small_base"] & (frame["Estimate (%)"] > 100 * INSIDE)
    frame["Ink"] = [INK if m else text_on(fills[g]) for g, m in zip(frame["Group"], frame["modelled"])]
    colour = alt.Color("Group:N", sort=groups, scale=alt.Scale(domain=groups, range=(PALETTE * 2)[: len(groups)]),
                       legend=alt.Legend(title=None, orient="top", columns=legend_columns(groups))
                       if several else None)
    frame["Bar"] = [f"{i} | {g}" for i, g in zip(frame["Indicator"], frame["Group"])]
    bands, axis_labels = bar_bands(frame, order, groups)
    y = alt.Y("Bar:N", title=None, scale=alt.Scale(domain=bands, paddingInner=0.1, paddingOuter=0),
              axis=alt.Axis(labelExpr=f"{json.dumps(axis_labels, ensure_ascii=False, sort_keys=True)}[datum.label] || ''",
                            ticks=False, labelBaseline="top", labelOffset=-(BAR // 2) + 1, domain=True))
    tooltip = tooltips("Indicator", "Group", ("Estimate (%)", ".1f"), ("CI low", ".1f"), ("CI high", ".1f"),
                       ("Unweighted n", ","), ("Published (%)", ".1f"), "Status")
    big = frame[~frame["small_base"]]  # small bases are drawn as their counts (labels), not as bars
    base = alt.Chart(big)
    modelled = {}  # faded, dashed bars for modelled values (only built when some are shown: conditions are slow)
    if big["modelled"].any():
        modelled = {"opacity": alt.condition("datum.modelled", alt.value(0.35), alt.value(0.95)),
                    "strokeDash": alt.condition("datum.modelled", alt.value([3, 2]), alt.value([1, 0])),
                    "stroke": alt.condition("datum.modelled", alt.value(INK), alt.value(None))}
    # with every base small there are no bars, only counts: an empty mark group must not claim a role (axe svg-img-alt)
    bars = base.mark_bar(height={"band": 0.9}, opacity=0.95, aria=not big.empty).encode(
        x=alt.X("Estimate (%):Q", scale=alt.Scale(domain=[0, 100]), title=f"% (bars: estimate; lines: {rules.confidence:.0%} CI)"),
        y=y, color=colour, tooltip=tooltip, **modelled)
    ci = base.mark_rule(color=INK, aria=False).encode(x="CI low:Q", x2="CI high:Q", y=y, tooltip=tooltip)
    published = alt.Chart(big[big["Published (%)"].notna()]).mark_tick(
        color="black", thickness=2.5, size=14, stroke="white", strokeWidth=0.75, aria=False).encode(
        x="Published (%):Q", y=y, tooltip=tooltip)
    labels = value_labels(frame, "Label at", {"y": y},
                          tooltips("Indicator", "Group", "Count", ("Unweighted n", ","), ("Published (%)", ".1f"), "Status"))
    layers = [bars, ci, published, *labels]
    heading = sentence(title) + (f" Groups: {', '.join(groups)}" if several else "")
    return container(alt.layer(*layers), chart_title(title, subtitle), max(60, BAR * len(bands)),
                     describe_bars(frame, heading, rules.confidence, rows=order, groups=groups))


def heatmap_chart(table: pd.DataFrame, title: str, subtitle: list[str], rules: ReportingRules) -> alt.LayerChart:
    """A grid of estimates (rows: indicators, columns: groups), each cell labelled with the
    estimate and, in brackets, the published value, in black or white, whichever reads better on the cell."""
    frame = chart_frame(table)
    frame = frame[~frame["small_base"]].copy()
    order = list(dict.fromkeys(frame.sort_values("order", kind="stable")["Indicator"]))
    groups = group_order(frame)
    frame["Label"] = [f"{e:.0f}" + (f"\n({p:.0f})" if pd.notna(p) else "") for e, p in zip(frame["Estimate (%)"], frame["Published (%)"])]
    frame["Ink"] = [text_on(cividis(e / 100)) for e in frame["Estimate (%)"]]
    base = alt.Chart(frame).encode(
        x=alt.X("Group:N", sort=groups, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("Indicator:N", sort=order, title=None, axis=alt.Axis(labelExpr=wrapped_labels(order))),
        tooltip=tooltips("Indicator", "Group", ("Estimate (%)", ".1f"), ("CI low", ".1f"), ("CI high", ".1f"),
                         ("Unweighted n", ","), ("Published (%)", ".1f"), "Status"))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("Estimate (%):Q", scale=alt.Scale(scheme="cividis", domain=[0, 100]),
                        legend=alt.Legend(title="% (estimate)", orient="top", direction="horizontal", gradientLength=160)))
    labels = [base.mark_text(fontSize=10, lineBreak="\n", lineHeight=11, color=ink, aria=False).encode(text="Label:N").transform_filter(f"datum.Ink == '{ink}'")
              for ink in sorted(set(frame["Ink"]))]
    row = max(26, LINE_HEIGHT * line_count(order) + 4)
    return container(alt.layer(cells, *labels), chart_title(title, subtitle + ["Cells: estimate (published value)."]), row * len(order),
                     describe_bars(frame, sentence(title) + f" Groups: {', '.join(groups)}", rules.confidence, "Heatmap", order, groups))


def describe_counts(data: pd.DataFrame, label: str, colour: str | None, value: str, heading: str,
                    kind: str = "Bar chart") -> str:
    """A text alternative for published counts: every count, or for a long chart the range and extremes."""
    name = (lambda r: f"{r[label]}, {r[colour]}") if colour else (lambda r: str(r[label]))
    parts = [f"{kind}: {sentence(heading)}"]
    if len(data) <= SUMMARY_ROWS:
        parts.append("; ".join(f"{name(r)}: {count(r[value])}" for _, r in data.iterrows()) + ".")
    elif len(data):
        hi, lo = data.loc[data[value].idxmax()], data.loc[data[value].idxmin()]
        parts.append(f"{len(data)} counts, from {count(lo[value])} ({name(lo)}) to {count(hi[value])} ({name(hi)}).")
    return " ".join(parts)


def count_chart(frame: pd.DataFrame, x: str, y: str, colour: str | None, title: str, subtitle: list[str],
                log_scale: bool = False, x_title: str | None = None, y_title: str = "Count") -> alt.LayerChart:
    """Grouped horizontal bars of published counts (no intervals: these are administrative totals),
    each labelled with its group and count.

    ``frame`` is long: one row per bar; ``x`` names the rows of the chart (drawn down the page, so
    long names and many rows fit a phone), ``colour`` the bars within a row, ``y`` the counts.
    Missing (printed blank) cells are simply not drawn.
    """
    data = frame.dropna(subset=[y]).copy()
    data[x] = data[x].astype(str)
    rows = list(dict.fromkeys(data[x]))
    order = list(dict.fromkeys(data[colour].astype(str))) if colour else []
    if colour:
        data[colour] = data[colour].astype(str)
    data["Label"] = [(f"{c}: " if colour else "") + count(v) for c, v in zip(data[colour] if colour else rows, data[y])]
    axis = alt.Axis(values=[0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000], labelFlush=False,
                    # each tick on its own: vega's shared SI prefix would print 10 and 100 as "0M"
                    labelExpr="format(datum.value, '~s')") \
        if log_scale else alt.Axis(format="~s")
    value = alt.X(f"{y}:Q", title=y_title, scale=alt.Scale(type="symlog") if log_scale else alt.Scale(zero=True), axis=axis)
    encoding = {
        "y": alt.Y(f"{x}:N", title=x_title or None, sort=rows, axis=alt.Axis(labelExpr=wrapped_labels(rows))),
        "tooltip": tooltips(*[c for c in (x, colour) if c], (y, ",")),
    }
    if colour:
        encoding["yOffset"] = alt.YOffset(f"{colour}:N", sort=order)
    bars = alt.Chart(data).mark_bar(height={"band": 0.85}).encode(
        x=value, **encoding,
        color=alt.Color(f"{colour}:N", sort=order, scale=alt.Scale(domain=order, range=(PALETTE * 3)[: len(order)]),
                        legend=alt.Legend(title=None, orient="top", columns=legend_columns(order)))
        if colour else alt.value(PALETTE[0]))
    fills = dict(zip(order, PALETTE * 3)) if colour else {}
    top = data[y].max() if len(data) else 1
    share = (data[y].map(symlog) / symlog(top)) if log_scale else data[y] / top
    data["Inside"] = share > INSIDE
    data["Ink"] = [text_on(fills.get(c, PALETTE[0])) for c in (data[colour] if colour else rows)]
    labels = value_labels(data, y, {k: v for k, v in encoding.items() if k != "tooltip"}, encoding["tooltip"])
    per_row = max(1, len(order))
    row = max(BAR * per_row + 4, LINE_HEIGHT * line_count(rows) + 4)
    return container(alt.layer(bars, *labels), chart_title(title, subtitle), row * len(rows),
                     describe_counts(data, x, colour, y, title))


def page_name(page: object) -> str:
    """A ledger page key as readers know it ("1": "Chapter 1", "methods": "Methods")."""
    text = str(page)
    return f"Chapter {text}" if text.isdigit() else text.capitalize()


STATUS_COLOURS = {"reproduced": PALETTE[2], "small base": PALETTE[4], "known gap": PALETTE[0],
                  "not recomputable": GREY, "outside tolerance": PALETTE[1]}


def stacked_labels(data: pd.DataFrame, y: alt.Y, row: str, value: str, group: str, colours: dict[str, str],
                   minimum: float) -> list[alt.Chart]:
    """Values written inside the segments of stacked bars (stacked in the order of ``colours``) wide enough to hold
    them, right-aligned at each segment's end, in black or white as the segment's colour needs (one layer per ink,
    so the bars keep the only colour scale)."""
    frame = data.assign(_order=data[group].map({g: i for i, g in enumerate(colours)})).sort_values([row, "_order"], kind="stable")
    frame["End"] = frame.groupby(row, sort=False)[value].cumsum()
    frame["Ink"] = frame[group].map(lambda g: text_on(colours[g]))
    frame = frame[frame[value] >= minimum].drop(columns="_order")
    return [alt.Chart(frame[frame["Ink"] == ink]).mark_text(align="right", baseline="middle", dx=-3, fontSize=10, color=ink,
                                                            aria=False).encode(x="End:Q", y=y, text=alt.Text(f"{value}:Q", format=",.0f"))
            for ink in sorted(set(frame["Ink"]))]


def ledger_chart(by_page: pd.DataFrame, title: str, subtitle: list[str]) -> alt.LayerChart:
    """Published numbers per book page, stacked by reproduction status, each segment wide enough labelled with its count."""
    long = by_page.drop(columns="total").melt(id_vars="page", var_name="Status", value_name="Published numbers")
    long = long[long["Published numbers"] > 0].rename(columns={"page": "Book page"})
    long["Book page"] = long["Book page"].map(page_name)
    pages = list(dict.fromkeys(by_page["page"].map(page_name)))
    statuses = [s for s in STATUS_COLOURS if s in set(long["Status"])]
    colours = {s: STATUS_COLOURS[s] for s in statuses}
    y = alt.Y("Book page:N", title=None, sort=pages, axis=alt.Axis(labelExpr=wrapped_labels(pages)))
    base = alt.Chart(long).encode(
        y=y,
        order=alt.Order("order:Q"),
        tooltip=tooltips("Book page", "Status", ("Published numbers", ",")),
    ).transform_calculate(order="indexof(" + json.dumps(statuses) + ", datum.Status)")
    bars = base.mark_bar().encode(
        x=alt.X("Published numbers:Q", stack="zero", title="Published numbers"),
        color=alt.Color("Status:N", sort=statuses, scale=alt.Scale(domain=statuses, range=list(colours.values())),
                        legend=alt.Legend(title="Status (left to right)", orient="top", direction="vertical")),
    )
    totals = by_page.assign(page=pages)
    lines = [f"{p}: {count(t)} published numbers" + "".join(f", {count(r[s])} {s}" for s in statuses if r.get(s, 0))
             for p, t, (_, r) in zip(totals["page"], totals["total"], totals.iterrows())]
    description = f"Stacked bar chart: {sentence(title)} " + "; ".join(lines) + "."
    return container(alt.layer(bars, *stacked_labels(long, y, "Book page", "Published numbers", "Status", colours, max(1, by_page["total"].max() / 12))),
                     chart_title(title, subtitle), max(24, LINE_HEIGHT * line_count(pages) + 8) * len(by_page), description)


def sample_size_chart(frame: pd.DataFrame, label: str, size: str, title: str, subtitle: list[str]) -> alt.LayerChart:
    """Horizontal bars of sample sizes on a log scale (they run from a handful to hundreds), each labelled with its n."""
    data = frame.dropna(subset=[size])[[label, size]]
    rows = list(data[label])
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", title=None, sort=rows, axis=alt.Axis(labelExpr=wrapped_labels(rows))),
        x=alt.X(f"{size}:Q", title=f"{size} (log scale)", scale=alt.Scale(type="log", domain=[1, 2000])),
        tooltip=tooltips(label, (size, ",")),
    )
    bars = base.mark_bar(color=PALETTE[0]).encode(x2=alt.datum(1))
    labels = base.mark_text(align="left", dx=4, color=INK, aria=False).encode(text=alt.Text(f"{size}:Q", format=",.0f"))
    row = max(24, LINE_HEIGHT * line_count(rows) + 6)
    return container(bars + labels, chart_title(title, subtitle), row * len(data),
                     describe_counts(data, label, None, size, f"{title} ({size.lower()}, log scale)"))


def distribution_chart(rows: pd.DataFrame, title: str, subtitle: list[str]) -> alt.LayerChart:
    """Published answer shares of some questions: one bar per answer, in the printed order, each labelled
    with its share (select-all questions' shares need not add up to 100, so shares are never stacked).
    A question with one answer drawn is one row; otherwise each row names the question and the answer."""
    data = rows.rename(columns={"value": "Share (%)", "answer": "Answer", "question": "Question"}).copy()
    answers_per_question = data.groupby("Question")["Answer"].transform("nunique")
    data["Row"] = [q if k == 1 else f"{q}: {a}" for q, a, k in zip(data["Question"], data["Answer"], answers_per_question)]
    order = list(dict.fromkeys(data["Row"]))
    data["Label"] = [percent(v) for v in data["Share (%)"]]
    data["Inside"] = data["Share (%)"] > 100 * INSIDE
    data["Ink"] = text_on(PALETTE[0])
    y = alt.Y("Row:N", title=None, sort=order, axis=alt.Axis(labelExpr=wrapped_labels(order)))
    tooltip = tooltips("Question", "Answer", ("Share (%)", ".1f"))
    bars = alt.Chart(data).mark_bar(color=PALETTE[0], height={"band": 0.8}).encode(
        x=alt.X("Share (%):Q", title=wrap("% of frontline workers who answered (as published)", LABEL_WIDTH + 10),
                scale=alt.Scale(domain=[0, 100])),
        y=y, tooltip=tooltip)
    row = max(22, LINE_HEIGHT * line_count(order) + 8)
    shares = "; ".join(f"{q}: " + ", ".join(f"{a} {percent(v)}" for a, v in zip(g["answer"], g["value"]))
                       for q, g in rows.groupby("question", sort=False))
    return container(alt.layer(bars, *value_labels(data, "Share (%)", {"y": y}, tooltip)), chart_title(title, subtitle),
                     row * len(order), f"Bar chart: {sentence(title)} {shares}.")
