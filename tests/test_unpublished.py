"""What a page says where its country publishes nothing: one notice, never another country's number, never a failure."""
from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dharm.io.country import load_country
from dharm.io.errors import NotPublished
from dharm.present.survey import glue_values, show_figure
from dharm.present.notices import marker, notice_html, prune_markdown, prune_page
from dharm.present.unpublished import or_not_published
from dharm.stats.rules import ReportingRules

from conftest import glued

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTICE = notice_html("Atlantis")


def test_the_default_country_book_never_says_not_published():
    """Every number the Cambodia pages ask for is published: a notice there would hide a broken page."""
    for path in NOTEBOOKS.glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "not published for" not in text.lower() and "dharm-not-published" not in text, path.name


@pytest.mark.parametrize("source, missing, foreign, expected", [
    # a block quoting an unpublished number becomes the notice; headings stay
    ("## Title\n\nShare {glue:text}`a` here.\n\nOther {glue:text}`b`.", {"a"}, False, f"## Title\n\n{NOTICE}\n\nOther {{glue:text}}`b`."),
    # consecutive notices collapse into one
    ("One {glue:text}`a`.\n\nTwo {glue:text}`b`.", {"a", "b"}, False, NOTICE),
    # for another country, words without numbers go unless marked any-country; the name alone is no number
    ("Words about the report.\n\nIn {glue:text}`country_name` too.\n\n% any-country\nMethod words.", set(), True,
     f"{NOTICE}\n\nMethod words."),
    # for the country the prose was written about, nothing without a missing number goes
    ("Words about the report.\n\n% any-country\nMethod words.", set(), False, "Words about the report.\n\nMethod words."),
    # an admonition is one block, and a page note that cannot stand goes without a notice
    (":::{admonition} T\n:class: warning\nSee {glue:text}`a`.\n\nMore.\n:::\n\nKept {glue:text}`b`.", {"a"}, False,
     "Kept {glue:text}`b`."),
])
def test_prune_markdown_by_hand(source, missing, foreign, expected):
    assert prune_markdown(source, missing, "Atlantis", foreign) == expected


def test_prune_page_drops_a_notice_that_repeats_across_cells():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## A\n\nValue {glue:text}`x`."),
        nbformat.v4.new_code_cell("", outputs=[
            nbformat.v4.new_output("display_data", data={"application/papermill.record/text/plain": marker("Atlantis")},
                                   metadata={"scrapbook": {"name": "x", "mime_prefix": "application/papermill.record/"}}),
            nbformat.v4.new_output("display_data", data={"text/html": NOTICE})]),
        nbformat.v4.new_markdown_cell("## B\n\nNot glued {glue:text}`never`."),
    ])
    pruned = prune_page(nb, "Atlantis", foreign=False)
    assert pruned.cells[0].source == f"## A\n\n{NOTICE}"
    assert [o.get("data", {}).get("text/html") for o in pruned.cells[1].outputs] == [None]  # the repeated notice is gone
    assert pruned.cells[2].source == f"## B\n\n{NOTICE}"  # a name the page never glued counts as unpublished


def test_a_drawing_function_turns_not_published_into_the_notice(monkeypatch):
    shown = []
    monkeypatch.setattr("dharm.present.unpublished.show_html", lambda *parts: shown.append("".join(parts)))

    @or_not_published
    def table() -> pd.DataFrame:
        raise NotPublished("Atlantis", "figure 99")

    @or_not_published
    def draw() -> None:
        raise NotPublished("Atlantis", "figure 99")

    assert table().empty and draw() is None  # nothing for a cell to show as an empty table
    assert shown == [NOTICE, NOTICE]


def test_a_figure_the_country_lacks_says_so_and_its_numbers_are_marked(data_copy, monkeypatch):
    figures = data_copy / "cambodia/published/figures.csv"
    frame = pd.read_csv(figures, dtype=str, keep_default_na=False)
    frame[frame["figure_id"] != "fig05"].to_csv(figures, index=False)
    data = load_country("cambodia", data_copy)
    shown = []
    monkeypatch.setattr("dharm.present.unpublished.show_html", lambda *parts: shown.append("".join(parts)))
    glues = {}
    monkeypatch.setattr("dharm.present.prose.glue", lambda name, value, display=False: glues.__setitem__(name, str(value)))
    table = show_figure(data, "fig05", ReportingRules())
    assert table.empty and shown == [notice_html("Cambodia")]
    glue_values(data, ReportingRules(), table, {"barrier_any": ("child_barrier_any", "Total")})
    assert glues == {"barrier_any": "not published for Cambodia"}
