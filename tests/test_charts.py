"""Charts are accessible and fit the page: text alternatives, readable words, contrast, width, wrapped titles.

Each chart builder is fed a small hand-made frame; the expected values in the text
alternatives are worked out by hand from those frames.
"""
from __future__ import annotations

import re

import altair as alt
import pandas as pd
import pytest

from dharm.present.admin import measure_label
from dharm.present.charts import (STATUS_COLOURS, bar_chart, count_chart, distribution_chart, heatmap_chart, ledger_chart,
                                  page_name, sample_size_chart)
from dharm.present.render import chart_html
from dharm.present.theme import GREY, PALETTE, SUBTITLE_WIDTH, TITLE_WIDTH, cividis, contrast, text_on, wrap
from dharm.stats.rules import ReportingRules

SNAKE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
RULES = ReportingRules()
LONG_TITLE = ("Figure 17: CyberTips concerning suspected child sexual exploitation in Cambodia: "
              "unique upload IP addresses by year")
SUBTITLE = ["Source: CyberTip data provided by NCMEC, as published in the report, Figure 17. Published counts, "
            "not estimates. Cells printed blank are not drawn."]


def wcag_luminance(hex_colour: str) -> float:
    """Relative luminance, written out from WCAG 2.1 (independently of dharm.present.theme)."""
    channels = []
    for i in (1, 3, 5):
        c = int(hex_colour[i:i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def wcag_contrast(a: str, b: str) -> float:
    la, lb = wcag_luminance(a), wcag_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def test_contrast_formula_matches_known_values():
    assert wcag_contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert wcag_contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert wcag_contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    for colour in ("#000000", "#777777", "#0072B2", "#E69F00"):
        assert contrast(colour) == pytest.approx(wcag_contrast(colour, "#ffffff"))
    # the Okabe-Ito colours the book no longer uses are too light on white
    for too_light in ("#E69F00", "#F0E442", "#56B4E9"):
        assert wcag_contrast(too_light, "#ffffff") < 3


def test_every_mark_colour_has_three_to_one_contrast_on_white():
    for colour in [*PALETTE, GREY, *STATUS_COLOURS.values()]:
        assert wcag_contrast(colour, "#ffffff") >= 3, colour
    assert len(set(PALETTE)) == len(PALETTE) >= 6


def test_text_on_a_coloured_fill_has_four_and_a_half_to_one():
    for colour in [*PALETTE, GREY, *STATUS_COLOURS.values()]:
        assert wcag_contrast(text_on(colour), colour) >= 4.5, colour
    # heatmap cells: cividis from 0 to 100 %, the label ink chosen for each
    assert cividis(0) == "#002051" and cividis(1) == "#fce647"  # vega's first and last stops
    for value in range(101):
        fill = cividis(value / 100)
        assert wcag_contrast(text_on(fill), fill) >= 4.5, (value, fill)


def test_titles_wrap_to_phone_width():
    lines = wrap(LONG_TITLE, TITLE_WIDTH)
    assert " ".join(lines) == LONG_TITLE and all(len(line) <= TITLE_WIDTH for line in lines) and len(lines) == 4


def survey_table() -> pd.DataFrame:
    """Two indicators, total and by sex; one small base; one published value missing."""
    rows = [
        # indicator, label, group, estimate, ci_low, ci_high, n, n_positive, published, small_base
        ("c_talk_sex", "Asked to talk about sex", "Total", 11.2, 9.1, 13.6, 992, 111, 11.0, False),
        ("c_talk_sex", "Asked to talk about sex", "girl", 12.4, 9.4, 16.2, 500, 62, 12.0, False),
        ("c_talk_sex", "Asked to talk about sex", "boy", 9.9, 7.1, 13.5, 492, 49, 10.0, False),
        ("c_photo", "Asked for a photo of private parts", "Total", 8.0, 6.1, 10.4, 992, 79, None, False),
        ("c_photo", "Asked for a photo of private parts", "girl", 20.0, 5.0, 45.0, 20, 4, 18.0, True),
        ("c_photo", "Asked for a photo of private parts", "boy", 7.0, 4.9, 9.9, 472, 33, 7.0, False),
    ]
    frame = pd.DataFrame(rows, columns=["indicator_id", "label", "group", "estimate", "ci_low", "ci_high", "n", "n_positive",
                                        "published", "small_base"])
    frame["respondent"] = "children"
    frame["breakdown"] = frame["group"].map({"Total": "total", "girl": "sex", "boy": "sex"})
    frame["modelled"] = False
    frame["shown"] = True
    frame["order"] = frame["indicator_id"].map({"c_talk_sex": 0, "c_photo": 1})
    return frame


def frontline_rows() -> pd.DataFrame:
    return pd.DataFrame({"question_id": ["q1", "q1", "q2", "q2"],
                         "question": ["Aware of OCSEA", "Aware of OCSEA", "Trained on OCSEA", "Trained on OCSEA"],
                         "answer": ["Yes", "No", "Yes", "No"], "value": [62.0, 38.0, 24.0, 76.0]})


def builders() -> dict[str, alt.TopLevelMixin]:
    counts = pd.DataFrame({"Year": ["2017", "2017", "2018", "2018"],
                           "Measure": [measure_label("unique_upload_ips"), measure_label("cybertip_reports")] * 2,
                           "Count": [8058.0, 25309.0, 16594.0, 131900.0]})
    by_page = pd.DataFrame({"page": ["methods", "1", "2"], "reproduced": [18, 287, 290], "small base": [0, 34, 14],
                            "known gap": [0, 0, 16], "total": [18, 321, 320]})
    sizes = pd.DataFrame({"Activity": ["Interviews with government duty-bearers", "Household survey"],
                          "Participants": [9.0, 992.0]})
    return {
        "bars": bar_chart(survey_table(), "Infographic 1: Asked to talk about sex when they did not want to", SUBTITLE, RULES),
        "heatmap": heatmap_chart(survey_table(), "Figure 6: Activities", SUBTITLE, RULES),
        "counts": count_chart(counts, "Year", "Count", "Measure", LONG_TITLE, SUBTITLE, x_title=""),
        "log counts": count_chart(counts, "Year", "Count", "Measure", LONG_TITLE, SUBTITLE, log_scale=True, x_title=""),
        "ledger": ledger_chart(by_page, "Published numbers by book page and reproduction status", ["All 659 numbers."]),
        "sizes": sample_size_chart(sizes, "Activity", "Participants", "Figure 1: research activities", SUBTITLE),
        "distribution": distribution_chart(frontline_rows(), "Frontline workers' awareness", SUBTITLE),
    }


def visible_names(spec: object) -> list[str]:
    """Every title of a spec (chart, axes, legends, tooltips): what a reader can see."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key in ("title", "subtitle") and value is not None:
                found.extend(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
            if key == "tooltip":
                for t in value if isinstance(value, list) else [value]:
                    if isinstance(t, dict):
                        found.append(t.get("title", t.get("field", "")))
            found.extend(visible_names(value) if key not in ("datasets", "data") else [])
    elif isinstance(spec, list):
        for item in spec:
            found.extend(visible_names(item))
    return [f for f in found if isinstance(f, str)]


@pytest.mark.parametrize("name", list(builders()))
def test_every_chart_fills_the_column_wraps_titles_and_hides_no_identifier(name):
    spec = builders()[name].to_dict()  # validates against the vega-lite schema
    assert spec["width"] == "container"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert isinstance(spec["height"], int) and spec["height"] > 0
    title = spec["title"]
    assert isinstance(title["text"], list) and all(len(line) <= TITLE_WIDTH for line in title["text"])
    assert all(len(line) <= SUBTITLE_WIDTH for line in title["subtitle"])
    names = visible_names(spec)
    assert names and not [n for n in names if SNAKE.search(n)], names
    assert spec.get("config", {}).get("aria", True) is not False
    assert len(spec["description"]) > 40
    assert not SNAKE.search(spec["description"])


def test_tooltips_are_readable_and_formatted():
    spec = builders()["bars"].to_dict()
    tips = {t["title"]: t for layer in spec["layer"][:1] for t in layer["encoding"]["tooltip"]}
    assert tips["Estimate (%)"]["format"] == ".1f" and tips["Unweighted n"]["format"] == ","
    counts = builders()["counts"].to_dict()
    tips = {t["title"]: t for t in counts["layer"][0]["encoding"]["tooltip"]}
    assert tips["Count"]["format"] == "," and tips["Measure"]["type"] == "nominal"


def test_bar_chart_text_alternative_gives_the_values():
    text = builders()["bars"].to_dict()["description"]
    assert text.startswith("Bar chart: Infographic 1: Asked to talk about sex when they did not want to.")
    assert "Groups: All, Boys, Girls" in text
    assert "Asked to talk about sex: All 11% (95% CI 9-14), published value 11%; Boys 9.9% (95% CI 7-14), published value 10%; " \
           "Girls 12% (95% CI 9-16), published value 12%." in text
    assert "Asked for a photo of private parts: All 8% (95% CI 6-10);" in text  # no published value
    assert "Girls: 4 of 20 (base too small for a percentage)" in text


def test_bar_chart_labels_every_bar_and_marks_the_published_value():
    spec = builders()["bars"].to_dict()
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    labels = {row["Label"] for layer in texts for row in spec["datasets"][layer["data"]["name"]]}
    assert {"All 11%", "Girls 12%", "Boys 9.9%", "All 8%", "Girls 4 of 20", "Boys 7%"} == labels
    tick = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "tick")
    assert tick["mark"]["color"] == "black" and tick["mark"]["stroke"] == "white"
    assert all(layer["mark"].get("aria") is False for layer in texts)


def test_counts_text_alternative_and_labels():
    spec = builders()["counts"].to_dict()
    assert spec["description"] == ("Bar chart: " + LONG_TITLE + ". 2017, Unique upload IP addresses: 8,058; "
                                   "2017, CyberTip reports: 25,309; 2018, Unique upload IP addresses: 16,594; "
                                   "2018, CyberTip reports: 131,900.")
    labels = {row["Label"] for layer in spec["layer"][1:] for row in spec["datasets"][layer["data"]["name"]]}
    assert "CyberTip reports: 131,900" in labels and "Unique upload IP addresses: 8,058" in labels


def test_measure_labels_are_words():
    assert measure_label("p2p_guids") == "Globally unique identifiers"
    assert measure_label("some_new_measure") == "Some new measure"


def test_ledger_and_distribution_text_alternatives():
    ledger = builders()["ledger"].to_dict()["description"]
    assert "Methods: 18 published numbers, 18 reproduced" in ledger
    assert "Chapter 2: 320 published numbers, 290 reproduced, 14 small base, 16 known gap" in ledger
    assert page_name("1") == "Chapter 1" and page_name("methods") == "Methods"
    dist = builders()["distribution"].to_dict()["description"]
    assert dist == ("Bar chart: Frontline workers' awareness. Aware of OCSEA: Yes 62%, No 38%; "
                    "Trained on OCSEA: Yes 24%, No 76%.")
    spec = builders()["distribution"].to_dict()
    labels = {row["Label"] for layer in spec["layer"][1:] for row in spec["datasets"][layer["data"]["name"]]}
    assert labels == {"62%", "38%", "24%", "76%"}
    rows = {row["Row"] for row in spec["datasets"][spec["layer"][0]["data"]["name"]]}
    assert rows == {"Aware of OCSEA: Yes", "Aware of OCSEA: No", "Trained on OCSEA: Yes", "Trained on OCSEA: No"}


def test_heatmap_labels_contrast_with_their_cells():
    spec = builders()["heatmap"].to_dict()
    for layer in spec["layer"][1:]:
        ink = layer["mark"]["color"]
        rows = [r for r in spec["datasets"][spec["data"]["name"]] if f"datum.Ink == '{ink}'" == layer["transform"][0]["filter"]]
        assert rows
        for row in rows:
            assert wcag_contrast(ink, cividis(row["Estimate (%)"] / 100)) >= 4.5


def test_chart_html_carries_the_text_alternative_and_is_deterministic():
    chart = builders()["bars"]
    html = chart_html(chart)
    assert html == chart_html(builders()["bars"])
    assert '<p class="dharm-chart-description"' in html and "Asked to talk about sex: All 11% (95% CI 9-14)" in html
    assert "Source: CyberTip data provided by NCMEC" in html.split("</p>")[0]  # the subtitle too, without script
    assert 'class="dharm-chart" style="display:block;width:100%;max-width:100%;padding-right:0' in html
    assert "new ResizeObserver" in html  # the chart follows its column's width, not only the window's
