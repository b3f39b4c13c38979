"""Charts in one consistent, colour-blind-safe style.

Interactive altair charts (tooltips give the estimate, CI, unweighted n and the
published value) for the web; seaborn for static figures where a grid reads better
than bars (Figure 6). Small bases are drawn as counts, never as bars; modelled
values are faded, dashed and labelled.
"""
from __future__ import annotations

import json

import altair as alt
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .data import GROUP_LABELS, GROUPS  # noqa: E402
from .reporting import ReportingRules  # noqa: E402

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
RESPONDENT = {"children": "Children", "caregivers": "Caregivers", "household_roster": "All children 12-17"}
FONT = "Helvetica, Arial, sans-serif"


def group_order(table: pd.DataFrame) -> list[str]:
    """Total first, then each breakdown's groups in their natural order."""
    order = []
    for breakdown, groups in GROUPS.items():
        for g in groups:
            label = GROUP_LABELS.get(g, g)
            if label not in order and (table["group"] == g).any():
                order.append(label)
    return order


RISK_LEVELS = {"very": "Very risky", "little": "A little risky", "not": "Not risky at all"}


def chart_frame(table: pd.DataFrame, kind: str = "bars") -> pd.DataFrame:
    """The columns a chart and its tooltip need, with readable names.

    Risk figures compare children with caregivers: the bars are the answer levels and
    the colours the respondents (and their groups).
    """
    frame = table[table["shown"]].copy()
    frame["Group"] = frame["group"].map(lambda g: GROUP_LABELS.get(g, g))
    respondents = frame["file"].nunique() > 1
    if kind == "risk":
        frame["Indicator"] = frame["indicator_id"].str.rsplit("_", n=1).str[-1].map(RISK_LEVELS)
        frame["order"] = frame["Indicator"].map({v: i for i, v in enumerate(RISK_LEVELS.values())})
        frame["Group"] = [RESPONDENT[f] + ("" if g == "All" else f": {g}") for f, g in zip(frame["file"], frame["Group"])]
    else:
        frame["Indicator"] = [f"{RESPONDENT[f]}: {lab}" if respondents else lab for f, lab in zip(frame["file"], frame["label"])]
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
    tooltip = ["Indicator", "Group", "Estimate (%)", "CI low", "CI high", "Unweighted n", "Published (%)", "Status"]
    big = frame[~frame["small_base"]]
    small = frame[frame["small_base"]]
    base = alt.Chart(big)
    bars = base.mark_bar(height={"band": 0.9}).encode(
        x=alt.X("Estimate (%):Q", scale=alt.Scale(domain=[0, 100]), title=f"% (bars: estimate; lines: {rules.confidence:.0%} CI)"),
        y=y, yOffset=y_offset, color=colour, tooltip=tooltip,
        opacity=alt.condition("datum.modelled", alt.value(0.35), alt.value(0.95)),
        strokeDash=alt.condition("datum.modelled", alt.value([3, 2]), alt.value([1, 0])),
        stroke=alt.condition("datum.modelled", alt.value("#333333"), alt.value(None)),
    )
    ci = base.mark_rule(color="#333333").encode(x="CI low:Q", x2="CI high:Q", y=y, yOffset=y_offset, tooltip=tooltip)
    published = alt.Chart(big[big["Published (%)"].notna()]).mark_tick(color="black", thickness=2, size=10).encode(
        x="Published (%):Q", y=y, yOffset=y_offset, tooltip=tooltip)
    layers = [bars, ci, published]
    if len(small):
        layers.append(alt.Chart(small).mark_text(align="left", dx=3, fontSize=10).encode(
            x=alt.datum(0), y=y, yOffset=y_offset, text="Count:N", color=colour,
            tooltip=["Indicator", "Group", "Count", "Unweighted n", "Published (%)", "Status"]))
    n_rows = len(frame)
    return alt.layer(*layers).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=11),
        width=300, height=max(60, 13 * n_rows),
    ).configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(labelFont=FONT).configure_view(stroke=None)


def heatmap_figure(table: pd.DataFrame, title: str, subtitle: list[str], rules: ReportingRules) -> plt.Figure:
    """A static grid of estimates (rows: indicators, columns: groups), printed values in brackets."""
    frame = chart_frame(table)
    frame = frame[~frame["small_base"]]
    order = list(dict.fromkeys(frame.sort_values("order")["Indicator"]))
    groups = group_order(frame)
    grid = frame.pivot_table(index="Indicator", columns="Group", values="Estimate (%)").reindex(index=order, columns=groups)
    printed = frame.pivot_table(index="Indicator", columns="Group", values="Published (%)").reindex(index=order, columns=groups)
    labels = grid.map(lambda v: f"{v:.0f}")
    labels = labels.where(printed.isna(), labels + printed.map(lambda v: f" ({v:.0f})" if pd.notna(v) else ""))
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(order) + 1.8), dpi=100)
    sns.heatmap(grid, annot=labels, fmt="", cmap="cividis", vmin=0, vmax=100, cbar_kws={"label": "% (estimate)"},
                linewidths=0.5, linecolor="white", ax=ax, annot_kws={"fontsize": 8})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title + "\n" + "\n".join(subtitle) + "\nCells: estimate (published value)", loc="left", fontsize=9)
    fig.tight_layout()
    return fig


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
        "tooltip": [c for c in (x, colour, y) if c],
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", sort=order, legend=alt.Legend(title=None, orient="top"),
                                      scale=alt.Scale(range=OKABE_ITO))
        encoding["xOffset"] = alt.XOffset(f"{colour}:N", sort=order)
    return alt.Chart(data).mark_bar().encode(**encoding).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=11),
        width=420, height=220,
    ).configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(labelFont=FONT).configure_view(stroke=None)


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
        tooltip=["page", "Status", "Published numbers"],
    ).transform_calculate(order="indexof(" + json.dumps(statuses) + ", datum.Status)").properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=11),
        width=420, height=24 * len(by_page),
    ).configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(labelFont=FONT).configure_view(stroke=None)


def sample_size_chart(frame: pd.DataFrame, label: str, size: str, title: str, subtitle: list[str]) -> alt.LayerChart:
    """Horizontal bars of sample sizes on a log scale (they run from a handful to hundreds), each labelled with its n."""
    data = frame.dropna(subset=[size])[[label, size]]
    base = alt.Chart(data).encode(
        y=alt.Y(f"{label}:N", title=None, sort=list(data[label]), axis=alt.Axis(labelLimit=330)),
        x=alt.X(f"{size}:Q", title=f"{size} (log scale)", scale=alt.Scale(type="log", domain=[1, 2000])),
        tooltip=[label, size],
    )
    bars = base.mark_bar(color=OKABE_ITO[0])
    labels = base.mark_text(align="left", dx=4, font=FONT).encode(text=alt.Text(f"{size}:Q", format=",.0f"))
    return (bars + labels).properties(
        title=alt.TitleParams(title, subtitle=subtitle, anchor="start", fontSize=14, subtitleFontSize=11),
        width=300, height=24 * len(data),
    ).configure_axis(labelFont=FONT, titleFont=FONT).configure_view(stroke=None)
