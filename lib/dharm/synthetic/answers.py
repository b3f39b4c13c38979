"""Answer columns, question by question: single answers, 'any of' groups, unions, exclusive 'no one'.

Each function fills one question (or one group of select-all columns) in place, turning
its target blocks (:mod:`.targets`) into cell probabilities (:mod:`.fitting`) and those
into records (:mod:`.assign`). The group functions exist because the report publishes
shares of *combinations* (any barrier, at least one of four experiences, told no one)
that independent columns would not reproduce.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..io.errors import DataValidationError
from ..io.survey import asked_mask, parse_codes
from .assign import Assigner
from .fitting import fit_cells
from .targets import DONT_KNOW_CODES, Block, Sources


def generate_variable(frame: pd.DataFrame, file: str, var: str, codes: dict, asked_if: str,
                      assigner: Assigner, sources: Sources, tilt: np.ndarray | None = None) -> None:
    """Fill one answer column in place."""
    pool = asked_mask(frame, asked_if, var).to_numpy()
    top = sources.blocks(file, var)
    frame[var] = np.nan
    if not pool.any():
        return
    default = None if top else sources.default_answer(file, var)
    if default is not None:  # nothing published or assumed for this question: the file's rule row answers it
        frame.loc[pool, var] = default
        return
    covered = set().union(*[b.codes for b in top]) if top else set()
    rest = [c for c in codes if c not in covered and c not in DONT_KNOW_CODES] or [c for c in codes if c not in covered]
    if not rest and top and len(top[-1].codes) == 1 and not top[-1].children:
        rest = sorted(top.pop().codes)  # the last block takes whatever share is left
    if len(rest) != 1:
        raise DataValidationError(
            f"generator: {file}.{var} has no target for codes {rest}; add them to assumptions.csv"
        )
    _fill(frame, var, pool, top, rest[0], assigner, tilt)


def generate_any_of(frame: pd.DataFrame, file: str, indicator_id: str, assigner: Assigner,
                    sources: Sources) -> None:
    """Items whose 'any of' share is published (e.g. any barrier, 87%).

    First pick who has at least one, to the published target; then each named item only
    among them; the last item ('other') goes to those with none of the named ones.
    """
    ind = sources.indicators.loc[indicator_id]
    variables = ind.variable.split("|")
    everyone = np.ones(len(frame), bool)
    block = Block(frozenset({1}), {})
    for r in sources.published[(sources.published["indicator_id"] == indicator_id) & sources.published["value"].notna()].itertuples(index=False):
        block.targets.setdefault((r.breakdown, r.group), float(r.value))
    share = fit_cells(block.targets, assigner.cells, assigner.cell_weights(everyone))
    any_mask = assigner.assign(everyone, [share], [None], None, [block.targets])[0]
    named = np.zeros(len(frame), bool)
    for var in variables[:-1]:
        frame[var] = 2.0
        blocks = sources.blocks(file, var)
        for b in blocks:
            b.base = assigner.base_of(b.targets, everyone)
            b.targets = assigner.conditional(b.targets, everyone, any_mask)
            b.universe = None
        sub = Assigner(frame, assigner.rng, assigner.cluster_sd)
        _fill(frame, var, any_mask, blocks, 2, sub, None)
        named |= (frame[var] == 1).to_numpy()
    frame[variables[-1]] = np.where(any_mask & ~named, 1.0, 2.0)


def generate_union(frame: pd.DataFrame, file: str, indicator_id: str, assigner: Assigner,
                   sources: Sources) -> None:
    """Items with published prevalences whose union is published too (e.g. 11% subjected to
    at least one of four clear examples of OCSEA, while the four add up to far more).

    First pick who has at least one item, to the union's targets; then each item only among
    them, to its own targets (counts exact); finally give every member still without an
    item one, taking it from a member who has two or more, so every count is kept.
    """
    ind = sources.indicators.loc[indicator_id]
    variables = ind.variable.split("|")
    everyone = np.ones(len(frame), bool)
    union = sources.blocks(file, ind.variable)
    if len(union) != 1:
        raise DataValidationError(f"generator: the union {indicator_id} needs one target block, found {len(union)}")
    block = union[0]
    share = fit_cells(block.targets, assigner.cells, assigner.cell_weights(everyone))
    members = assigner.assign(everyone, [share], [block.count], None, [block.targets])[0]
    fill_and_cover(frame, file, variables, everyone, members, assigner, sources, indicator_id)


def fill_and_cover(frame: pd.DataFrame, file: str, variables: list[str], base: np.ndarray, members: np.ndarray,
                   assigner: Assigner, sources: Sources, name: str,
                   residual: str | None = None) -> None:
    """Give ``members`` (a subset of ``base``) the items ``variables`` to their targets
    (shares of ``base``), then make sure every member holds at least one item.

    With a ``residual`` item ('someone else'), members left without an item get it.
    Otherwise a member left without an item takes one from a member who holds two or
    more, so published counts are kept; where no such donor exists the item is added.
    """
    if residual is not None:
        frame.loc[base, residual] = 2.0
        frame.loc[members, residual] = 1.0
    for var in variables:
        frame.loc[base, var] = 2.0
        blocks = sources.blocks(file, var)
        for b in blocks:
            universe = base if b.universe in (None, "") or not b.universe else asked_mask(frame, b.universe).to_numpy()
            b.base = assigner.base_of(b.targets, universe)
            extra = []
            for t, u in b.extra:
                extra_universe = base if not u else asked_mask(frame, u).to_numpy()
                for k, v in assigner.base_of(t, extra_universe).items():
                    b.base.setdefault(k, v)
                extra.append((assigner.conditional(t, extra_universe, members), None))
            b.targets = assigner.conditional(b.targets, universe, members)
            b.extra = extra
            b.universe = None
        if blocks:
            _fill(frame, var, members, blocks, 2, assigner, None)
    items = np.array(frame[variables].eq(1).to_numpy(), copy=True)
    if residual is not None:
        frame.loc[members & items.any(axis=1), residual] = 2.0
        return
    w = frame["weight"].to_numpy()
    cells = assigner.cell_of
    for u in np.nonzero(members & ~items.any(axis=1))[0]:
        donors_by_item = [np.nonzero(members & items[:, k] & (items.sum(axis=1) >= 2))[0] for k in range(len(variables))]
        k = int(np.argmax([len(d) for d in donors_by_item]))
        donors = donors_by_item[k]
        items[u, k] = True
        if len(donors):
            same_cell = donors[cells[donors] == cells[u]]
            pool = same_cell if len(same_cell) else donors
            items[pool[np.argmin(np.abs(w[pool] - w[u]))], k] = False
    for k, var in enumerate(variables):
        frame.loc[base, var] = np.where(items[base, k], 1.0, 2.0)


def generate_exclusive_group(frame: pd.DataFrame, file: str, none_variable: str, members_of_group: list[str],
                             assigner: Assigner, sources: Sources, asked_if: str) -> None:
    """A select-all question with an exclusive 'no one' answer (whom did you tell):
    'no one' first, to its targets; then the other answers among those who told someone,
    each of whom names at least one."""
    codes = {1: "Selected", 2: "Not selected"}
    generate_variable(frame, file, none_variable, codes, asked_if, assigner, sources)
    base = asked_mask(frame, asked_if, none_variable).to_numpy()
    told = base & (frame[none_variable] == 2).to_numpy()
    residual = next((v for v in members_of_group if v.endswith("_someone_else")), None)
    named = [v for v in members_of_group if v != residual]
    fill_and_cover(frame, file, named, base, told, assigner, sources, none_variable, residual)


def _fill(frame: pd.DataFrame, var: str, pool: np.ndarray, blocks: list[Block], rest_code: int, assigner: Assigner,
          tilt: np.ndarray | None) -> None:
    """Assign ``blocks`` within ``pool``; the remainder gets ``rest_code`` (None: must be empty)."""
    shares, counts, margin_targets, bases = [], [], [], []
    for block in blocks:
        universe = pool if block.universe is None else asked_mask(frame, block.universe).to_numpy()
        targets = assigner.conditional(block.targets, universe, pool)
        base = dict(block.base) if block.universe is None else assigner.base_of(block.targets, universe)
        for extra_targets, extra_universe in block.extra:
            mask = pool if extra_universe is None else asked_mask(frame, extra_universe).to_numpy()
            extra_base = assigner.base_of(extra_targets, mask) if extra_universe is not None else {}
            for k, v in assigner.conditional(extra_targets, mask, pool).items():
                if k not in targets:
                    targets[k] = v
                    if k in extra_base:
                        base.setdefault(k, extra_base[k])
        if block.count is not None and ("total", "Total") not in targets and pool.any():
            targets[("total", "Total")] = 100.0 * block.count / pool.sum()  # only a count is printed
        shares.append(fit_cells(targets, assigner.cells, assigner.cell_weights(pool)))
        counts.append(block.count)
        margin_targets.append(targets)
        bases.append(base)
    total = sum(shares) if shares else pd.Series(0.0, index=assigner.cells.index)
    if (total > 1).any():
        shares = [s / total.clip(lower=1) for s in shares]
    parts = assigner.assign(pool, shares, counts, tilt, margin_targets, bases)
    taken = np.zeros(len(frame), bool)
    for block, base, part in zip(blocks, bases, parts):
        taken |= part
        if block.children:
            # children's targets are shares of the whole universe; re-express within the parent
            sub_rest = sorted(block.codes - set().union(*[c.codes for c in block.children]))
            parent = block.absolute
            for child in block.children:
                child.targets = {k: min(100.0, 100.0 * v / parent.get(k, parent.get(("total", "Total"), 0)))
                                 for k, v in child.absolute.items() if parent.get(k, parent.get(("total", "Total"), 0))}
                child.universe = None
                child.base = base  # the same published base as the parent's
            if not sub_rest:
                last = block.children.pop()
                sub_rest = sorted(last.codes)
            _fill(frame, var, part, block.children, sub_rest[0], assigner, tilt)
        else:
            frame.loc[part, var] = min(block.codes)
    frame.loc[pool & ~taken, var] = rest_code



def answer_file(frame: pd.DataFrame, file: str, codebook: pd.DataFrame, assigner: Assigner, sources: Sources,
                tilts: dict[str, np.ndarray] | None = None) -> None:
    """Fill every coded answer of one survey file in place, in codebook order.

    ``codebook`` holds that file's rows of the codebook; ``tilts`` maps a variable to a
    shift of the ranking score (a qualitative statement of the report, no number).
    """
    tilts = tilts or {}
    indicators = sources.indicators
    # 'any of' indicators drive generation, except those that only summarise a select-all
    # question with an exclusive 'no one' (e.g. formal reports among whom the child told)
    any_of = {v: i for i, d in indicators.iterrows() if d["file"] == file and "|" in d["variable"]
              and "_told_" not in d["variable"] for v in d["variable"].split("|")}
    done: set[str] = set()
    for row in codebook.itertuples(index=False):
        if row.type != "single" or row.variable in done:
            continue
        if row.variable.endswith("_told_no_one"):  # an exclusive 'no one' and its group
            stem = row.variable[: -len("no_one")]
            group = [v for v in codebook["variable"] if v.startswith(stem) and v != row.variable]
            generate_exclusive_group(frame, file, row.variable, group, assigner, sources, row.asked_if)
            done.update(group)
            continue
        if row.variable in any_of:
            members = indicators.loc[any_of[row.variable], "variable"].split("|")
            every_item_published = all(sources.blocks(file, v) for v in members)
            method = generate_union if every_item_published else generate_any_of
            method(frame, file, any_of[row.variable], assigner, sources)
            done.update(members)
            continue
        generate_variable(frame, file, row.variable, parse_codes(row.codes), row.asked_if, assigner, sources,
                          tilts.get(row.variable))
