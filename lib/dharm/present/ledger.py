"""The reproduction ledger on a page: counts by status, the numbers not reproduced, the CSV."""
from __future__ import annotations

import pandas as pd
from ..ledger import ledger_summary
from .tables import download_link, html_table, show_html


def show_ledger(ledger: pd.DataFrame, filename: str) -> None:
    """How many numbers fall in each status, every number not reproduced, and the page's ledger as CSV."""
    show_html(html_table(ledger_summary(ledger)), html_table(ledger[ledger["status"] != "reproduced"]),
              "<p>", download_link(ledger, filename, "this page's ledger"), "</p>")
