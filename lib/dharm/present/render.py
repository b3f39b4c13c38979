"""Offline, deterministic display of Altair charts in the book's notebooks.

Altair's default HTML output loads vega from a CDN and gives every chart a random
element id. The book must work with no network, and nbval compares ``text/html``
outputs byte-for-byte between runs, so neither is acceptable here. Instead:

* the page loads vega, vega-lite and vega-embed once, from ``_static/vendor``
  (listed under ``html_js_files`` in ``_config.yml``), which defines the global
  ``vegaEmbed``;
* each chart is an HTML fragment whose id is derived from a hash of its spec and
  whose script only calls that global ``vegaEmbed``.

Charts fill the page's content column (their specs say ``width: "container"``; the div
is made 100% wide here). Each chart's text alternative (its spec's ``description``) is
drawn by vega as the SVG's ``aria-label`` and is also written beside the div, in a
visually hidden paragraph, so screen readers and search engines have it without script.

:func:`show_chart` also attaches Altair's own Vega-Lite mimetype, so front ends that
have a Vega-Lite renderer (JupyterLab) can draw the chart without the vendored scripts.
The book picks ``text/html`` through ``nb_render_priority`` and ignores the other.
"""

from __future__ import annotations

import hashlib
import html
import json
from typing import Any

import altair as alt
from IPython.display import display

__all__ = ["EMBED_OPTIONS", "VEGALITE_MIME_TYPE", "chart_html", "chart_id", "show_chart"]

#: Vega-Lite 6 mimetype for the JSON spec. Altair 6.3's own constant,
#: ``application/vnd.vegalite.v6.json``, lacks the ``+json`` suffix, so nbformat's
#: schema requires its value to be a string and rejects the spec object when the
#: notebook is saved (papermill fails with NotebookValidationError). The ``+json``
#: form is valid and is the name other front ends use for Vega-Lite 6.
VEGALITE_MIME_TYPE = "application/vnd.vegalite.v6+json"

#: Options passed to ``vegaEmbed``. Export (save as SVG/PNG) works offline; the
#: source, compiled and editor actions are switched off because the editor lives
#: on a remote site and the source views add nothing for a reader.
EMBED_OPTIONS: dict[str, Any] = {
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    "renderer": "svg",
}

_MISSING_MESSAGE = (
    "Chart not drawn: vegaEmbed is not defined on this page. "
    "The book loads it from _static/vendor/vega-embed.min.js; "
    "notebook front ends draw the Vega-Lite output of the same cell instead."
)


def _canonical_json(obj: Any) -> str:
    """Serialise with sorted keys and no spaces, so equal specs give equal text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _script_safe(text: str) -> str:
    """Escape characters that could end or confuse an inline ``<script>`` block.

    The escapes are valid in both JSON and JavaScript string literals, so the
    embedded spec still parses to the same object.
    """
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """Return the chart's validated Vega-Lite spec (data inlined as ``datasets``)."""
    return chart.to_dict(validate=False)  # altair builds valid specs; the test suite validates each kind of chart


def chart_id(spec: dict[str, Any]) -> str:
    """Return the element id for a spec: stable across runs, unlike Altair's random ids."""
    digest = hashlib.sha1(_canonical_json(spec).encode("utf-8")).hexdigest()
    return f"dharm-chart-{digest[:12]}"


#: Visually hidden but read by screen readers (the usual "sr-only" rules), inline so no stylesheet is needed.
_HIDDEN_STYLE = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
                 "clip:rect(0,0,0,0);white-space:normal;border:0")
#: The chart's div spans the content column (vega-embed's stylesheet would shrink it to fit and pad it 38 px
#: for its actions button, which instead overlays the top right corner, where titles wrapped for a phone never reach).
_DIV_STYLE = "display:block;width:100%;max-width:100%;padding-right:0"


def _html_for_spec(spec: dict[str, Any]) -> str:
    """Build the HTML fragment for an already-computed spec."""
    element_id = chart_id(spec)
    subtitle = spec.get("title", {}).get("subtitle", []) if isinstance(spec.get("title"), dict) else []
    description = " ".join([spec.get("description", "")] + ([subtitle] if isinstance(subtitle, str) else list(subtitle))).strip()
    alt_text = (f'<p class="dharm-chart-description" id="{element_id}-description" style="{_HIDDEN_STYLE}">'
                f"{html.escape(description)}</p>\n") if description else ""
    id_js = json.dumps(element_id)
    spec_js = _script_safe(_canonical_json(spec))
    options_js = _canonical_json(EMBED_OPTIONS)
    message_js = json.dumps(_MISSING_MESSAGE)
    # The script finds its own div through document.currentScript, so the same chart
    # shown twice on one page (two elements with one id) still draws twice; it falls
    # back to getElementById where currentScript is unavailable.
    return (
        alt_text
        + f'<div id="{element_id}" class="dharm-chart" style="{_DIV_STYLE}"></div>\n'
        "<script>\n"
        "(function () {\n"
        f"  var id = {id_js};\n"
        "  var script = document.currentScript;\n"
        "  var prev = script && script.previousElementSibling;\n"
        "  var el = (prev && prev.id === id) ? prev : document.getElementById(id);\n"
        "  if (!el) { return; }\n"
        '  if (typeof vegaEmbed !== "function") {\n'
        f"    el.textContent = {message_js};\n"
        "    return;\n"
        "  }\n"
        f"  var spec = {spec_js};\n"
        f"  vegaEmbed(el, spec, {options_js}).then(function (result) {{\n"
        # vega-embed's actions menu opens from an icon-only <summary>: give it a name (axe summary-name).
        '    var menu = el.querySelector("details > summary");\n'
        '    if (menu) { menu.setAttribute("aria-label", "Save this chart as SVG or PNG"); }\n'
        # vega-lite refits a container-wide chart on window resizes only; the column can also change
        # width without one (a sidebar opening), so the chart follows its div's width too.
        '    if (typeof ResizeObserver !== "function") { return; }\n'
        "    var last = el.clientWidth;\n"
        "    new ResizeObserver(function () {\n"
        "      var width = el.clientWidth;\n"
        "      if (width > 0 && width !== last) { last = width; result.view.width(width).runAsync(); }\n"
        "    }).observe(el);\n"
        "  }).catch(function (err) {\n"
        '    el.textContent = "Chart not drawn: " + err;\n'
        '    console.error("dharm chart " + id + ": " + err);\n'
        "  });\n"
        "})();\n"
        "</script>"
    )


def chart_html(chart: alt.TopLevelMixin) -> str:
    """Return an HTML fragment that draws ``chart`` with the page's global ``vegaEmbed``.

    No CDN and no random ids: the same chart gives byte-identical HTML on every run,
    which nbval needs. The div id is ``dharm-chart-`` plus the first 12 hex digits of
    the SHA-1 of the spec's canonical JSON. If ``vegaEmbed`` is missing, the div says so
    rather than staying silently empty.
    """
    return _html_for_spec(_spec(chart))


def show_chart(chart: alt.TopLevelMixin) -> None:
    """Display ``chart`` as a raw mimebundle: offline HTML for the book, Vega-Lite JSON for JupyterLab.

    The bundle holds ``text/html`` (from :func:`chart_html`), Altair's Vega-Lite
    mimetype and a fixed ``text/plain`` fallback; nothing in it changes between runs.
    """
    spec = _spec(chart)
    bundle = {
        "text/html": _html_for_spec(spec),
        VEGALITE_MIME_TYPE: spec,
        "text/plain": f"<Vega-Lite chart {chart_id(spec)}>",
    }
    display(bundle, raw=True)
