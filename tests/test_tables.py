"""Every table of the book: numbers as the report prints them, readable headers, one style, a scrolling
container that is named and keyboard-focusable, header cells with their scope. Checked on hand-computed
cases of the one formatter and on every table of the rendered pages."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from dharm.config import pages
from dharm.present.admin import derived_for_readers
from dharm.present.tables import html_table, readable_name
from dharm.stats.numbers import decimals_of, value_text

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html" / "notebooks"
FLOAT_COUNT = re.compile(r"^-?\d[\d,]*\.0+$")  # 339.0, 1,463.00: a whole number printed as a float
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


@pytest.mark.parametrize("value, kind, expected", [
    (339.0, "count", "339"),
    (1463.0, "count", "1,463"),
    (1463, "count", "1,463"),
    (np.nan, "count", ""),
    (None, "count", ""),
    (160000.0, "children", "160,000"),
    (261.0, "percent change", "261%"),        # Figure 15 prints "261%" and "-31%"
    (261.37, "percent change", "261%"),
    (-30.66, "percent change", "-31%"),
    (0.25, "percent", "0.25%"),              # "Cambodia % of Global total 0.25%"
    (33.3, "percent", "33.3%"),
    (11.0, "percent", "11%"),
    (3.14, "ratio", "3.14"),                 # "Reports per Unique IP Address 3.14"
    (7.9512, "ratio", "7.95"),
    (-0.04, "points", "0"),                  # never "-0"
    (-0.56, "points", "-0.6"),
    (2019.0, "year", "2019"),
    (1800000.0, "number", "1,800,000"),
    (0.25, "number", "0.25"),
    (2.50, "number", "2.5"),
    ("not recomputable", "count", "not recomputable"),
    (True, "number", "yes"),
    (np.bool_(False), "number", "no"),
])
def test_value_text(value, kind, expected):
    assert value_text(value, kind) == expected


def test_value_text_with_decimals():
    assert value_text(261.37, "percent", 1) == "261.4%"
    assert value_text(0.2541, "percent", 3) == "0.254%"
    assert value_text(-7.99, "percent", 1) == "-8.0%" and value_text(-0.01, "percent", 1) == "0.0%"
    assert decimals_of(261) == 0 and decimals_of(0.25) == 2 and decimals_of(3.14) == 2 and decimals_of(np.nan) == 0


def test_derived_numbers_read_as_printed():
    """A printed percentage change beside its recomputation, one decimal finer than printed."""
    view = pd.DataFrame({"description": ["change", "share", "peak"], "printed": [261.0, 0.25, 8.0],
                         "recomputed": [261.3748, 0.2478, 7.95], "qualifier": ["", np.nan, "just under"],
                         "unit": ["percent", "percent", "ratio"], "verdict": ["agrees"] * 3})
    out = derived_for_readers(view)
    assert out["Printed"].tolist() == ["261%", "0.25%", "just under 8"]
    assert out["Recomputed"].tolist() == ["261.4%", "0.248%", "8.0"]


@pytest.mark.parametrize("name, expected", [
    ("n_positive", "Children with the answer"), ("unique_upload_ips", "Unique upload IP addresses"),
    ("issued_by", "Issued by"), ("printed_as", "Printed as"), ("status", "Status"), ("age_group", "Age group"),
    ("checked against", "Checked against"), ("Estimate % (95% CI)", "Estimate % (95% CI)"), ("2019", "2019"),
    ("ocsea_cases", "OCSEA cases"), ("base_n", "Base (n)"),
])
def test_readable_name(name, expected):
    assert readable_name(name) == expected


def test_a_table_is_wrapped_named_and_has_header_scopes():
    frame = pd.DataFrame({"n_positive": [339.0, np.nan, 1463.0], "what": ["a", "b", "c"]})
    soup = BeautifulSoup(html_table(frame, "Test table", note="Source: here."), "html.parser")
    wrap = soup.select_one("div.dharm-table-wrap")
    assert wrap["tabindex"] == "0" and wrap["role"] == "region" and wrap["aria-label"] == "Test table"
    table = wrap.select_one("table.dharm-table")
    assert table["aria-label"] == "Test table"
    assert [(th["scope"], th.get_text()) for th in table.select("thead th")] == [("col", "Children with the answer"), ("col", "What")]
    assert [td.get_text() for td in table.select("tbody td")] == ["339", "a", "", "b", "1,463", "c"]
    assert table.select("tbody td")[0]["class"] == ["dharm-num"] and not table.select("tbody td")[1].get("class")
    assert soup.select_one("p.dharm-table-note").get_text() == "Source: here."


def test_row_labels_are_row_headers_and_a_caption_names_the_table():
    frame = pd.DataFrame({"2017": [25309.0, 8058.0]}, index=["cybertip_reports", "unique_upload_ips"])
    soup = BeautifulSoup(html_table(frame, "Figure 17", index=True, caption="As printed."), "html.parser")
    assert [th.get_text() for th in soup.select("tbody th[scope=row]")] == ["CyberTip reports", "Unique upload IP addresses"]
    assert soup.select_one("caption").get_text() == "As printed." and not soup.select_one("table").get("aria-label")
    assert soup.select_one("thead th").get_text() == "Row"
    assert [td.get_text() for td in soup.select("tbody td")] == ["25,309", "8,058"]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown column kinds"):
        html_table(pd.DataFrame({"a": [1]}), "T", kinds={"a": "percentage"})


def test_hedged_numbers_are_aligned_as_numbers():
    frame = pd.DataFrame({"Printed": ["just under 8", "approximately 11%", "261%"], "Figure": ["insight 1", "Figure 15", ""]})
    soup = BeautifulSoup(html_table(frame, "T"), "html.parser")
    assert [th.get("class") for th in soup.select("thead th")] == [["dharm-num"], None]


def test_a_table_is_the_same_html_on_every_run():
    frame = pd.DataFrame({"value": [1.5, 2.0], "note": ["x", "y"]})
    assert html_table(frame, "T") == html_table(frame.copy(), "T")


@pytest.mark.parametrize("page", [p.notebook for p in pages()])
def test_every_table_on_a_page_is_wrapped_readable_and_prints_counts_whole(page):
    """On the rendered page: every table in its named, focusable scrolling container, header cells with a
    scope, no snake_case header, and no whole number printed as a float."""
    soup = BeautifulSoup((HTML / f"{page}.html").read_text(), "html.parser")
    problems = []
    for i, table in enumerate(soup.select("article table, main table")):
        wrap = table.find_parent("div", class_="dharm-table-wrap")
        if wrap is None or wrap.get("tabindex") != "0" or not wrap.get("aria-label"):
            problems.append((i, "not in a named, focusable dharm-table-wrap"))
        if not (table.get("aria-label") or table.find("caption")):
            problems.append((i, "no name"))
        for th in table.select("thead th"):
            if th.get("scope") != "col":
                problems.append((i, f"header {th.get_text()!r} without scope=col"))
            if SNAKE.match(th.get_text(strip=True)):
                problems.append((i, f"raw header {th.get_text()!r}"))
        problems += [(i, f"float count {td.get_text()!r}") for td in table.select("td") if FLOAT_COUNT.match(td.get_text(strip=True))]
    assert not problems, problems
