"""The book's one chart style, registered with altair once: fonts, titles, no frame.

Colours are the Okabe-Ito palette, distinguishable with the common colour-vision
deficiencies.
"""
from __future__ import annotations

import altair as alt

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Helvetica, Arial, sans-serif"
THEME = "dharm"


@alt.theme.register(THEME, enable=True)
def dharm_theme() -> alt.theme.ThemeConfig:
    """Fonts for axes, legends and titles; titles anchored left; no frame around the plot."""
    return {"config": {
        "axis": {"labelFont": FONT, "titleFont": FONT},
        "legend": {"labelFont": FONT, "titleFont": FONT},
        "title": {"font": FONT, "subtitleFont": FONT, "fontSize": 14, "subtitleFontSize": 11, "anchor": "start"},
        "view": {"stroke": None},
    }}


def title(text: str, subtitle: list[str]) -> alt.TitleParams:
    """A chart title with its base and source as subtitle lines."""
    return alt.TitleParams(text, subtitle=subtitle)
