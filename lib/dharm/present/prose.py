"""Numbers handed to a page's prose with myst-nb's ``glue``: never typed into the text."""
from __future__ import annotations

import html

from myst_nb import glue

from ..config import TOLERANCE_GROUP, TOLERANCE_TOTAL
from ..io.country import CountryData
from ..io.errors import NotPublished
from ..report.prose import count_prose, prose_rule
from ..report.survey import survey_count
from ..stats.rules import ReportingRules
from .tables import show_html
from .notices import marker


class ProseText(str):
    """Text glued into a sentence, shown as it is (a plain ``str`` would be shown with quotes)."""

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))


def glue_text(**values: str | NotPublished) -> None:
    """Glue words (a number as the rule says to quote it) for the prose: ``{glue:text}`name```.

    A :class:`NotPublished` value glues "not published for <country>" (see :mod:`.unpublished`).
    """
    for name, value in values.items():
        glue(name, ProseText(marker(value.country_name) if isinstance(value, NotPublished) else value), display=False)


def glue_numbers(**values: float | NotPublished) -> None:
    """Glue plain numbers (counts, sizes, years) for the prose; a :class:`NotPublished` value glues its marker."""
    for name, value in values.items():
        if isinstance(value, NotPublished):
            glue_text(**{name: value})
        else:
            glue(name, value, display=False)


def glue_country(data: CountryData) -> None:
    """The country's name, for titles and prose (``{glue:text}`country_name```)."""
    glue_text(country_name=data.metadata.name)


def glue_rules(rules: ReportingRules) -> None:
    """The page's reporting rules, for the prose that states them."""
    glue_numbers(ci_level=100 * rules.confidence, min_base=rules.min_base, min_difference=rules.min_difference)


def glue_tolerances() -> None:
    """The ledger's tolerances, for the prose that states them."""
    glue_numbers(tol_total=TOLERANCE_TOTAL, tol_group=TOLERANCE_GROUP)


def glue_counts(data: CountryData, rules: ReportingRules, names: dict[str, tuple]) -> None:
    """Glue numbers of respondents for the prose, by the book's rule (:mod:`dharm.report.prose`):
    ``names`` maps a glue name to (indicator, group[, column]) with column ``n_positive`` (who have the
    indicator, the default) or ``n`` (who are in its base)."""
    rule = prose_rule(data, rules)
    for name, (indicator_id, group, *column) in names.items():
        column = column[0] if column else "n_positive"
        try:
            try:
                computed = survey_count(data, rules, indicator_id, group, column)
            except KeyError:  # no respondent of this country's survey was asked: nothing to count
                raise data.not_published(f"{indicator_id} ({group})") from None
            glue_text(**{name: count_prose(data, rule, indicator_id, computed, group, column)})
        except NotPublished as exc:
            glue_text(**{name: exc})


def show_data_notice(data: CountryData) -> None:
    """Say, at the top of a page that uses the survey files, whether they are synthetic (as the country's
    metadata declare) and what that means for the numbers on the page."""
    if data.synthetic:
        title, body = "Synthetic survey data", (
            "The household survey's records are not public. The survey estimates on this page are computed from "
            "<strong>synthetic microdata</strong>, built record by record to match the report's published figures "
            "(see <a href=\"00_methods.html\">Methods</a>). The text quotes the values the report printed; each table "
            "shows the computed estimate beside the printed value. Intervals show the precision a survey of this design "
            "would give, not findings. Values the report never published are hidden unless the <code>show_modelled</code> "
            "parameter is true, and then marked <em>modelled</em>.")
    else:
        title, body = "Survey microdata", (
            f"The survey estimates on this page are computed from the survey's own microdata for {html.escape(data.metadata.name)} "
            "(declared in the country's <code>metadata.yml</code>), with design-based intervals.")
    show_html(f'<div class="admonition warning dharm-notice"><p class="admonition-title">{title}</p><p>{body}</p></div>')
