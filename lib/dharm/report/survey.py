"""Survey figures as tables: estimates from the store beside the values the report printed.

Each figure (or text panel) of the report is a row of ``figures.csv`` listing its
indicators, breakdowns and base. :func:`figure_table` turns one into the table every page
shows; :func:`survey_checks` turns every printed survey number into a check for the ledger.
"""
from __future__ import annotations

import pandas as pd

from ..config import GROUPS, SCALED_SUFFIX, TOLERANCE_TOTAL
from ..io.country import CountryData
from ..io.errors import DataValidationError
from ..io.parameters import check_breakdowns, check_population
from ..stats import judge
from ..stats.numbers import RESPONDENT_NOUN, count_of
from ..stats.rules import ReportingRules, apply_reporting_rules
from ..stats.store import EstimateStore, estimate_store
from .checks import checks_frame

def store_for(data: CountryData, rules: ReportingRules) -> EstimateStore:
    """The estimate store at the page's confidence level."""
    return estimate_store(data, rules.confidence)


def published_in(data: CountryData, source_ids) -> str:
    """The publications some published rows come from (their ``source`` ids; empty: the country's report)."""
    ids = list(dict.fromkeys(i if isinstance(i, str) and i else data.metadata.report.id for i in source_ids))
    return "; ".join(data.metadata.source(i).short for i in ids) if ids else data.metadata.report.short


def source_line(data: CountryData, figure_label: str = "", source_ids=()) -> str:
    """Where a survey figure's numbers come from, saying whether the records are synthetic and which
    publications print the values it is compared with (``source_ids`` of its published rows)."""
    kind = ("synthetic microdata calibrated to the published figures (not the real survey records)"
            if data.synthetic else "survey microdata")
    where = f", {figure_label}" if figure_label else ""
    survey = ", ".join([data.metadata.name] + ([str(data.metadata.survey_year)] if data.metadata.survey_year else []))
    return (f"Source: Disrupting Harm household survey, {survey}; estimates from {kind}. "
            f"Published values: {published_in(data, source_ids)}{where}.")


def _published_cells(published: pd.DataFrame, indicator_ids: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Printed percentages per cell (the chapter's own printing before the executive summary's
    repeat) and the printed count of each indicator, if any."""
    rows = published[published["indicator_id"].isin(indicator_ids) & published["value"].notna()]
    rows = rows.assign(_summary=rows["section"] == "summary").sort_values("_summary", kind="stable")
    percent = rows[rows["unit"] == "percent"].drop_duplicates(["indicator_id", "breakdown", "group"])
    counts = rows[rows["unit"] == "count"].drop_duplicates("indicator_id").set_index("indicator_id")["value"]
    return percent[["indicator_id", "breakdown", "group", "value", "qualifier"]].rename(columns={"value": "published"}), counts


def figure_table(data: CountryData, figure_id: str, rules: ReportingRules,
                 breakdowns: list[str] | tuple[str, ...] | None = None) -> pd.DataFrame:
    """Estimates for one figure beside their published values, reporting rules applied.

    ``breakdowns`` (a page parameter) overrides the figure's own list, so an analyst can ask
    for any subgroup the data hold; the published column is filled where the report printed
    that cell.
    """
    if figure_id not in data.figures.index:
        raise data.not_published(f"figure {figure_id!r} (its figures.csv lists: {', '.join(data.figures.index) or 'none'})")
    spec = data.figures.loc[figure_id]
    wanted = check_breakdowns(breakdowns) or spec["breakdowns"].split(";")
    if "total" not in wanted:
        wanted = ["total"] + wanted
    listed = spec["indicators"].split(";")
    ids = [i for i in listed if not i.startswith("sample_")]
    table = store_for(data, rules).rows(ids, wanted)
    table.insert(0, "figure_id", figure_id)
    table["order"] = table["indicator_id"].map({i: k for k, i in enumerate(listed)})
    table["label"] = table["indicator_id"].map(data.indicators["label"])
    percent, counts = _published_cells(data.published, ids)
    table = table.merge(percent, on=["indicator_id", "breakdown", "group"], how="left")
    table["published_count"] = table["indicator_id"].map(counts).where(table["breakdown"] == "total").astype("Int64")
    table["modelled"] = table["published"].isna() & table["published_count"].isna()
    table["qualifier"] = table["qualifier"].fillna("")
    return apply_reporting_rules(table, rules)


def survey_count(data: CountryData, rules: ReportingRules, indicator_id: str, group: str = "Total",
                 column: str = "n_positive", breakdown: str | None = None) -> int:
    """How many respondents have an indicator (or, with ``column='n'``, are in its base)."""
    return int(store_for(data, rules).value(indicator_id, group, column, breakdown))


def sample_table(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """The achieved sample (unweighted counts), beside the sizes the report prints."""
    store = store_for(data, rules)
    total = store.facts("children")["records"]
    rows = [("sample_children", "total", "Total", float(total))]
    for b in ("sex", "age_group"):
        for g in GROUPS[b]:
            records = store.facts("children", b, g)["records"]
            rows.append(("sample_children", b, g, float(records)))
            rows.append(("sample_share", b, g, 100 * records / total))
    rows.append(("sample_caregivers", "total", "Total", float(store.facts("caregivers")["records"])))
    rows.append(("sample_psus", "total", "Total", float(store.facts("children")["psus"])))
    rows.append(("sample_roster_households", "total", "Total", float(store.facts("household_roster")["households"])))
    out = pd.DataFrame(rows, columns=["indicator_id", "breakdown", "group", "computed"])
    pub = data.published[data.published["indicator_id"].str.startswith("sample_")]
    out = out.merge(pub.drop_duplicates(["indicator_id", "breakdown", "group"])[
        ["indicator_id", "breakdown", "group", "wording", "value", "unit", "section"]].rename(columns={"value": "published"}),
        on=["indicator_id", "breakdown", "group"], how="left")
    return out[["indicator_id", "wording", "breakdown", "group", "published", "computed", "unit", "section"]]


def design_facts(data: CountryData, rules: ReportingRules, respondent: str = "children", breakdown: str = "total",
                 group: str = "Total") -> dict:
    """Records, PSUs, strata, design degrees of freedom and households of one survey file (or one of its groups)."""
    facts = store_for(data, rules).facts(respondent, breakdown, group)
    return {k: int(facts[k]) for k in ("records", "psus", "strata", "df", "households")}


def population_12_17(data: CountryData) -> float:
    """The national population aged 12-17, from the country's metadata (with its source there)."""
    return float(data.metadata.population.children_12_17)


def scale_to_population(data: CountryData, table: pd.DataFrame, indicator_id: str, rules: ReportingRules,
                        population: float | None = None, group: str = "Total") -> dict:
    """An estimated share scaled to the national number of internet-using children aged 12-17.

    The number of internet users is the roster's internet-use rate times ``population``
    (children aged 12-17; default from the country's metadata). The interval scales the share's
    interval and does not add the uncertainty of the internet-use rate or the population.
    """
    population = check_population(population) or population_12_17(data)
    hit = table[(table["indicator_id"] == indicator_id) & (table["group"] == group)] if not table.empty else table
    if hit.empty:
        raise data.not_published(f"{indicator_id} ({group}) to scale to the population")
    users = float(store_for(data, rules).value("roster_internet_user")) / 100 * population
    row = hit.iloc[0]
    return {"internet_users": users, "estimate": row["estimate"] / 100 * users,
            "ci_low": row["ci_low"] / 100 * users, "ci_high": row["ci_high"] / 100 * users}


RANK_COLUMNS = ["experience", "question", "published order", "estimates (%)", "honoured", "section"]


def rank_orders(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Findings the report gives only in words ('most often a family member') as published
    orders, checked against the estimates: each listed answer must be more common than the next."""
    store = store_for(data, rules)
    rows = []
    for r in data.table("rank_orders").itertuples(index=False):
        values = [float(store.value(f"child_ocsea_{r.experience}_{r.question}_{k}")) for k in r.order.split(";")]
        rows.append({"experience": r.experience, "question": r.question, "published order": r.order.replace(";", " > "),
                     "estimates (%)": " > ".join(f"{v:.0f}" for v in values),
                     "honoured": all(a > b for a, b in zip(values, values[1:])), "section": r.section})
    return pd.DataFrame(rows, columns=RANK_COLUMNS)  # the columns also when the country publishes no orders


def survey_checks(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """Every published survey number of every figure and text panel, judged (one row each; bases too)."""
    rows = []
    for spec in data.figures.itertuples(index=False):
        chapter = str(spec.chapter)
        if spec.figure_id == "sample":
            for r in sample_table(data, rules).dropna(subset=["published"]).itertuples(index=False):
                status = judge.exact(r.published, r.computed, 0 if r.unit == "count" else TOLERANCE_TOTAL)
                rows.append((chapter, r.section, "", r.indicator_id, r.breakdown, r.group, r.published, r.computed, status))
            continue
        indicators = spec.indicators.split(";")
        pub = data.published[data.published["indicator_id"].isin(indicators)]
        wanted = sorted(set(spec.breakdowns.split(";")) | set(pub["breakdown"]))
        table = figure_table(data, spec.figure_id, rules, wanted)
        scaled = data.published[data.published["indicator_id"].isin([i + SCALED_SUFFIX for i in indicators])]
        for p in scaled[scaled["value"].notna()].itertuples(index=False):
            computed = scale_to_population(data, table, p.indicator_id[: -len(SCALED_SUFFIX)], rules)["estimate"]
            rows.append((chapter, p.section, p.figure or spec.label, p.indicator_id, p.breakdown, p.group, p.value, computed,
                         judge.two_significant_digits(p.value, computed)))
        cells = table.drop_duplicates(["indicator_id", "breakdown", "group"]).set_index(["indicator_id", "breakdown", "group"])
        for p in pub[pub["value"].notna()].itertuples(index=False):
            if (p.indicator_id, p.breakdown, p.group) not in cells.index:
                raise DataValidationError(f"survey_estimates.csv: got {p.indicator_id} {p.breakdown}={p.group}, "
                                          f"which has no estimate in {spec.figure_id}; expected a cell the survey can estimate")
            h = cells.loc[(p.indicator_id, p.breakdown, p.group)]
            computed = float(h["n_positive"]) if p.unit == "count" else float(h["estimate"])
            status = judge.survey_number(p.value, computed, p.breakdown, h["n"], p.unit, p.qualifier, rules.min_base)
            small = count_of(h["n_positive"], h["n"], RESPONDENT_NOUN.get(h["respondent"], "")) if status == judge.SMALL_BASE else ""
            rows.append((chapter, p.section, p.figure or spec.label, p.indicator_id, p.breakdown, p.group, p.value, computed, status, small))
            if pd.notna(p.base_n):
                rows.append((chapter, p.section, p.figure or spec.label, f"{p.indicator_id} (base n)", p.breakdown, p.group,
                             p.base_n, float(h["n"]), judge.exact(p.base_n, float(h["n"]))))
    return checks_frame(rows)


def calibration_inputs(data: CountryData) -> pd.DataFrame:
    """Per survey file: how many published numbers the synthetic data are fitted to, and how many values assumed."""
    published, assumptions = data.published, data.table("assumptions")
    fitted = published[published["value"].notna() & ~published["indicator_id"].str.startswith("sample_")]
    files = {"children": "children", "caregivers": "caregivers", "household roster": "household_roster"}
    rows = [{"file": file, "published numbers fitted": int((fitted["respondent"] == respondent).sum()),
             "assumed values": int((assumptions["file"] == file).sum())} for respondent, file in files.items()]
    rows.append({"file": "design", "published numbers fitted": int(published["indicator_id"].str.startswith("sample_").sum()),
                 "assumed values": len(design_assumptions(data))})
    return pd.DataFrame(rows)


def design_assumptions(data: CountryData) -> pd.DataFrame:
    """The design values the report does not publish (villages' spread, cluster effect, population, ...).

    The population aged 12-17 is in the country's metadata; it is listed here when the report does not print it.
    """
    frame = data.table("assumptions")
    rows = frame.loc[frame["file"] == "design", ["variable", "codes", "value", "reason"]]
    population = data.metadata.population
    if not population.printed_in_report:
        rows = pd.concat([pd.DataFrame([{"variable": "population_12_17 (metadata.yml)", "codes": "",
                                         "value": float(population.children_12_17), "reason": population.source}]), rows])
    return rows.reset_index(drop=True)
