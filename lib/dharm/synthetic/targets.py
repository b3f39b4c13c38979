"""What each answer must reproduce: published numbers first, documented assumptions filling gaps.

For one survey variable, every indicator built on it contributes its published values
(percent of a base, or an exact count); the answer rows of ``assumptions.csv`` add what
the report does not print. The result is a tree of :class:`Block` objects: a set of answer
codes with its targets, nested where one indicator counts a subset of another's codes.

A country that publishes little can cover every other question of a file with one rule row
(``variable`` ``*``, see :meth:`Sources.default_answer`) instead of a row per question.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..config import DEFAULT_COUNTRY
from ..io.errors import DataValidationError
from ..io.survey import NAME, Codebook, asked_mask
from ..stats.judge import tolerance_of
from .assign import CALIBRATE_CLOSE
from .settings import read_assumptions

ANY_QUESTION = "*"  # an assumption row whose variable is '*': the rule for every question of its file with no target
NOTHING_HAPPENED = ("No", "Not selected", "Never")  # answer labels (codebook) the rule prefers: they claim no experience
DONT_KNOW_CODES = (8, 9)  # "don't know", "prefer not to say" (or "did not say"): never a default answer, the residual answer only if no other code is free
# 'at least X' is met from X up to X plus the tolerance: the generator aims just above X, by twice
# the distance within which calibration stops (so it lands at or above X), and no further
AT_LEAST_MARGIN = 2 * 100 * CALIBRATE_CLOSE


def target_of(value: float, qualifier: str, breakdown: str) -> float:
    """The share (percent) the generator aims at for a printed value and its hedge.

    The printed value itself, except 'at least X', which :func:`dharm.stats.judge.survey_number`
    meets from X to X plus the tolerance: there the aim is X plus ``AT_LEAST_MARGIN``.
    """
    if qualifier == "at least":
        return min(value + AT_LEAST_MARGIN, value + tolerance_of(breakdown), 100.0)
    return value


def load_assumptions(country: str = DEFAULT_COUNTRY, data_root: Path | str | None = None) -> pd.DataFrame:
    """The answer rows of the one file that lists every value the generator needs but the report
    does not publish (the ``design`` rows are read by :func:`~dharm.synthetic.settings.design_settings`)."""
    frame = read_assumptions(country, data_root)
    return frame[frame["file"] != "design"].reset_index(drop=True)


@dataclass
class Block:
    """A set of answer codes with target shares (percent of the indicator's universe)."""

    codes: frozenset
    targets: dict  # (breakdown, group) -> percent
    universe: str | None = None  # None: the records asked; "": every record; else a rule
    count: int | None = None  # exact number of records, where the report prints it
    children: list = field(default_factory=list)
    absolute: dict = field(default_factory=dict)  # targets as shares of the universe, kept for nesting
    extra: list = field(default_factory=list)  # (targets, universe) of other indicators of the same answer
    base: dict = field(default_factory=dict)  # (breakdown, group) -> (records, weight) of the published base, once targets moved to a smaller pool


def collect_blocks(file: str, variable: str, published: pd.DataFrame, indicators: pd.DataFrame,
                   assumptions: pd.DataFrame) -> list[Block]:
    """All targets for one variable, from published numbers first, assumptions filling gaps.

    Several indicators may count the same answer over different bases (e.g. 'online' as a
    share of the children it happened to, and of all children): the narrower base comes
    first and its targets win; the others add what it lacks, converted at fill time.
    """
    blocks: dict[frozenset, Block] = {}
    defs = indicators[(indicators["file"] == file) & (indicators["variable"] == variable)]
    defs = defs.assign(_broad=defs["universe"] == "").sort_values("_broad", kind="stable")
    for ind in defs.itertuples(index=False):
        codes = frozenset(int(c) for c in ind.positive_codes.split(";"))
        targets: dict = {}
        rows = published[(published["indicator_id"] == ind.indicator_id) & published["value"].notna()]
        rows = rows.assign(_summary=rows["section"] == "summary").sort_values("_summary", kind="stable")  # the chapter's own value wins
        count = None
        for r in rows.itertuples(index=False):
            if r.unit == "count" and r.breakdown != "total":
                if r.value == 0:  # 'none of the girls': a group share of zero
                    targets.setdefault((r.breakdown, r.group), 0.0)
            elif r.unit == "count":
                count = int(r.value) if count is None else count
            elif r.qualifier != "more than":
                targets.setdefault((r.breakdown, r.group), target_of(float(r.value), r.qualifier, r.breakdown))
        if codes not in blocks:
            blocks[codes] = Block(codes, targets, ind.universe, count)
        else:
            block = blocks[codes]
            block.count = block.count if block.count is not None else count
            if ind.universe == block.universe:
                for k, v in targets.items():
                    block.targets.setdefault(k, v)
            elif targets:
                block.extra.append((targets, ind.universe))
    mine = assumptions[(assumptions["file"] == file) & (assumptions["variable"] == variable)]
    for r in mine.itertuples(index=False):
        codes = frozenset(int(c) for c in r.codes.split(";"))
        block = blocks.setdefault(codes, Block(codes, {}))
        block.targets.setdefault((r.breakdown, r.group), float(r.value))
    # indicators the report never published (modelled-only views) carry no target
    blocks = {k: b for k, b in blocks.items() if b.targets or b.extra or b.count is not None}
    for block in blocks.values():
        block.absolute = dict(block.targets)
    # nest: a block inside a larger block becomes its child
    ordered = sorted(blocks.values(), key=lambda b: -len(b.codes))
    top: list[Block] = []
    for block in ordered:
        parent = None
        for cand in ordered:
            if cand is not block and block.codes < cand.codes and (parent is None or len(cand.codes) < len(parent.codes)):
                parent = cand
        (parent.children if parent else top).append(block)
    return top


@dataclass(frozen=True)
class Sources:
    """The tables every answer draws its targets from (the codebook: for the rule row's default answers)."""

    published: pd.DataFrame
    indicators: pd.DataFrame
    assumptions: pd.DataFrame
    codebook: Codebook | None = None

    def blocks(self, file: str, variable: str) -> list[Block]:
        """A fresh tree of target blocks for one variable (callers may change it)."""
        return collect_blocks(file, variable, self.published, self.indicators, self.assumptions)

    def published_on(self, file: str, variable: str) -> bool:
        """True when the country prints a number of an indicator built on this answer."""
        defs = self.indicators[(self.indicators["file"] == file)
                               & self.indicators["variable"].map(lambda v: variable in v.split("|"))]
        return bool(self.published["indicator_id"].isin(defs["indicator_id"]).any())

    def default_answer(self, file: str, variable: str) -> int | None:
        """The answer every respondent asked gives, under the file's rule row (variable ``*``), or None without one.

        The rule covers a question with no published number and no row of its own. Its answer says that
        nothing happened where the question has such an answer ('No', 'Not selected', 'Never':
        ``NOTHING_HAPPENED``), else it is the question's first answer (a scale's first point); never one
        that opens a follow-up question (a skip rule of the file true for it), nor "don't know" or
        "prefer not to say". So the rule invents no experience, and no question that follows one is asked.
        """
        rule = self.assumptions[(self.assumptions["file"] == file) & (self.assumptions["variable"] == ANY_QUESTION)]
        if rule.empty:
            return None
        if len(rule) != 1 or rule["codes"].iloc[0] != "" or float(rule["value"].iloc[0]) != 100.0:
            raise DataValidationError(f"assumptions.csv: the rule for {file} (variable '*') must be one row with empty "
                                      "codes and value 100 (every respondent asked gives the default answer)")
        if self.codebook is None:
            raise DataValidationError(f"generator: the rule for {file} needs the codebook to find follow-up questions")
        spec = self.codebook.variables(file)
        labels = self.codebook.codes(file, variable)
        codes = list(labels)
        opens = set()
        for rule_text in spec["asked_if"]:
            names = set(NAME.findall(rule_text))
            if variable not in names:
                continue
            probe = pd.DataFrame({n: codes for n in names if n in set(spec["variable"])})
            if set(probe.columns) != {variable}:  # a rule over several answers: any code may open it
                opens.update(codes)
                continue
            opens.update(c for c, asked in zip(codes, asked_mask(probe, rule_text, variable)) if asked)
        free = [c for c in codes if c not in opens and c not in DONT_KNOW_CODES]
        if not free:
            raise DataValidationError(f"generator: {file}.{variable} has no answer that opens no follow-up question; "
                                      "give it a row of its own in assumptions.csv")
        nothing = [c for c in free if labels[c] in NOTHING_HAPPENED]
        return min(nothing or free)


