"""Variant books are declared as data: each file is checked before any page runs."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dharm.variants import VARIANTS_DIR, banner, load_variant, plan_variant, Variant

SHIPPED = sorted(p.stem for p in VARIANTS_DIR.glob("*.yml"))


def test_the_three_parameter_variants_and_malaysia_are_shipped():
    assert {"confidence-90", "min-base-30", "by-area"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_variant_plans_with_checked_parameters(name):
    plan = plan_variant(load_variant(name))
    assert set(plan.parameters) == {p.stem for p in (VARIANTS_DIR.parent / "notebooks").glob("*.ipynb")}
    assert all(values["country"] == plan.variant.country for values in plan.parameters.values())
    assert plan.variant.name in banner(plan)


def test_parameters_reach_the_pages_that_declare_them():
    plan = plan_variant(load_variant("confidence-90"))
    assert plan.parameters["01_children_online"]["confidence"] == 0.9
    assert plan.parameters["00_summary"]["confidence"] == 0.9
    assert "confidence" not in plan.parameters["03_response"]  # the frontline page has no intervals
    assert plan.changed("01_children_online") == {"confidence": 0.9}
    assert "<code>confidence = 0.9</code>" in banner(plan)
    area = plan_variant(load_variant("by-area"))
    assert area.parameters["01_children_online"]["breakdowns"] == ["total", "area"]
    assert area.parameters["00_summary"] == {"country": "cambodia", "confidence": 0.95, "min_base": 50}


@pytest.mark.parametrize("variant, message", [
    ({"parameters": {"all": {"confidence": 1.5}}}, r"parameter confidence=1.5: expected a number in \[0.5, 1\)"),
    ({"parameters": {"all": {"confidnce": 0.9}}}, r"parameter confidnce=0.9: expected a parameter of some page"),
    ({"parameters": {"09_appendix": {"min_base": 30}}}, r"parameter parameters='09_appendix': expected 'all' or a page of the book"),
    ({"parameters": {"03_response": {"confidence": 0.9}}}, r"parameter confidence=0.9: expected a parameter of 03_response"),
    ({"parameters": {"01_children_online": {"breakdowns": "area"}}}, r"parameter breakdowns='area': expected None or a list"),
    ({"country": "atlantis"}, r"parameter country='atlantis': expected a folder under"),
])
def test_a_bad_variant_is_refused_before_any_page_runs(variant, message):
    base = {"name": "x", "title": "X", "description": "x."}
    with pytest.raises(ValueError, match=message):
        plan_variant(Variant.model_validate(base | variant))


def test_a_variant_file_names_its_field_when_wrong(tmp_path: Path):
    path = tmp_path / "odd.yml"
    path.write_text(yaml.safe_dump({"name": "odd", "title": "T", "description": "d", "colour": "red"}))
    with pytest.raises(ValueError, match=r"odd.yml, field 'colour': got 'red'; expected extra inputs are not permitted"):
        load_variant(path)
    path.write_text(yaml.safe_dump({"name": "other", "title": "T", "description": "d"}))
    with pytest.raises(ValueError, match=r"odd.yml, field 'name': got 'other'; expected the file's name, 'odd'"):
        load_variant(path)
    with pytest.raises(ValueError, match=r"parameter variant='nope': expected a file variants/<name>.yml"):
        load_variant("nope")
