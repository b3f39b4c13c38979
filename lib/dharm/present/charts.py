"""Charts in one consistent, colour-blind-safe style.

Interactive altair charts (tooltips give the estimate, CI, unweighted n and the
published value), as bars or, where a grid reads better (Figure 6), as a heatmap.
Small bases are drawn as counts, never as bars; modelled values are faded, dashed and
labelled.
"""
from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..config import GROUP_LABELS, GROUPS
from ..stats.rules import ReportingRules
from .theme import OKABE_ITO, title as chart_title

RESPONDENT = {"children": "Children", "caregivers": "Caregivers", "household_roster": "All children 12-17"}


def group_order(table: pd.DataFrame) -> list[str]:
    """Total first, then each breakdown's groups in their natural order."""
    order = []
    for breakdown, groups in GROUPS.items():
        for g in groups:
            label = GROUP_LABELS.get(g, g)
            if label not in order and (table["group"] == g).any():
                order.append(label)
    return order


def tooltips(*fields: str) -> list[alt.Tooltip]:
    """Tooltip channels for some columns (typed: altair parses a plain list much more slowly)."""
    return [alt.Tooltip(f) for f in fields]


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


def bar_chart(table: pd.DataFrame, title: str, subtitle: list[str], rules: ReportingRules,
              kind: str = "bars") -> alt.LayerChart:
    """Horizontal bars with CIs, one colour per group, a black tick at the published value."""
    frame = chart_frame(table, kind)
    order = list(dict.fromkeys(frame.sort_values("order", kind="stable")["Indicator"]))
    groups = list(dict.fromkeys(frame["Group"])) if kind == "risk" else group_order(frame)
    colour = alt.Color("Group:N", sort=groups, scale=alt.Scale(domain=groups, range=OKABE_ITO[: len(groups)]),
                       legend=alt.Legend(title=None, orient="top"))
    y = alt.Y("Indicator:N", sort=order, title=None, axis=alt.Axis(labelLimit=250))
    y_offset = alt.YOffset("Group:N", sort=groups)
    tooltip = tooltips("Indicator", "Group", "Estimate (%)", "CI low", "CI high", "Unweighted n", "Published (%)", "Status")
    big = frame[~frame["small_base"]]
    small = frame[frame["small_base"]]
    base = alt.Chart(big)
    modelled = {}  # faded, dashed bars for modelled values (only built when some are shown: conditions are slow)
    if big["modelled"].any():
        modelled = {"opacity": alt.condition("datum.modelled", alt.value(0.35), alt.value(0.95)),
                    "strokeDash": alt.condition("datum.modelled", alt.value([3, 2]), alt.value([1, 0])),
                    "stroke": alt.condition("datum.modelled", alt.value("#333333"), alt.value(None))}
    bars = base.mark_bar(height={"band": 0.9}, opacity=0.95).encode(
        x=alt.X("Estimate (%):Q", scale=alt.Scale(domain=[0, 100]), title=f"% (bars: estimate; lines: {rules.confidence:.0%} CI)"),
        y=y, yOffset=y_offset, color=colour, tooltip=tooltip, **modelled)
    ci = base.mark_rule(color="#333333").encode(x="CI low:Q", x2="CI high:Q", y=y, yOffset=y_offset, tooltip=tooltip)
    published = alt.Chart(big[big["Published (%)"].notna()]).mark_tick(color="black", thickness=2, size=10).encode(
        x="Published (%):Q", y=y, yOffset=y_offset, tooltip=tooltip)
    layers = [bars, ci, published]
    if len(small):
        layers.append(alt.Chart(small).mark_text(align="left", dx=3, fontSize=10).encode(
            x=alt.datum(0), y=y, yOffset=y_offset, text="Count:N", color=colour,
            tooltip=tooltips("Indicator", "Group", "Count", "Unweighted n", "Published (%)", "Status")))
    n_rows = len(frame)
    return alt.layer(*layers).properties(
        title=chart_title(title, subtitle),
        width=300, height=max(60, 13 * n_rows),
    )


def heatmap_chart(table: pd.DataFrame, title: str, subtitle: list[str], rules: ReportingRules) -> alt.LayerChart:
    """A grid of estimates (rows: indicators, columns: groups), each cell labelled with the
    estimate and, in brackets, the published value."""
    frame = chart_frame(table)
    frame = frame[~frame["small_base"]].copy()
    order = list(dict.fromkeys(frame.sort_values("order", kind="stable")["Indicator"]))
    groups = group_order(frame)
    frame["Label"] = [f"{e:.0f}" + (f" ({p:.0f})" if pd.notna(p) else "") for e, p in zip(frame["Estimate (%)"], frame["Published (%)"])]
    frame["Dark"] = frame["Estimate (%)"] < 50
    base = alt.Chart(frame).encode(
        x=alt.X("Group:N", sort=groups, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("Indicator:N", sort=order, title=None, axis=alt.Axis(labelLimit=250)),
        tooltip=tooltips("Indicator", "Group", "Estimate (%)", "CI low", "CI high", "Unweighted n", "Published (%)", "Status"))
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("Estimate (%):Q", scale=alt.Scale(scheme="cividis", domain=[0, 100]),
                        legend=alt.Legend(title="% (estimate)", orient="right")))
    labels = base.mark_text(fontSize=10).encode(
        text="Label:N", color=alt.condition("datum.Dark", alt.value("white"), alt.value("black")))
    return (cells + labels).properties(title=chart_title(title, subtitle + ["Cells: estimate (published value)."]),
                                       width=max(240, 70 * len(groups)), height=18 * len(order))


def count_chart(frame: pd.DataFrame, x: str, y: str, colour: str | None, title: str, subtitle: list[str],
                log_scale: bool = False, x_title: str | None = None, y_title: str = "Count") -> alt.Chart:
    """Grouped bars of published counts (no intervals: these are administrative totals).

    ``frame`` is long: one row per bar. Missing (printed blank) cells are simply not drawn.
    """
    data = frame.dropna(subset=[y]).copy()
    order = list(dict.fromkeys(data[colour])) if colour else None
    encoding = {
        "x": alt.X(f"{x}:N", title=x_title if x_title is not None else x, sort=list(dict.fromkeys(data[x]))),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(type="symlog") if log_scale else alt.Scale(zero=True),
                   axis=alt.Axis(values=[0, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000], format="~s")
                   if log_scale else alt.Axis(format="~s")),
        "tooltip": tooltips(*[c for c in (x, colour, y) if c]),
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", sort=order, legend=alt.Legend(title=None, orient="top"),
                                      scale=alt.Scale(range=OKABE_ITO))
        encoding["xOffset"] = alt.XOffset(f"{colour}:N", sort=order)
    return alt.Chart(data).mark_bar().encode(**encoding).properties(
        title=chart_title(title, subtitle),
        width=420, height=220,
    )


STATUS_COLOURS = {"reproduced": OKABE_ITO[2], "small base": OKABE_ITO[1], "known gap": OKABE_ITO[0],
                  "not recomputable": "#999999", "outside tolerance": OKABE_ITO[5]}


def ledger_chart(by_page: pd.DataFrame, title: str, subtitle: list[str]) -> alt.Chart:
    """Published numbers per book page, stacked by reproduction status."""
    long = by_page.drop(columns="total").melt(id_vars="page", var_name="Status", value_name="Published numbers")
    long = long[long["Published numbers"] > 0]
    statuses = [s for s in STATUS_COLOURS if s in set(long["Status"])]
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("page:N", title=None, sort=list(by_page["page"])),
        x=alt.X("Published numbers:Q", stack="zero"),
        color=alt.Color("Status:N", sort=statuses, scale=alt.Scale(domain=statuses, range=[STATUS_COLOURS[s] for s in statuses]),
                        legend=alt.Legend(title=None, orient="top")),
        order=alt.Order("order:Q"),
        tooltip=tooltips("page", "Status", "Published numbers"),
    ).transform_calculate(order="indexof(" + json.dumps(statuses) + ", datum.Status)").properties(
        title=chart_title(title, subtitle),
        width=420, height=24 * len(by_page),
    )


def sample_size_chart(frame: pd.DataFrame, label: str, size: str, title: str, subtitle: list[str]) -> alt.LayerChart:
    """Horizontal bars of sample sizes on a log scale (they run from a handful to hundreds), each labelled with its n."""
    data = frame.dropna(subset=[size])[[label, size]]
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", title=None, sort=list(data[label]), axis=alt.Axis(labelLimit=330)),
        x=alt.X(f"{size}:Q", title=f"{size} (log scale)", scale=alt.Scale(type="log", domain=[1, 2000])),
        tooltip=tooltips(label, size),
    )
    bars = base.mark_bar(color=OKABE_ITO[0])
    labels = base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{size}:Q", format=",.0f"))
    return (bars + labels).properties(
        title=chart_title(title, subtitle),
        width=300, height=24 * len(data),
    )


def distribution_chart(rows: pd.DataFrame, title: str, subtitle: list[str]) -> alt.Chart:
    """Published answer shares of some questions as 100% bars, answers in the printed order."""
    answers = list(dict.fromkeys(rows["answer"]))
    return alt.Chart(rows.rename(columns={"value": "Share (%)", "answer": "Answer", "question": "Question"})).mark_bar().encode(
        x=alt.X("Share (%):Q", stack="zero", title="% of frontline workers who answered (as published)"),
        y=alt.Y("Question:N", title=None, sort=list(dict.fromkeys(rows["question"])), axis=alt.Axis(labelLimit=260)),
        color=alt.Color("Answer:N", sort=answers, scale=alt.Scale(domain=answers, range=(OKABE_ITO * 3)[: len(answers)]),
                        legend=alt.Legend(title=None, orient="top")),
        order=alt.Order("order:Q"),
        tooltip=tooltips("Question", "Answer", "Share (%)"),
    ).transform_calculate(order="indexof(" + json.dumps(answers) + ", datum.Answer)").properties(
        title=chart_title(title, subtitle), width=360, height=max(40, 24 * rows["question_id"].nunique()),
    )
