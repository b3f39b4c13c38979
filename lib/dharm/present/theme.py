"""The book's one chart style, registered with altair once: fonts, titles, no frame, colours.

Colours: a colour-blind-safe palette after Okabe and Ito, with the colours that are too
light on white (orange, sky blue, yellow) replaced or darkened so that every colour has
at least 3:1 contrast against the white page (WCAG 2.1, non-text contrast). Colour is
never the only cue: charts also label their marks in text.

Text: titles, subtitles and long axis or legend labels are wrapped in Python into lines
that fit a 390-px phone, and nothing is truncated (no "…" in a chart).
"""
from __future__ import annotations

import json
import textwrap

import altair as alt

#: Okabe-Ito blue, vermillion and bluish green; reddish purple and orange darkened; dark grey.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#B4588C", "#A66D00", "#595959"]
OKABE_ITO = PALETTE  # the name the charts used before the palette was darkened
GREY = "#767676"  # "not recomputable" and other neutral marks (4.5:1 on white)
INK = "#333333"  # intervals, outlines and text (12.6:1 on white)
FONT = "Helvetica, Arial, sans-serif"
THEME = "dharm"
TITLE_WIDTH = 40  # characters per title line (13-px bold: about 290 px)
SUBTITLE_WIDTH = 54  # characters per subtitle line (11 px: about 300 px)
LABEL_WIDTH = 26  # characters per line of an axis or legend label (10-11 px: about 150 px)
NO_LIMIT = 100_000  # labelLimit in pixels: vega truncates with "…" beyond it, so never reached

#: vega's "cividis" scheme (vega 6 ``vega-scale``), 50 stops from 0 to 1, for choosing label colours on a heatmap.
CIVIDIS = ("00205100235800265d002961012b65042e670831690d346b11366c16396d1c3c6e213f6e26426e2c456e31476e374a6e3c4d6e"
           "42506e47536d4c566d51586e555b6e5a5e6e5e616e62646f66676f6a6a706e6d717270717573727976737c79747f7c75827f7586"
           "82768985778c8877908b78938e789691789a94789e9778a19b78a59e77a9a177aea575b2a874b6ab73bbaf71c0b26fc5b66dc9b9"
           "6acebd68d3c065d8c462ddc85fe2cb5ce7cf58ebd355f0d652f3da4ff7de4cfae249fce647")


@alt.theme.register(THEME, enable=True)
def dharm_theme() -> alt.theme.ThemeConfig:
    """Fonts for axes, legends and titles; titles anchored left; no frame; nothing truncated; ARIA on."""
    return {"config": {
        "aria": True,
        "axis": {"labelFont": FONT, "titleFont": FONT, "labelLimit": NO_LIMIT, "titleLimit": NO_LIMIT},
        "legend": {"labelFont": FONT, "titleFont": FONT, "labelLimit": NO_LIMIT, "titleLimit": NO_LIMIT},
        "title": {"font": FONT, "subtitleFont": FONT, "fontSize": 13, "subtitleFontSize": 11, "anchor": "start",
                  "limit": NO_LIMIT, "subtitleColor": INK},
        "view": {"stroke": None},
        "range": {"category": PALETTE},
    }}


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` characters (a longer word keeps its own line)."""
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def title(text: str, subtitle: list[str]) -> alt.TitleParams:
    """A chart title with its base and source as subtitle, both wrapped into lines that fit a phone.

    The subtitle parts are joined into one paragraph and re-wrapped, so callers may pass them
    wrapped at any width.
    """
    return alt.TitleParams(wrap(text, TITLE_WIDTH), subtitle=wrap(" ".join(s.strip() for s in subtitle), SUBTITLE_WIDTH),
                           limit=NO_LIMIT, subtitlePadding=4, offset=8)


def wrapped_labels(labels: list[str], width: int = LABEL_WIDTH) -> str:
    """A vega ``labelExpr`` that draws each of ``labels`` as wrapped lines (others as they are)."""
    lines = {lab: wrap(lab, width) for lab in dict.fromkeys(labels)}
    return f"{json.dumps(lines, ensure_ascii=False, sort_keys=True)}[datum.label] || datum.label"


def line_count(labels: list[str], width: int = LABEL_WIDTH) -> int:
    """The most lines any of ``labels`` takes when wrapped."""
    return max((len(wrap(lab, width)) for lab in labels), default=1)


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#rrggbb`` colour."""
    rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str = "#ffffff") -> float:
    """WCAG 2.1 contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    return "#000000" if contrast("#000000", fill) >= contrast("#ffffff", fill) else "#ffffff"


def cividis(value: float) -> str:
    """The colour vega's cividis scheme gives ``value`` in [0, 1] (linear between its stops)."""
    stops = [tuple(int(CIVIDIS[i + j:i + j + 2], 16) for j in (0, 2, 4)) for i in range(0, len(CIVIDIS), 6)]
    x = min(max(value, 0.0), 1.0) * (len(stops) - 1)
    i = min(int(x), len(stops) - 2)
    t = x - i
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(stops[i], stops[i + 1]))
