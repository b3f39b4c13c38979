"""Figures as data: each figure (or text panel) of the report is a row of
``data/<country>/published/figures.csv`` listing its indicators, breakdowns and base.

:func:`figure_table` turns one row into the table every chapter shows: the design-based
estimate with its CI and unweighted base beside the published value, with the
reporting rules applied.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .data import (GROUPS, DataValidationError, country_dir, load_indicators, load_published, load_survey,
                   SURVEY_FILES, _read_csv, _require_values)
from .estimation import estimate_indicator
from .reporting import ReportingRules, apply_reporting_rules

FIGURE_COLUMNS = ["figure_id", "chapter", "section", "label", "title", "base", "indicators", "breakdowns", "chart"]
SURVEY_SOURCE = "Disrupting Harm household survey, Cambodia, 2020"


@dataclass
class CountryData:
    """Everything a chapter needs for one country, loaded and validated once."""

    country: str
    surveys: dict
    published: pd.DataFrame
    indicators: pd.DataFrame
    figures: pd.DataFrame

    @property
    def synthetic(self) -> bool:
        return any(frame.attrs.get("synthetic", False) for frame in self.surveys.values())

    def source_line(self, figure_label: str = "") -> str:
        kind = ("synthetic microdata calibrated to the published figures (not the real survey records)"
                if self.synthetic else "survey microdata")
        where = f", {figure_label}" if figure_label else ""
        return (f"Source: {SURVEY_SOURCE}; estimates from {kind}. Published values: ECPAT, INTERPOL and "
                f"UNICEF (2022), Disrupting Harm in Cambodia{where}.")


def load_figures(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
    path = country_dir(country, data_root) / "published" / "figures.csv"
    frame = _read_csv(path, FIGURE_COLUMNS)
    _require_values(frame, path, "chart", ("bars", "heatmap", "risk", "none"))
    indicators = load_indicators(data_root)
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for ind in row.indicators.split(";"):
            if ind not in indicators.index and not ind.startswith("sample_"):
                raise DataValidationError(f"{path}, row {i}, column 'indicators': {ind!r} has no definition in data/codebook/indicators.csv")
        for b in row.breakdowns.split(";"):
            if b not in GROUPS:
                raise DataValidationError(f"{path}, row {i}, column 'breakdowns': {b!r} is not one of {', '.join(GROUPS)}")
    if frame["figure_id"].duplicated().any():
        raise DataValidationError(f"{path}: figure_id {frame.loc[frame['figure_id'].duplicated(), 'figure_id'].iloc[0]!r} appears twice")
    return frame.set_index("figure_id", drop=False)


def load_country(country: str = "cambodia", data_root: Path | str | None = None) -> CountryData:
    """Load and validate all inputs of one country."""
    if not isinstance(country, str) or not country:
        raise DataValidationError(f"parameter country={country!r}: expected the name of a folder under data/")
    surveys = {f: load_survey(f, country, data_root) for f in SURVEY_FILES}
    return CountryData(country, surveys, load_published(country, data_root), load_indicators(data_root),
                       load_figures(country, data_root))


def _published_for(published: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    rows = published[(published["indicator_id"] == indicator_id) & published["value"].notna()]
    # the chapter's own printing first, the executive summary's repeat second
    return rows.assign(_summary=rows["section"] == "summary").sort_values("_summary", kind="stable")


def figure_table(data: CountryData, figure_id: str, rules: ReportingRules,
                 breakdowns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Estimates for one figure beside their published values, reporting rules applied.

    ``breakdowns`` (a chapter parameter) overrides the figure's own list, so an analyst can
    ask for any subgroup the data hold; the published column is filled where the report
    printed that cell.
    """
    if figure_id not in data.figures.index:
        raise KeyError(f"figure {figure_id!r} is not in figures.csv (known: {', '.join(data.figures.index)})")
    spec = data.figures.loc[figure_id]
    wanted = list(breakdowns) if breakdowns is not None else spec["breakdowns"].split(";")
    for b in wanted:
        if b not in GROUPS:
            raise ValueError(f"parameter breakdowns: {b!r} is not one of {', '.join(GROUPS)}")
    if "total" not in wanted:
        wanted = ["total"] + wanted
    parts = []
    for order, ind_id in enumerate(spec["indicators"].split(";")):
        if ind_id.startswith("sample_"):
            continue
        ind = data.indicators.loc[ind_id]
        est = estimate_indicator(data.surveys[ind["file"]], ind, wanted, rules.confidence)
        est["order"] = order
        est["label"] = ind["label"]
        est["file"] = ind["file"]
        pub = _published_for(data.published, ind_id)
        percent = pub[pub["unit"] == "percent"].drop_duplicates(["breakdown", "group"])
        est = est.merge(percent[["breakdown", "group", "value", "qualifier"]].rename(columns={"value": "published"}),
                        on=["breakdown", "group"], how="left")
        counts = pub[pub["unit"] == "count"]
        est["published_count"] = pd.NA
        if len(counts):
            est.loc[est["breakdown"] == "total", "published_count"] = int(counts["value"].iloc[0])
        est["modelled"] = est["published"].isna() & est["published_count"].isna()
        parts.append(est)
    table = pd.concat(parts, ignore_index=True)
    table.insert(0, "figure_id", figure_id)
    table["qualifier"] = table["qualifier"].fillna("")
    return apply_reporting_rules(table, rules)


def lookup(table: pd.DataFrame, indicator_id: str, group: str = "Total", column: str = "estimate"):
    """One value of a figure table, for prose: fails loudly if the cell is missing."""
    hit = table[(table["indicator_id"] == indicator_id) & (table["group"] == group)]
    if hit.empty:
        raise KeyError(f"no estimate for indicator {indicator_id!r}, group {group!r}")
    return hit.iloc[0][column]


def sample_table(data: CountryData) -> pd.DataFrame:
    """The achieved sample (unweighted counts), beside the sizes the report prints."""
    children = data.surveys["children"]
    rows = [("sample_children", "total", "Total", len(children))]
    for b in ("sex", "age_group"):
        for g in GROUPS[b]:
            rows.append(("sample_children", b, g, int((children[b] == g).sum())))
            rows.append(("sample_share", b, g, 100 * float((children[b] == g).mean())))
    rows.append(("sample_caregivers", "total", "Total", len(data.surveys["caregivers"])))
    rows.append(("sample_psus", "total", "Total", children["psu"].nunique()))
    rows.append(("sample_roster_households", "total", "Total", data.surveys["household_roster"]["household_id"].nunique()))
    out = pd.DataFrame(rows, columns=["indicator_id", "breakdown", "group", "computed"])
    pub = data.published[data.published["indicator_id"].str.startswith("sample_")]
    out = out.merge(pub.drop_duplicates(["indicator_id", "breakdown", "group"])[["indicator_id", "breakdown", "group", "wording", "value", "unit", "section"]]
                    .rename(columns={"value": "published"}), on=["indicator_id", "breakdown", "group"], how="left")
    return out[["indicator_id", "wording", "breakdown", "group", "published", "computed", "unit", "section"]]


def population_12_17(country: str = "cambodia", data_root: Path | str | None = None) -> float:
    """The assumed national population aged 12-17, from the one file of assumptions."""
    path = country_dir(country, data_root) / "survey" / "assumptions.csv"
    frame = _read_csv(path, ["file", "variable", "value"])
    hit = frame[(frame["file"] == "design") & (frame["variable"] == "population_12_17")]
    if hit.empty:
        raise DataValidationError(f"{path}: no design row for population_12_17")
    return float(hit["value"].iloc[0])


def scale_to_population(data: CountryData, table: pd.DataFrame, indicator_id: str, rules: ReportingRules,
                        population: float | None = None, group: str = "Total") -> dict:
    """An estimated share scaled to the national number of internet-using children aged 12-17.

    The number of internet users is the roster's internet-use rate times ``population``
    (children aged 12-17; default from assumptions.csv). The interval scales the share's
    interval and does not add the uncertainty of the internet-use rate or the population.
    """
    population = population_12_17(data.country) if population is None else population
    if not isinstance(population, (int, float)) or population <= 0:
        raise ValueError(f"parameter population_12_17={population!r}: expected a positive number of children")
    roster = data.indicators.loc["roster_internet_user"]
    users = float(estimate_indicator(data.surveys["household_roster"], roster, ["total"], rules.confidence)["estimate"].iloc[0]) / 100 * population
    row = table[(table["indicator_id"] == indicator_id) & (table["group"] == group)].iloc[0]
    return {"internet_users": users, "estimate": row["estimate"] / 100 * users,
            "ci_low": row["ci_low"] / 100 * users, "ci_high": row["ci_high"] / 100 * users}


def check_rank_orders(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Findings the report gives only in words ('most often a family member') as published
    orders, checked against the estimates: each listed answer must be more common than the next."""
    path = country_dir(data.country) / "published" / "rank_orders.csv"
    frame = _read_csv(path, ["experience", "question", "order", "section", "statement"])
    rows = []
    for i, r in enumerate(frame.itertuples(index=False), start=1):
        ids = [f"child_ocsea_{r.experience}_{r.question}_{k}" for k in r.order.split(";")]
        missing = [x for x in ids if x not in data.indicators.index]
        if missing:
            raise DataValidationError(f"{path}, row {i}, column 'order': no indicator {missing[0]!r}")
        values = [float(estimate_indicator(data.surveys["children"], data.indicators.loc[x], ["total"], rules.confidence)["estimate"].iloc[0])
                  for x in ids]
        rows.append({"experience": r.experience, "question": r.question, "published order": r.order.replace(";", " > "),
                     "estimates (%)": " > ".join(f"{v:.0f}" for v in values),
                     "honoured": all(a > b for a, b in zip(values, values[1:])), "section": r.section})
    return pd.DataFrame(rows)
