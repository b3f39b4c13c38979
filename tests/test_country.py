"""The contract of a country folder: metadata.yml declares what the country publishes."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dharm.io.country import load_country
from dharm.io.errors import DataValidationError
from dharm.io.published import PUBLISHED_TABLES, TABLES


def edit_metadata(root: Path, **changes) -> None:
    path = root / "cambodia/metadata.yml"
    meta = yaml.safe_load(path.read_text(encoding="utf-8"))
    meta.update(changes)
    path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")


def test_cambodia_declares_every_published_table(country_data):
    assert sorted(country_data.published_tables) == sorted(PUBLISHED_TABLES)
    assert country_data.metadata.population.children_12_17 > 0
    assert country_data.metadata.report.short.endswith("Disrupting Harm in Cambodia")


def test_a_table_not_published_is_empty_with_its_columns(data_copy):
    (data_copy / "cambodia/published/legislation.csv").unlink()
    edit_metadata(data_copy, published_tables=[t for t in PUBLISHED_TABLES if t != "legislation"])
    data = load_country("cambodia", data_copy)
    frame = data.table("legislation")
    assert frame.empty and "topic" in frame.columns
    assert not data.publishes("legislation") and data.publishes("policies")
    assert len(data.table("policies")) > 0


def test_a_dependency_not_published_is_empty_too(data_copy):
    """recommendations are checked against insights; without them the cross-file check sees an empty table."""
    assert "insights" in TABLES["recommendations"].depends
    for name in ("chapter4_numbers", "insights"):
        (data_copy / f"cambodia/published/{name}.csv").unlink()
    edit_metadata(data_copy, published_tables=[t for t in PUBLISHED_TABLES if t not in {"chapter4_numbers", "insights"}])
    data = load_country("cambodia", data_copy)
    with pytest.raises(DataValidationError, match=r"recommendations.csv, row 1, column 'insight_number'"):
        data.table("recommendations")  # its rows name insights that, for this country, do not exist
    assert data.table("insights").empty and data.table("chapter4_numbers").empty


def test_a_listed_table_without_its_file_is_refused(data_copy):
    (data_copy / "cambodia/published/policies.csv").unlink()
    with pytest.raises(DataValidationError, match=r"metadata.yml, field 'published_tables': got 'policies'; expected a table "
                                                  r"with a file, but .*policies.csv does not exist"):
        load_country("cambodia", data_copy).table("definitions")


def test_a_file_not_listed_is_refused(data_copy):
    edit_metadata(data_copy, published_tables=[t for t in PUBLISHED_TABLES if t != "policies"])
    with pytest.raises(DataValidationError, match=r"policies.csv: got a file that .*metadata.yml does not list in "
                                                  r"published_tables; expected it listed"):
        load_country("cambodia", data_copy).table("definitions")


@pytest.mark.parametrize("changes, message", [
    ({"published_tables": ["survey_estimates", "lawsuits"]}, r"field 'published_tables': got .*; expected names of published "
                                                              r"tables; unknown: lawsuits"),
    ({"population": {"children_12_17": 0, "source": "x", "printed_in_report": False}},
     r"field 'population.children_12_17': got 0; expected input should be greater than 0"),
    ({"report": {"id": "report", "short": "x", "citation": "y", "url": "not a url"}}, r"field 'report.url': got 'not a url'"),
    ({"sources": [{"id": "report", "short": "a", "citation": "b"}]}, r"expected source ids used once"),
    ({"colour": "blue"}, r"field 'colour': got 'blue'; expected extra inputs are not permitted"),
])
def test_bad_metadata_is_refused_naming_the_field(data_copy, changes, message):
    edit_metadata(data_copy, **changes)
    with pytest.raises(DataValidationError, match=message):
        _ = load_country("cambodia", data_copy).metadata
