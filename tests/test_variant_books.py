"""The variant books as built by `make variants` (run by .ci/run after `make test`; selected with -m variant_books)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from dharm.config import pages
from dharm.variants import VARIANT_BUILD_DIR, VARIANTS_DIR, load_variant

pytestmark = pytest.mark.variant_books
REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.stem for p in VARIANTS_DIR.glob("*.yml"))


def page_html(variant: str, stem: str) -> str:
    return (VARIANT_BUILD_DIR / variant / "html" / "notebooks" / f"{stem}.html").read_text(encoding="utf-8")


def visible_text(html: str) -> str:
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_building_the_variants_left_the_book_as_committed():
    status = subprocess.run(["git", "status", "--porcelain", "--", "notebooks", "data", "_toc.yml", "_config.yml", "intro.md"],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert status == ""


@pytest.mark.parametrize("variant", SHIPPED)
def test_every_page_of_a_variant_names_it(variant):
    for page in pages():
        html = page_html(variant, page.notebook)
        assert f"Variant <strong>{variant}</strong>" in html, page.notebook
        assert "_pdf/" not in html, f"{page.notebook}: a variant book links PDFs that make pdf does not make"
    ledger = pd.read_csv(VARIANT_BUILD_DIR / variant / "reproduction.csv")
    assert len(ledger) > 0 and (ledger["status"] != "outside tolerance").all()


def test_the_parameters_changed_the_pages():
    assert "Estimate % (90% CI)" in page_html("confidence-90", "01_children_online")
    assert "Estimate % (95% CI)" not in page_html("confidence-90", "01_children_online")
    assert "Bases under 30 are shown as counts" in page_html("min-base-30", "01_children_online")
    by_area = visible_text(page_html("by-area", "02_ocsea"))
    assert "Rural" in by_area and "(modelled)" in by_area


def prose_and_outputs(html: str) -> str:
    """What a reader of a page sees, without the code cells (whose parameters cell names the default country)."""
    main = re.search(r"<main.*?</main>", html, re.S).group(0)
    main = re.sub(r'<div class="cell_input.*?</div>\s*</div>\s*</div>', " ", main, flags=re.S)
    return visible_text(main)


def test_the_malaysia_book_shows_no_number_of_another_country():
    pages_text = {p.notebook: prose_and_outputs(page_html("malaysia", p.notebook)) for p in pages()}
    for stem, text in pages_text.items():
        assert "Cambodia" not in text and "Cambodian" not in text, stem
        for cambodia_number in ("992", "2,439", "160,000", "1,800,000"):  # Cambodia's sample, roster, scaled count, population
            assert cambodia_number not in text, (stem, cambodia_number)
        assert "Not published for Malaysia" in text or stem == "00_summary", stem
    summary = pages_text["00_summary"]
    assert "at least 4% of internet-using children" in summary and "as many as 100,000 children" in summary
    assert "24% of children sometimes or often came across such content" in pages_text["01_children_online"]


def test_every_malaysia_number_is_reproduced_or_a_known_gap():
    ledger = pd.read_csv(VARIANT_BUILD_DIR / "malaysia" / "reproduction.csv")
    published = pd.read_csv(REPO / "data/malaysia/published/survey_estimates.csv")
    assert set(ledger["status"]) <= {"reproduced", "known gap"}
    assert set(published["indicator_id"]) <= set(ledger["indicator"])
