"""The front matter on a page: definitions, the country profile, legislation, policy, the research
activities of the methods page, and the numbers the executive summary quotes about the study."""
from __future__ import annotations

import html

from ..io.country import CountryData
from ..report.frontmatter import check_sizes
from ..stats.rules import ReportingRules
from .charts import sample_size_chart
from .prose import glue_numbers
from .render import show_chart
from .tables import download_link, readable_columns, show_html, show_table
from .unpublished import or_not_published

DEFINITION_HEADINGS = {"core": "Core definitions", "Figure 2: form of OCSEA": "Figure 2: forms of OCSEA studied",
                       "Figure 2: related phenomenon": "Figure 2: related phenomena", "term used in the report": "Other terms"}


@or_not_published
def show_definitions(data: CountryData) -> None:
    """Each group of terms as a definition list, then the CSV."""
    definitions = data.require("definitions")
    for kind, heading in DEFINITION_HEADINGS.items():
        rows = definitions[definitions["kind"] == kind]
        show_html(f"<h4>{html.escape(heading)}</h4><dl>", "".join(f"<dt>{html.escape(r.term)}</dt><dd>{html.escape(r.definition)}</dd>"
                                                              for r in rows.itertuples()), "</dl>")
    show_html("<p>", download_link(definitions, "definitions.csv", "this glossary"), "</p>")


@or_not_published
def show_profile(data: CountryData, rules: ReportingRules) -> None:
    """The country profile: values that survived (checked against the data) and values that were lost."""
    context = data.require("context")
    survived, lost = context[context["survived"] == "yes"], context[context["survived"] == "no"]
    glue_numbers(context_lost=len(lost))
    show_table(check_sizes(data, rules, "context", survived), "context_survived.csv", "Profile values that survived",
               caption="Values that survived, checked against the data.")
    show_table(lost[["panel", "item", "year", "source", "note"]], "context_lost.csv", "Profile values that were lost",
               caption="Values that did not survive the conversion.", kinds={"year": "text"})


@or_not_published
def show_legislation(data: CountryData) -> None:
    show_table(readable_columns(data.require("legislation").drop(columns="topic_id")), "legislation.csv",
               "Legislation on OCSEA and what it covers", anchor="legislation")


@or_not_published
def show_policies(data: CountryData) -> None:
    policies = data.require("policies")
    show_table(readable_columns(policies[["policy", "period", "issued_by", "summary", "section"]]), "policies.csv",
               "Policies and international commitments", anchor="policies")


@or_not_published
def show_research_activities(data: CountryData, rules: ReportingRules) -> None:
    """Figure 1 (activities and their sample sizes) as a chart and a table, each size checked against a second source."""
    activities = data.require("research_activities")
    glue_numbers(activities_in_figure_1=int((activities["in_figure_1"] == "yes").sum()))
    show_chart(sample_size_chart(activities.rename(columns={"activity": "Activity", "sample_size": "Participants"}),
                                 "Activity", "Participants", "Figure 1: research activities and their sample sizes",
                                 ["Base: participants as printed in Figure 1 and the methods text; activities without a sample are not drawn.",
                                  f"Source: {data.metadata.report.short}, Figure 1 and methods."]))
    show_table(readable_columns(activities.drop(columns=["activity_id", "check", "section"])), "research_activities.csv",
               "Figure 1: research activities and their sample sizes", anchor="research-activities",
               kinds={"Phase": "text", "Sample size": "count"})
    sizes = check_sizes(data, rules, "research_activities")
    show_table(sizes, "research_activity_checks.csv", "Printed sample sizes beside a second source",
               caption="Each printed size beside the same size from another source.")
    glue_numbers(sizes_agree=int((sizes["verdict"] == "agrees").sum()), sizes_checked=int((sizes["verdict"] != "no second source").sum()))


def glue_study(data: CountryData) -> None:
    """The numbers the executive summary quotes about the study itself (activities, the national plan's years)."""
    activities = data.table("research_activities")
    plans = data.table("policies").set_index("policy_id")
    glue_numbers(activities_in_figure_1=int((activities["in_figure_1"] == "yes").sum()) if not activities.empty
                 else data.not_published("research activities"))
    if "ocse_action_plan" in plans.index:
        glue_numbers(plan_start=int(plans.loc["ocse_action_plan", "start_year"]), plan_end=int(plans.loc["ocse_action_plan", "end_year"]))
    else:
        glue_numbers(plan_start=data.not_published("national action plan"), plan_end=data.not_published("national action plan"))
