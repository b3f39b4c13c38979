"""The reproduction ledger on a page: counts by status, the numbers not reproduced, the CSV."""
from __future__ import annotations

import pandas as pd

from ..io.country import CountryData
from ..ledger import build_ledger, ledger_by_page, ledger_summary
from ..stats.rules import ReportingRules
from .charts import ledger_chart
from .prose import glue_numbers
from .render import show_chart
from .tables import download_link, html_table, show_html, show_table
from .unpublished import or_not_published


# The ledger's chapter and section are labels ("1", "2.2.1"), its difference a gap in points or children.
LEDGER_KINDS = {"chapter": "text", "section": "text"}


@or_not_published
def show_ledger(data: CountryData, ledger: pd.DataFrame, filename: str) -> None:
    """How many numbers fall in each status, every number not reproduced, and the page's ledger as CSV."""
    if ledger.empty:
        raise data.not_published("numbers on this page")
    show_html(html_table(ledger_summary(ledger), "Published numbers on this page by reproduction status"),
              html_table(ledger[ledger["status"] != "reproduced"], "Published numbers on this page not reproduced", kinds=LEDGER_KINDS),
              "<p>", download_link(ledger, filename, "this page's ledger"), "</p>")


def show_reproduction(data: CountryData, rules: ReportingRules) -> pd.DataFrame:
    """The whole ledger: published numbers by page and status (chart and table), those not reproduced, the CSV."""
    ledger = build_ledger(data, rules)
    by_page = ledger_by_page(ledger)
    glue_numbers(ledger_total=len(ledger), ledger_reproduced=int((ledger["status"] == "reproduced").sum()),
                 ledger_outside=int((ledger["status"] == "outside tolerance").sum()))
    show_chart(ledger_chart(by_page, "Published numbers by book page and reproduction status",
                            [f"All {len(ledger)} published numbers the book checks. Source: the book's reproduction ledger."]))
    show_table(by_page, "reproduction_by_page.csv", "Published numbers by book page and reproduction status", anchor="ledger",
               kinds={"page": "text"})
    show_table(ledger[ledger["status"] != "reproduced"], "reproduction_not_reproduced.csv", "Published numbers not reproduced",
               caption="Every published number not reproduced, with its status.", kinds=LEDGER_KINDS)
    show_html("<p>", download_link(ledger, "reproduction.csv", "the full ledger"), "</p>")
    return ledger


@or_not_published
def show_known_gaps(data: CountryData) -> None:
    show_table(data.require("known_gaps"), "known_gaps.csv", "Known gaps between the report and its data", anchor="known-gaps")


@or_not_published
def show_page_ledger(data: CountryData, ledger: pd.DataFrame, filename: str) -> None:
    """A page's whole ledger (every row, not only those not reproduced), with its summary by status."""
    if ledger.empty:
        raise data.not_published("numbers on this page")
    show_table(ledger_summary(ledger), filename.replace(".csv", "_summary.csv"), "Published numbers on this page by reproduction status")
    show_table(ledger, filename, "Every published number on this page and its reproduction", kinds=LEDGER_KINDS)
