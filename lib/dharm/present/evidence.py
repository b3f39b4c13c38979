"""The frontline workers' survey and the interview excerpts on a page."""
from __future__ import annotations

import html
import textwrap

import pandas as pd

from ..io.published import RESEARCH_ACTIVITIES
from ..report.frontline import DEFAULT_BASE, FRONTLINE_NOTE, distribution, excerpts_for
from .charts import distribution_chart
from .render import show_chart
from .tables import anchor_html, html_table, show_html


def show_excerpts(excerpts: pd.DataFrame, themes: list[str] | None = None, sections: list[str] | None = None,
                  title: str = "") -> pd.DataFrame:
    """Excerpts as block quotes with their attribution and what the code stands for."""
    chosen = excerpts_for(excerpts, themes, sections)
    parts = [f"<p><strong>{html.escape(title)}</strong></p>"] if title else []
    if chosen.empty:
        parts.append("<p><em>No quoted excerpt for this selection.</em></p>")
    for r in chosen.itertuples(index=False):
        parts.append(f'<blockquote class="dharm-excerpt"><p>{html.escape(r.excerpt)}</p>'
                     f"<p>({html.escape(r.attribution)}: {html.escape(RESEARCH_ACTIVITIES[r.research_activity])}; "
                     f"{html.escape(r.topic)})</p></blockquote>")
    show_html("\n".join(parts))
    return chosen


def show_distribution(frontline: pd.DataFrame, question_ids: list[str], title: str, source: str,
                      min_base: int = 50) -> pd.DataFrame:
    """Published answer shares of frontline questions as 100% bars, with the sample's nature stated.

    The small-base rule applies here too: with fewer respondents than ``min_base`` the shares
    are turned back into counts of workers and no chart is drawn.
    """
    drawn, table = distribution(frontline, question_ids, min_base)
    if not drawn.empty:
        n = int(drawn["base_n"].max()) if drawn["base_n"].notna().any() else DEFAULT_BASE
        subtitle = textwrap.wrap(f"Base: frontline social-service workers, n = {n}. {FRONTLINE_NOTE} {source}", 95)
        show_chart(distribution_chart(drawn, title, subtitle))
    anchors = "".join(anchor_html(q) for q in dict.fromkeys(question_ids))
    show_html(f"<p>{anchors}{html.escape(FRONTLINE_NOTE)} {html.escape(source)}</p>", html_table(table.rename(columns=str.capitalize)))
    words = frontline[frontline["question_id"].isin(question_ids) & frontline["value"].isna()]
    return pd.concat([drawn, words])
