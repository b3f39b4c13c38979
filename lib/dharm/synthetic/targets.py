"""What each answer must reproduce: published numbers first, documented assumptions filling gaps.

For one survey variable, every indicator built on it contributes its published values
(percent of a base, or an exact count); the answer rows of ``assumptions.csv`` add what
the report does not print. The result is a tree of :class:`Block` objects: a set of answer
codes with its targets, nested where one indicator counts a subset of another's codes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .settings import read_assumptions


def load_assumptions(country: str = "cambodia", data_root: Path | str | None = None) -> pd.DataFrame:
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
                targets.setdefault((r.breakdown, r.group), float(r.value))
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
    """The three tables every answer draws its targets from."""

    published: pd.DataFrame
    indicators: pd.DataFrame
    assumptions: pd.DataFrame

    def blocks(self, file: str, variable: str) -> list[Block]:
        """A fresh tree of target blocks for one variable (callers may change it)."""
        return collect_blocks(file, variable, self.published, self.indicators, self.assumptions)


