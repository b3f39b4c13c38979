"""A second country: the Malaysia folder, built from the headline numbers its launch materials quote.

``data/malaysia/sources/headlines.csv`` keeps each number with its public source and the source's
own words; every published row of the folder must trace to one of them, the ledger must reproduce
each number or list it as a known gap, and nothing may come from the other country's folder.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from conftest import edit_csv
from dharm.io.errors import NotPublished
from dharm import synthetic
from dharm.config import DATA_ROOT
from dharm.io.country import load_country
from dharm.io.errors import DataValidationError
from dharm.io.survey import load_codebook, load_indicators
from dharm.io.published import gap_pattern
from dharm.ledger import build_ledger
from dharm.report.prose import sample_prose
from dharm.report.survey import source_line
from dharm.stats import judge
from dharm.stats.rules import ReportingRules
from dharm.synthetic.targets import Sources, load_assumptions

FOLDER = DATA_ROOT / "malaysia"
RULES = ReportingRules()
# each headline number -> the table and id that publish it in the folder
HEADLINES = {
    "sample_children": ("survey_estimates", "sample_children"),
    "ocsea_any_clear_example": ("survey_estimates", "child_ocsea_any_clear_example"),
    "ocsea_any_population": ("survey_estimates", "child_ocsea_any_clear_example_population"),
    "offered_money_images": ("survey_estimates", "child_ocsea_money_for_images"),
    "offered_money_meet": ("survey_estimates", "child_ocsea_money_to_meet"),
    "threatened_blackmailed": ("survey_estimates", "child_ocsea_extortion"),
    "images_shared_without_consent": ("survey_estimates", "child_ocsea_images_shared"),
    "unexpected_sexual_content": ("survey_estimates", "child_seen_sexual_accident"),
    "sexual_comments": ("survey_estimates", "child_ocsea_sexual_comments"),
    "unwanted_sexual_images": ("survey_estimates", "child_ocsea_unwanted_images"),
    "asked_talk_sex": ("survey_estimates", "child_ocsea_talk_sex"),
    "asked_images": ("survey_estimates", "child_ocsea_asked_images"),
    "told_no_one": ("pooled_statements", "child_ocsea_any_told_no_one"),
    "frontline_stigma_barrier": ("frontline_survey", "barrier_reporting_community_stigma"),
    "frontline_taboo_barrier": ("frontline_survey", "barrier_reporting_taboos"),
    "frontline_knowledge_barrier": ("frontline_survey", "barrier_reporting_unaware_of_mechanisms"),
}
ID_COLUMN = {"survey_estimates": "indicator_id", "pooled_statements": "indicator_id", "frontline_survey": "question_id"}
WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


@pytest.fixture(scope="module")
def malaysia():
    return load_country("malaysia")


@pytest.fixture(scope="module")
def headlines() -> pd.DataFrame:
    return pd.read_csv(FOLDER / "sources" / "headlines.csv", dtype=str, keep_default_na=False).set_index("indicator")


@pytest.fixture(scope="module")
def malaysia_ledger(malaysia):
    return build_ledger(malaysia, RULES)


def published_row(data, table: str, row_id: str) -> pd.Series:
    frame = data.table(table)
    hit = frame[frame[ID_COLUMN[table]] == row_id]
    assert len(hit) == 1, (table, row_id)
    return hit.iloc[0]


def quoted(value: float, quote: str) -> bool:
    """Whether a number stands in a source's words, as digits or as a word ('Nine per cent')."""
    forms = {f"{value:,.0f}", f"{value:.0f}"} | ({WORDS[int(value)]} if int(value) in WORDS else set())
    return any(re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d,]|\.\d)", quote, re.IGNORECASE) for f in forms)


# ---------------------------------------------------------------- the folder
def test_the_folder_loads_and_validates(malaysia):
    meta = malaysia.metadata
    assert meta.name == "Malaysia" and meta.survey_year is None  # no source held states the year of fieldwork
    assert not meta.population.printed_in_report and "100,000" in meta.population.source
    assert malaysia.synthetic
    assert sorted(malaysia.published_tables) == sorted(["survey_estimates", "figures", "known_gaps", "pooled_statements",
                                                        "frontline_survey"])
    for name in malaysia.published_tables:
        assert len(malaysia.table(name)) > 0, name
    assert malaysia.table("admin_counts").empty and "table_id" in malaysia.table("admin_counts").columns
    codebook = load_codebook()
    for file, frame in malaysia.surveys.items():
        assert list(frame.columns) == list(codebook.variables(file)["variable"]) + ["synthetic"], file
        assert frame["synthetic"].astype(str).eq("True").all()
    assert len(malaysia.surveys["children"]) == 995


def test_survey_year_may_be_null_and_the_source_line_then_gives_none(malaysia, country_data):
    assert source_line(malaysia).startswith("Source: Disrupting Harm household survey, Malaysia; estimates")
    assert f"Cambodia, {country_data.metadata.survey_year};" in source_line(country_data)


def test_the_sample_prose_quotes_only_printed_sizes(malaysia):
    """The sample by sex, the villages and the roster are assumptions for Malaysia: prose says they are not published."""
    sizes = sample_prose(malaysia, RULES)
    assert sizes["n_children"] == "995"
    assert all(isinstance(v, NotPublished) and v.country_name == "Malaysia" for k, v in sizes.items() if k != "n_children")
    modelled = sample_prose(malaysia, ReportingRules(show_modelled=True))
    assert modelled["n_children"] == "995" and modelled["n_psus"].endswith("(modelled)")


# ---------------------------------------------------------------- traceable to the sources
def test_every_headline_number_is_published_once_with_its_source_and_words(malaysia, headlines):
    assert sorted(HEADLINES) == sorted(headlines.index)
    meta = malaysia.metadata
    for name, (table, row_id) in HEADLINES.items():
        head, row = headlines.loc[name], published_row(malaysia, table, row_id)
        assert meta.source(row["source"]).url == head["source"], name
        value, quote = float(head["value"]), head["source_quote"]
        assert quoted(value, quote), (name, quote)
        if name == "told_no_one":  # '12 of the 38': a verbal fraction, kept as a percentage with the words
            assert quoted(float(head["base_n"]), quote) and row["value"] == round(100 * value / float(head["base_n"]), 1)
            assert row["printed_as"].startswith(f"{head['value']} out of the {head['base_n']}")
        else:
            assert row["value"] == value, name
        assert quote[:25].lower() in row["note"].lower(), name  # the note quotes the source's words


def test_every_row_of_the_folder_names_a_source_of_the_headlines(malaysia, headlines):
    urls = set(headlines["source"])
    assert {s.url for s in malaysia.metadata.sources} == urls  # every source used, none without a headline
    for name in malaysia.published_tables:
        frame = malaysia.table(name)
        assert "source" in frame.columns, name
        for row in frame.itertuples(index=False):
            assert malaysia.metadata.source(row.source).url in urls, (name, row)


def test_a_figure_names_the_source_of_its_numbers(malaysia):
    published = malaysia.published
    for fig in malaysia.figures.itertuples(index=False):
        sources = set(published.loc[published["indicator_id"].isin(fig.indicators.split(";")), "source"])
        assert sources == {fig.source}, fig.figure_id
        assert fig.label == ""  # no figure numbers are known


def test_a_source_id_not_in_the_metadata_is_refused(data_copy):
    edit_csv(data_copy / "malaysia/published/survey_estimates.csv", 2, "source", "the_star")
    with pytest.raises(DataValidationError, match=r"survey_estimates.csv, row 3, column 'source': got 'the_star'; "
                                                  r"expected a source id of metadata.yml \(ecpat_launch, "):
        load_country("malaysia", data_copy).table("survey_estimates")


def test_a_table_without_the_source_column_reads_as_written(country_data):
    """The column is optional: the other country's tables come from its report and gain no column."""
    assert "source" not in country_data.table("known_gaps").columns
    assert "source" not in country_data.published.columns


# ---------------------------------------------------------------- the ledger
def test_malaysia_ledger_reproduces_every_number_or_lists_it_as_a_known_gap(malaysia, malaysia_ledger, headlines):
    assert set(malaysia_ledger["status"]) <= {judge.REPRODUCED, judge.KNOWN_GAP}
    gaps = malaysia.table("known_gaps")
    patterns = [gap_pattern(g) for g in gaps["indicator_id"]]
    for name, (table, row_id) in HEADLINES.items():
        if table == "frontline_survey":  # shown as published, never recomputed: a known gap says so
            assert any(p.fullmatch(f"frontline: {row_id}") for p in patterns), name
            continue
        hit = malaysia_ledger[malaysia_ledger["indicator"] == row_id]
        assert len(hit) == 1, name
        if hit["status"].iloc[0] == judge.KNOWN_GAP:
            assert any(p.fullmatch(row_id) for p in patterns), name
    assert malaysia_ledger.loc[malaysia_ledger["indicator"] == "child_ocsea_any_told_no_one", "status"].iloc[0] == judge.KNOWN_GAP


def test_at_least_is_met_from_the_printed_value_up_to_the_tolerance():
    def verdict(computed, breakdown="total"):
        return judge.survey_number(4, computed, breakdown, 995, "percent", "at least", 50)
    assert [verdict(c) for c in (3.99, 4.0, 4.3, 4.5, 4.51)] == [judge.OUTSIDE] + [judge.REPRODUCED] * 3 + [judge.OUTSIDE]
    assert verdict(4.9, "sex") == judge.REPRODUCED and verdict(5.1, "sex") == judge.OUTSIDE
    for qualifier in ("as many as", "up to", "approximately", "almost", ""):  # hedges of an estimate: both sides
        assert judge.survey_number(4, 3.6, "total", 995, "percent", qualifier, 50) == judge.REPRODUCED
        assert judge.survey_number(4, 3.4, "total", 995, "percent", qualifier, 50) == judge.OUTSIDE
    assert synthetic.targets.target_of(4, "at least", "total") == pytest.approx(4.1)


# ---------------------------------------------------------------- the synthetic survey
def test_design_rows_stand_in_only_for_what_is_not_printed(data_copy):
    path = data_copy / "malaysia/published/survey_estimates.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    extra = frame.iloc[[0]].assign(indicator_id="sample_psus", wording="Villages", value="120")
    pd.concat([frame, extra]).to_csv(path, index=False)
    with pytest.raises(DataValidationError, match=r"assumptions.csv: a design row assumes 'n_psus', but survey_estimates.csv "
                                                  r"prints it as sample_psus"):
        synthetic.design_settings("malaysia", data_copy)


def test_the_rule_row_answers_that_nothing_happened_and_opens_no_follow_up(malaysia):
    sources = Sources(malaysia.published, load_indicators(), load_assumptions("malaysia"), load_codebook())
    answers = {v: sources.default_answer("children", v) for v in
               ("c_ocsea_talk_sex_told_no_one", "c_ocsea_talk_sex_online", "c_device_smartphone", "c_risk_see_sexual",
                "c_cg_help_bothered", "c_freq_internet")}
    assert answers == {"c_ocsea_talk_sex_told_no_one": 2, "c_ocsea_talk_sex_online": 2, "c_device_smartphone": 2,
                       "c_risk_see_sexual": 1, "c_cg_help_bothered": 1, "c_freq_internet": 1}
    assert sources.default_answer("caregivers", "cg_freq_internet") == 6  # 'Never': the other answers open questions
    assert Sources(malaysia.published, load_indicators(), load_assumptions("cambodia"), load_codebook()) \
        .default_answer("children", "c_freq_internet") is None  # no rule row, no default


def test_only_what_malaysia_publishes_varies_in_its_synthetic_answers(malaysia):
    """Every other answer is the rule row's one placeholder: no distribution is borrowed or invented."""
    indicators = load_indicators()
    published = indicators.loc[indicators.index.isin(malaysia.published["indicator_id"]), "variable"]
    varied_by_design = {v for spec in published for v in spec.split("|")}
    for file in ("children", "caregivers"):
        frame = malaysia.surveys[file]
        answers = load_codebook().variables(file).query("type == 'single'")["variable"]
        varies = {v for v in answers if frame[v].nunique() > 1}
        assert varies == (varied_by_design if file == "children" else set()), file
    assert (malaysia.surveys["household_roster"]["used_internet_3m"] == 1).all()  # the assumed 100%, see assumptions.csv


# ---------------------------------------------------------------- nothing from the other country
def test_no_value_or_title_comes_from_the_other_country(malaysia, country_data):
    """Figures share the other country's ids (pages call them by id) but not their titles; no Malaysia
    number copies a printed cell of the other country; an assumption equal to one of the other
    country's says so in its reason."""
    shared = malaysia.figures.index.intersection(country_data.figures.index)
    assert len(shared) == len(malaysia.figures)
    assert not (malaysia.figures.loc[shared, "title"] == country_data.figures.loc[shared, "title"]).any()
    keys = ["indicator_id", "breakdown", "group", "value"]
    copies = malaysia.published[keys].merge(country_data.published[keys], on=keys)
    assert copies.empty, copies
    keys = ["file", "variable", "codes", "value"]
    same = malaysia.table("assumptions").merge(country_data.table("assumptions")[keys], on=keys)
    assert all("the same as in the other country folder" in r for r in same["reason"]), same
    assert set(load_assumptions("malaysia")["variable"]) == {"*", "used_internet_3m"}  # answer rows: no row per question


def test_the_metadata_states_its_derivation(malaysia):
    raw = yaml.safe_load((FOLDER / "metadata.yml").read_text(encoding="utf-8"))
    assert raw["survey_year"] is None and "survey_year" in raw  # stated as unknown, not left out
    assert malaysia.metadata.population.children_12_17 == round(100_000 / 0.04)
