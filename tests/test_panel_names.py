"""Names a reader can find in the report: panels the report leaves unnumbered are named by title and
section (never an invented number), and Figure 14, whose content did not survive the conversion, has an
anchor on its page that says so."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dharm.io.published import TABLES
from dharm.present.lost import lost_figure_html
from dharm.report.keynumbers import figure_anchor

REPO = Path(__file__).resolve().parents[1]
HTML_DIR = REPO / "_build" / "html"
PUBLISHED = sorted((REPO / "data").glob("*/published/*.csv"))
INVENTED = re.compile(r"infographic", re.IGNORECASE)
NUMBERED = re.compile(r"Figures? \d+([-, ]+\d+)*")
PANEL = re.compile(r"panel: (?P<title>.+) \(section (?P<section>\d+(\.\d+)*)\)")


def _built(relative: str) -> str:
    path = HTML_DIR / relative
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the book first (make book)", pytrace=False)
    return path.read_text(encoding="utf-8")


def test_no_published_label_or_place_invents_an_infographic_number() -> None:
    checked = 0
    for path in PUBLISHED:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("label", "figure"):
            if column in frame:
                bad = frame.loc[frame[column].str.contains(INVENTED), column]
                assert bad.empty, f"{path.name}, column {column!r}, rows {[i + 2 for i in bad.index]}: {set(bad)}"
                checked += len(frame)
    assert checked > 500


def test_every_place_in_the_report_is_a_number_or_a_panel_of_figures_csv() -> None:
    """survey_estimates.csv and known_gaps.csv say where a number is printed: a figure number the report prints,
    or 'panel: <title> (section x.y.z)' naming a row of figures.csv by its title and section."""
    for country in sorted(p.parent.parent for p in PUBLISHED if p.name == "figures.csv"):
        figures = pd.read_csv(country / "published" / "figures.csv", dtype=str, keep_default_na=False)
        panels = set(zip(figures["title"], figures["section"]))
        named = 0
        for name in ("survey_estimates.csv", "known_gaps.csv"):
            path = country / "published" / name
            if not path.is_file():
                continue
            for place in pd.read_csv(path, dtype=str, keep_default_na=False)["figure"]:
                if not place or NUMBERED.fullmatch(place):
                    continue
                m = PANEL.fullmatch(place)
                if m is None:
                    assert place.startswith("panels on "), f"{name}: figure {place!r} is neither a number nor a panel"
                    continue
                assert (m["title"], m["section"]) in panels, f"{name}: {place!r} names no title and section of figures.csv"
                named += 1
        if country.name == "cambodia":
            assert named > 100


def test_unnumbered_panels_have_no_label(country_data) -> None:
    figures = country_data.figures
    assert (figures["label"] == "").sum() >= 16
    assert all(NUMBERED.fullmatch(label) for label in figures["label"] if label)


def test_lost_figure_block_names_the_figure_and_says_it_was_lost() -> None:
    spec = {"label": "Figure 9", "title": "A map of roads", "section": "3.1", "kind": "map",
            "shows": "Roads between two towns.", "survived": "its caption"}
    block = lost_figure_html(spec)
    assert "<strong>Figure 9: A map of roads</strong> (report, section 3.1). Roads between two towns." in block
    assert "The content of this map did not survive the conversion of the report's PDF to text: only its caption did, " \
           "so the book cannot redraw it." in block
    assert lost_figure_html(spec | {"title": "<b>"}).count("&lt;b&gt;") == 1


def test_lost_figures_table_is_declared_and_checked(country_data) -> None:
    lost = country_data.table("lost_figures")
    assert TABLES["lost_figures"].file == "lost_figures.csv"
    row = lost.loc["fig14"]
    assert (row["label"], row["chapter"], row["section"], row["kind"]) == ("Figure 14", "1", "1.3.3", "diagram")
    assert not set(lost.index) & set(country_data.figures.index)


def test_no_rendered_page_says_infographic() -> None:
    _built("index.html")
    pages = sorted(HTML_DIR.rglob("*.html"))
    assert len(pages) > 5
    hits = [p.relative_to(HTML_DIR).as_posix() for p in pages if "Infographic" in p.read_text(encoding="utf-8")]
    assert not hits, f"pages that say 'Infographic': {hits}"


def test_figure_14_has_an_anchor_on_its_page_saying_it_did_not_survive() -> None:
    page = _built("notebooks/01_children_online.html")
    anchor = f'id="{figure_anchor("fig14")}"'
    assert page.count(anchor) == 1
    block = page[page.index(anchor):]
    block = block[:block.index("</div>")]
    assert "Figure 14: Mapping the consequences of sharing self-generated sexual material involving young people" in block
    assert "did not survive the conversion" in block and "cannot redraw it" in block
    # on the page of its section, after Figure 13 and before section 1.4
    assert page.index(f'id="{figure_anchor("fig13")}"') < page.index(anchor) < page.index('<section id="knowledge-and-skills-for-online-safety"')
