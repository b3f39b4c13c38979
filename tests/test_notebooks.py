"""Chapters rerun through papermill with non-default parameters, and reject bad ones."""
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from dharm.build import execute
from dharm.io.published import load_table
from dharm.report.keynumbers import recommendations_for

from conftest import glued

CHAPTER = Path(__file__).resolve().parents[1] / "notebooks" / "01_children_online.ipynb"


def outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(str(data.get("text/html", "")) + str(data.get("text/plain", "")) + str(out.get("text", "")))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def default_run():
    return nbformat.read(CHAPTER, as_version=4)


@pytest.fixture(scope="module")
def custom_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("papermill") / "chapter1_custom.ipynb"
    execute(CHAPTER, out, {"breakdowns": ["total", "area"], "confidence": 0.90, "min_base": 30, "min_difference": 10.0,
                           "show_modelled": True})
    return nbformat.read(out, as_version=4)


def test_parameters_cell_is_tagged(default_run):
    tagged = [c for c in default_run.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for name in ("country", "breakdowns", "confidence", "min_base", "min_difference", "show_modelled"):
        assert f"{name} =" in tagged[0].source


def test_non_default_parameters_change_the_outputs(default_run, custom_run):
    default_text, custom_text = outputs_text(default_run), outputs_text(custom_run)
    assert "Estimate % (95% CI)" in default_text and "Estimate % (90% CI)" not in default_text
    assert "Estimate % (90% CI)" in custom_text
    # another breakdown: area groups appear for figures that had only age and sex
    assert "Urban" in custom_text and "Girls" not in custom_text.split("Figure 6")[1].split("Figure 7")[0]
    # modelled values appear, marked
    assert "(modelled)" in custom_text and "(modelled)" not in default_text
    # the minimum base: 30-49 children are counts by default and percentages when min_base = 30
    assert "Bases under 30 are shown as counts" in custom_text
    assert glued(custom_run)["ci_level"] == "90.0" and glued(default_run)["ci_level"] == "95.0"
    # the gap rule: 10 points instead of 5
    assert "a gap under 10 points" in custom_text and "a gap under 5 points" in default_text
    assert glued(custom_run)["min_difference"] == "10.0"
    # the prose quotes the printed values, whatever the confidence level
    assert glued(custom_run)["daily_total"] == glued(default_run)["daily_total"] == "77%"


@pytest.mark.parametrize("params, message", [
    ({"confidence": 1.5}, "parameter confidence=1.5"),
    ({"breakdowns": "area"}, "parameter breakdowns='area': expected None or a list"),
])
def test_bad_parameters_fail_with_a_clear_error(tmp_path, params, message):
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(CHAPTER), str(tmp_path / "bad.ipynb"), parameters=params, cwd=str(CHAPTER.parent),
                            kernel_name="python3", progress_bar=False)
    assert message in str(err.value)


def test_chapter_two_population_parameter_scales_the_estimate(tmp_path):
    chapter2 = CHAPTER.parent / "02_ocsea.ipynb"
    default = glued(nbformat.read(chapter2, as_version=4))
    out = tmp_path / "chapter2_half.ipynb"
    execute(chapter2, out, {"population_12_17": 900000, "breakdowns": ["total", "sex"], "confidence": 0.90, "min_base": 30,
                            "show_modelled": True})
    run = nbformat.read(out, as_version=4)
    half, text, default_text = glued(run), outputs_text(run), outputs_text(nbformat.read(chapter2, as_version=4))
    assert float(half["any_scaled_internet_users"]) == pytest.approx(float(default["any_scaled_internet_users"]) / 2, abs=1000)
    assert half["any_total"] == default["any_total"]  # the printed value, quoted in the prose
    assert "Estimate % (90% CI)" in text and "Estimate % (90% CI)" not in default_text
    assert "Bases under 30 are shown as counts" in text and "Bases under 30" not in default_text
    assert "(modelled)" in text and "(modelled)" not in default_text
    assert "Area" not in text.split("s2_any")[1][:2000] and "Girls" in text


def test_chapter_three_theme_parameter_filters_the_excerpts(tmp_path):
    chapter3 = CHAPTER.parent / "03_response.ipynb"
    default_text = outputs_text(nbformat.read(chapter3, as_version=4))
    out = tmp_path / "chapter3_courts.ipynb"
    execute(chapter3, out, {"themes": ["courts and legal aid"], "show_excerpts": False, "min_base": 60})
    text = outputs_text(nbformat.read(out, as_version=4))
    n_default = float(glued(nbformat.read(chapter3, as_version=4))["n_excerpts"])
    n_courts = float(glued(nbformat.read(out, as_version=4))["n_excerpts"])
    assert 0 < n_courts < n_default
    assert default_text.count('class="dharm-excerpt"') > 0
    assert text.count('class="dharm-excerpt"') == 0  # show_excerpts = False hides them (the parameter is not shadowed)
    # 50 frontline workers answered: with a minimum base of 60 their shares become counts, and no chart is drawn
    assert text.count("dharm-chart-") < default_text.count("dharm-chart-")
    with pytest.raises(pm.PapermillExecutionError, match="parameter themes"):
        pm.execute_notebook(str(chapter3), str(tmp_path / "bad.ipynb"), parameters={"themes": ["astrology"]},
                            cwd=str(chapter3.parent), kernel_name="python3", progress_bar=False)


def test_chapter_four_audience_parameter_filters_the_recommendations(tmp_path):
    chapter4 = CHAPTER.parent / "04_disrupting_harm.ipynb"
    default = nbformat.read(chapter4, as_version=4)
    out = tmp_path / "chapter4_industry.ipynb"
    execute(chapter4, out, {"audience": "industry", "confidence": 0.90, "min_base": 100})
    industry = nbformat.read(out, as_version=4)
    recs = load_table("recommendations", "cambodia")
    assert float(glued(default)["recs_shown"]) == len(recs)
    assert float(glued(industry)["recs_shown"]) == len(recommendations_for(recs, "industry")) == 14
    text = outputs_text(industry)
    assert "Audience: <strong>industry</strong>" in text
    table = text.split("What it asks (our summary)")[1].split("</table>")[0]
    assert table.count("<tr>") == 14 and table.count("<td>industry</td>") == 14
    # the insights and their evidence do not depend on the audience
    assert glued(industry)["any_total"] == glued(default)["any_total"]
    # the confidence level labels the evidence tables' intervals; the minimum base labels small-base shares in the prose
    assert "90% interval" in text and "90% interval" not in outputs_text(default)
    assert glued(industry)["images_told_police"].endswith("(as printed, on fewer than 100 respondents)")
    assert not glued(default)["images_told_police"].endswith("respondents)")
    with pytest.raises(pm.PapermillExecutionError, match=r"parameter audience='police'"):
        pm.execute_notebook(str(chapter4), str(tmp_path / "bad.ipynb"), parameters={"audience": "police"},
                            cwd=str(chapter4.parent), kernel_name="python3", progress_bar=False)


def test_summary_prose_quotes_what_the_report_printed():
    summary = glued(nbformat.read(CHAPTER.parent / "00_summary.ipynb", as_version=4))
    # the prose quotes what the report printed; a share printed on a base under 50 is labelled so
    assert summary["child_ocsea_any_clear_example"] == "11%" and summary["roster_internet_user_rural"] == "80%"
    assert summary["child_ocsea_talk_sex_response_complied"] == "29% (as printed, on fewer than 50 respondents)"


@pytest.mark.parametrize("page, parameters, changed", [
    ("00_summary", {"confidence": 0.90, "min_base": 100}, ["90% interval", "on fewer than 100 respondents"]),
    ("00_methods", {"confidence": 0.90, "min_base": 30, "min_difference": 10.0}, []),
])
def test_front_pages_follow_their_parameters(tmp_path, page, parameters, changed):
    """Every parameter of the summary and methods pages changes what it says it changes."""
    notebook = CHAPTER.parent / f"{page}.ipynb"
    default = nbformat.read(notebook, as_version=4)
    out = tmp_path / f"{page}.ipynb"
    execute(notebook, out, parameters)
    run = nbformat.read(out, as_version=4)
    for name, value in parameters.items():
        key = {"confidence": "ci_level"}.get(name, name)
        expected = 100 * value if name == "confidence" else value
        if key in glued(default):
            assert float(glued(run)[key]) == expected and float(glued(default)[key]) != expected, name
    text, default_text = outputs_text(run) + str(glued(run)), outputs_text(default) + str(glued(default))
    for phrase in changed:
        assert phrase in text and phrase not in default_text, phrase
