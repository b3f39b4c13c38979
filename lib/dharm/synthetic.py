"""Generate the synthetic household-survey microdata, calibrated to the published numbers.

The report's microdata are not public. To let every chapter compute its figures the way
the real analysis would (weights, clusters, strata, skip patterns), this module builds a
record-level stand-in:

1. a design: 100 villages (PSUs) in an urban and a rural stratum, a screening roster of
   2,439 households with their children aged 12-17, and 992 interviewed internet-using
   children (518 boys / 474 girls; 311 / 339 / 342 by age band) with one caregiver each;
2. weights: village weight x number of internet-using children in the household (one was
   chosen), raked to the roster's estimated population of internet users by age, sex, area;
3. answers: question by question, in codebook order. For each answer block the published
   value (or, where the report is silent, a documented assumption from
   ``data/<country>/survey/assumptions.csv``) is turned into a probability for each
   age x sex x area cell by a regularised least-squares fit to every published margin;
   records are then picked inside each cell, ranked by a village effect (so answers
   cluster as in a real survey) and swapped until the weighted share hits the cell target.
   Published counts (for example 92 children who met someone in person) are hit exactly.

Everything is seeded; the same inputs give byte-identical files. Items are generated
independently given age, sex, area and village, so associations *between* questions are
not modelled and must not be analysed.

Run ``python -m dharm.synthetic`` to regenerate ``data/cambodia/survey/*_synthetic.csv``.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .data import (DATA_ROOT, GROUPS, DataValidationError, asked_mask, country_dir, load_codebook,
                   load_indicators, load_published, parse_codes, validate_survey)

CELL_COLUMNS = ("age_group", "sex", "area")
SEED = 20201011  # first day of fieldwork


@dataclass(frozen=True)
class DesignSettings:
    """Sample-design constants. Published ones are marked; the rest are assumptions."""

    n_psus: int = 100  # published
    n_urban_psus: int = 28  # assumption: roughly Cambodia's urban population share
    n_households: int = 2439  # published (footnote 53)
    children_per_household: tuple[float, float, float] = (0.70, 0.25, 0.05)  # assumption: 1, 2, 3 children aged 12-17
    # Published margins (311 / 339 / 342 by age band, 518 boys / 474 girls, 520 aged 15-17);
    # the split by sex within age is proportional, and 14-15 is split by single year so that
    # exactly 520 children are 15-17 (chapter 2 prints 16 of 520).
    sample_quotas: dict = field(default_factory=lambda: {
        ("12-13", "boy"): 162, ("12-13", "girl"): 149,
        ("14", "boy"): 84, ("14", "girl"): 77,
        ("15", "boy"): 93, ("15", "girl"): 85,
        ("16-17", "boy"): 179, ("16-17", "girl"): 163,
    })
    age_band_shares: tuple[float, float, float] = (0.37, 0.33, 0.30)  # assumption: makes 72/84/91% average to the published 81%
    population_12_17: float = 1_800_000  # assumption: approximate national population aged 12-17 (see assumptions.csv)
    psu_weight_sd: float = 0.25  # assumption: spread of log village weights
    cluster_sd: float = 0.6  # assumption: strength of the village effect on answers


def age_group(age: np.ndarray) -> np.ndarray:
    return np.where(age <= 13, "12-13", np.where(age <= 15, "14-15", "16-17"))


def age_split(age_band: np.ndarray) -> np.ndarray:
    """12-15 against 16-17, as chapter 2 sometimes prints."""
    return np.where(np.asarray(age_band) == "16-17", "16-17", "12-15")


def quota_key(age: int, band: str) -> str:
    return str(age) if band == "14-15" else band


# ------------------------------------------------------------------ targets
def load_assumptions(country: str = "cambodia", data_root: Path | None = None) -> pd.DataFrame:
    """The one file that lists every value the generator needs but the report does not publish."""
    path = country_dir(country, data_root) / "survey" / "assumptions.csv"
    if not path.is_file():
        raise DataValidationError(f"{path}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("file", "variable", "codes", "breakdown", "group", "value", "reason"):
        if col not in frame.columns:
            raise DataValidationError(f"{path}: missing column {col!r}")
    frame = frame[frame["file"] != "design"].reset_index(drop=True)  # design rows document DesignSettings
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.breakdown not in GROUPS or row.group not in GROUPS[row.breakdown]:
            raise DataValidationError(f"{path}, row {i}, column 'group': {row.group!r} is not a group of {row.breakdown!r}")
        if row.reason.strip() == "":
            raise DataValidationError(f"{path}, row {i}, column 'reason': every assumption needs a reason")
        try:
            float(row.value)
        except ValueError:
            raise DataValidationError(f"{path}, row {i}, column 'value': {row.value!r} is not a number") from None
    frame["value"] = frame["value"].astype(float)
    return frame


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


# ------------------------------------------------------------------ fitting
def fit_cells(targets: dict, cells: pd.DataFrame, weight_by_cell: pd.Series) -> pd.Series:
    """Cell probabilities (0-1) that reproduce every target margin as closely as possible.

    Regularised least squares: margins weigh 1,000 times the pull towards a smooth
    prior built from the total and the one-way margins.
    """
    total = targets.get(("total", "Total"))
    if total is None:
        margins = [v for v in targets.values()]
        total = float(np.mean(margins)) if margins else 0.0
    prior = np.full(len(cells), total / 100.0)
    for i, cell in enumerate(cells.itertuples(index=False)):
        p = total / 100.0
        for dim in CELL_COLUMNS:
            t = targets.get((dim, getattr(cell, dim)))
            if t is not None and total > 0:
                p *= (t / total)
            elif t is not None:
                p = t / 100.0
        prior[i] = min(max(p, 0.0), 1.0)
    rows, rhs = [], []
    w = weight_by_cell.to_numpy()
    for (breakdown, group), value in targets.items():
        mask = np.ones(len(cells), bool) if breakdown == "total" else (cells[breakdown] == group).to_numpy()
        if w[mask].sum() == 0:
            continue
        importance = 3.0 if breakdown == "total" else 1.0  # totals have the tighter tolerance
        rows.append(importance * np.where(mask, w, 0.0) / w[mask].sum())
        rhs.append(importance * value / 100.0)
    a = np.vstack([np.sqrt(1000.0) * np.array(rows), np.eye(len(cells))]) if rows else np.eye(len(cells))
    b = np.concatenate([np.sqrt(1000.0) * np.array(rhs), prior]) if rows else prior
    p = np.linalg.lstsq(a, b, rcond=None)[0]
    return pd.Series(np.clip(p, 0.0, 1.0), index=cells.index)


def _pick(weights: np.ndarray, score: np.ndarray, k: int, target: float) -> np.ndarray:
    """Choose k records (best scores first), then swap to bring their weight sum near target."""
    order = np.argsort(-score, kind="stable")
    chosen = np.zeros(len(weights), bool)
    chosen[order[:k]] = True
    for _ in range(50):
        gap = target - weights[chosen].sum()
        if k == 0 or k == len(weights) or abs(gap) < 1e-9:
            break
        inside, outside = np.nonzero(chosen)[0], np.nonzero(~chosen)[0]
        delta = weights[outside][None, :] - weights[inside][:, None]
        err = np.abs(gap - delta)
        i, j = np.unravel_index(np.argmin(err), err.shape)
        if err[i, j] >= abs(gap) - 1e-12:
            break
        chosen[inside[i]], chosen[outside[j]] = False, True
    return chosen


class Assigner:
    """Assigns answer codes to records so weighted shares meet their cell targets."""

    def __init__(self, frame: pd.DataFrame, rng: np.random.Generator, cluster_sd: float):
        self.frame = frame
        self.rng = rng
        self.cluster_sd = cluster_sd
        self.cells = frame[list(CELL_COLUMNS)].drop_duplicates().sort_values(list(CELL_COLUMNS)).reset_index(drop=True)
        self.cells["age_split"] = age_split(self.cells["age_group"])
        self.cell_of = frame.merge(self.cells.reset_index(), on=list(CELL_COLUMNS), how="left")["index"].to_numpy()

    def _cell_weights(self, mask: np.ndarray) -> pd.Series:
        w = self.frame["weight"].to_numpy()
        return pd.Series(np.bincount(self.cell_of[mask], weights=w[mask], minlength=len(self.cells)), index=self.cells.index)

    def conditional(self, targets: dict, universe: np.ndarray, pool: np.ndarray) -> dict:
        """Re-express targets on ``universe`` as targets on ``pool`` (the records asked)."""
        if universe.sum() == pool.sum():
            return dict(targets)
        w = self.frame["weight"].to_numpy()
        out = {}
        for (breakdown, group), value in targets.items():
            sel = np.ones(len(w), bool) if breakdown == "total" else (self.frame[breakdown] == group).to_numpy()
            wp = w[pool & sel].sum()
            out[(breakdown, group)] = min(100.0, value * w[universe & sel].sum() / wp) if wp > 0 else 0.0
        return out

    def assign(self, pool: np.ndarray, shares: list, counts: list, tilt: np.ndarray | None = None,
               margin_targets: list | None = None) -> list[np.ndarray]:
        """Split ``pool`` into len(shares) disjoint parts with the given cell probabilities.

        After the cell-by-cell pick, each part is calibrated on its margins (``margin_targets``,
        percent of the pool): greedy swaps that bring every weighted margin closer.
        """
        w = self.frame["weight"].to_numpy()
        psu_codes, psu_index = np.unique(self.frame["psu"].to_numpy(), return_inverse=True)
        remaining = pool.copy()
        parts = []
        left = pd.Series(1.0, index=self.cells.index)
        for b, (probs, count) in enumerate(zip(shares, counts)):
            cond = (probs / left.where(left > 1e-12, 1.0)).clip(0, 1)
            effect = self.rng.normal(0.0, self.cluster_sd, len(psu_codes))[psu_index]
            score = effect + self.rng.normal(0.0, 1.0, len(w)) + (tilt if tilt is not None else 0.0)
            cell_w = self._cell_weights(remaining)
            want = cond * cell_w
            ks = {}
            for c in self.cells.index:
                members = remaining & (self.cell_of == c)
                mean_w = w[members].mean() if members.any() else 1.0
                ks[c] = (want[c] / mean_w) if members.any() else 0.0
            k_int = {c: int(np.floor(v + 0.5)) for c, v in ks.items()}
            if count is not None:  # hit a published count exactly
                diff = count - sum(k_int.values())
                if diff > int(remaining.sum()) - sum(k_int.values()):
                    raise DataValidationError(f"generator: a published count of {count} exceeds the {int(remaining.sum())} records asked")
                while diff != 0:  # one record at a time, where rounding left the most (or least) room
                    frac = sorted(self.cells.index, key=lambda c: -(ks[c] - k_int[c]) if diff > 0 else (ks[c] - k_int[c]))
                    for c in frac:
                        size = int((remaining & (self.cell_of == c)).sum())
                        if diff > 0 and k_int[c] < size:
                            k_int[c] += 1; diff -= 1; ks[c] -= 1
                            break
                        if diff < 0 and k_int[c] > 0:
                            k_int[c] -= 1; diff += 1; ks[c] += 1
                            break
            part = np.zeros(len(w), bool)
            for c in self.cells.index:
                members = np.nonzero(remaining & (self.cell_of == c))[0]
                k = min(k_int[c], len(members))
                picked = _pick(w[members], score[members], k, float(want[c]))
                part[members[picked]] = True
            if margin_targets is not None:
                part = self.calibrate(part, remaining, pool, margin_targets[b], count)
            parts.append(part)
            remaining &= ~part
            left = (left - probs).clip(lower=0)
        return parts


    def calibrate(self, part: np.ndarray, candidates: np.ndarray, pool: np.ndarray, targets: dict,
                  count: int | None, max_iter: int = 300, sample: int = 200) -> np.ndarray:
        """Greedy swaps (and, without a fixed count, additions or removals) that reduce the
        weighted squared error over all target margins; totals weigh ten times more."""
        if not targets:
            return part
        w = self.frame["weight"].to_numpy()
        cols, goal, imp = [], [], []
        for (breakdown, group), value in targets.items():
            sel = pool if breakdown == "total" else pool & (self.frame[breakdown] == group).to_numpy()
            if w[sel].sum() == 0:
                continue
            cols.append(np.where(sel, w, 0.0) / w[sel].sum())
            goal.append(value / 100.0)
            # groups under 50 records are reported as counts, so their margins matter less
            imp.append(10.0 if breakdown == "total" else (1.0 if sel.sum() >= 50 else 0.2))
        contrib = np.array(cols).T  # records x margins: share each record adds
        goal, imp = np.array(goal), np.array(imp)
        part = part.copy()
        for _ in range(max_iter):
            err = contrib[part].sum(axis=0) - goal
            if np.max(np.abs(err)) < 0.0005:
                break
            inside = np.nonzero(part)[0]
            outside = np.nonzero(candidates & ~part)[0]
            if len(inside) > sample:
                inside = self.rng.choice(inside, sample, replace=False)
            if len(outside) > sample:
                outside = self.rng.choice(outside, sample, replace=False)
            loss0 = float((imp * err**2).sum())
            best, move = loss0, None
            if len(inside) and len(outside):
                delta = contrib[outside][None, :, :] - contrib[inside][:, None, :]
                loss = ((err + delta) ** 2 * imp).sum(axis=2)
                i, j = np.unravel_index(np.argmin(loss), loss.shape)
                if loss[i, j] < best - 1e-12:
                    best, move = loss[i, j], ("swap", inside[i], outside[j])
            if count is None:
                if len(outside):
                    loss = ((err + contrib[outside]) ** 2 * imp).sum(axis=1)
                    j = int(np.argmin(loss))
                    if loss[j] < best - 1e-12:
                        best, move = loss[j], ("add", None, outside[j])
                if len(inside):
                    loss = ((err - contrib[inside]) ** 2 * imp).sum(axis=1)
                    i = int(np.argmin(loss))
                    if loss[i] < best - 1e-12:
                        best, move = loss[i], ("drop", inside[i], None)
            if move is None:
                break
            kind, i, j = move
            if i is not None:
                part[i] = False
            if j is not None:
                part[j] = True
        return part


def generate_variable(frame: pd.DataFrame, file: str, var: str, codes: dict, asked_if: str,
                      assigner: Assigner, published, indicators, assumptions, tilt=None) -> None:
    """Fill one answer column in place."""
    pool = asked_mask(frame, asked_if, file, var).to_numpy()
    top = collect_blocks(file, var, published, indicators, assumptions)
    frame[var] = np.nan
    if not pool.any():
        return
    covered = set().union(*[b.codes for b in top]) if top else set()
    rest = [c for c in codes if c not in covered and c not in (8, 9)] or [c for c in codes if c not in covered]
    if not rest and top and len(top[-1].codes) == 1 and not top[-1].children:
        rest = sorted(top.pop().codes)  # the last block takes whatever share is left
    if len(rest) != 1:
        raise DataValidationError(
            f"generator: {file}.{var} has no target for codes {rest}; add them to assumptions.csv"
        )
    _fill(frame, var, pool, top, rest[0], assigner, tilt)


def generate_any_of(frame: pd.DataFrame, file: str, indicator_id: str, assigner: Assigner,
                    published, indicators, assumptions) -> None:
    """Items whose 'any of' share is published (e.g. any barrier, 87%).

    First pick who has at least one, to the published target; then each named item only
    among them; the last item ('other') goes to those with none of the named ones.
    """
    ind = indicators.loc[indicator_id]
    variables = ind.variable.split("|")
    everyone = np.ones(len(frame), bool)
    block = Block(frozenset({1}), {})
    for r in published[(published["indicator_id"] == indicator_id) & published["value"].notna()].itertuples(index=False):
        block.targets.setdefault((r.breakdown, r.group), float(r.value))
    share = fit_cells(block.targets, assigner.cells, assigner._cell_weights(everyone))
    any_mask = assigner.assign(everyone, [share], [None], None, [block.targets])[0]
    named = np.zeros(len(frame), bool)
    for var in variables[:-1]:
        frame[var] = 2.0
        blocks = collect_blocks(file, var, published, indicators, assumptions)
        for b in blocks:
            b.targets = assigner.conditional(b.targets, everyone, any_mask)
            b.universe = None
        sub = Assigner(frame, assigner.rng, assigner.cluster_sd)
        _fill(frame, var, any_mask, blocks, 2, sub, None)
        named |= (frame[var] == 1).to_numpy()
    frame[variables[-1]] = np.where(any_mask & ~named, 1.0, 2.0)


def generate_union(frame: pd.DataFrame, file: str, indicator_id: str, assigner: Assigner,
                   published, indicators, assumptions) -> None:
    """Items with published prevalences whose union is published too (e.g. 11% subjected to
    at least one of four clear examples of OCSEA, while the four add up to far more).

    First pick who has at least one item, to the union's targets; then each item only among
    them, to its own targets (counts exact); finally give every member still without an
    item one, taking it from a member who has two or more, so every count is kept.
    """
    ind = indicators.loc[indicator_id]
    variables = ind.variable.split("|")
    everyone = np.ones(len(frame), bool)
    union = collect_blocks(file, ind.variable, published, indicators, assumptions)
    if len(union) != 1:
        raise DataValidationError(f"generator: the union {indicator_id} needs one target block, found {len(union)}")
    block = union[0]
    share = fit_cells(block.targets, assigner.cells, assigner._cell_weights(everyone))
    members = assigner.assign(everyone, [share], [block.count], None, [block.targets])[0]
    fill_and_cover(frame, file, variables, everyone, members, assigner, published, indicators, assumptions, indicator_id)


def fill_and_cover(frame: pd.DataFrame, file: str, variables: list[str], base: np.ndarray, members: np.ndarray,
                   assigner: Assigner, published, indicators, assumptions, name: str,
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
        blocks = collect_blocks(file, var, published, indicators, assumptions)
        for b in blocks:
            universe = base if b.universe in (None, "") or not b.universe else asked_mask(frame, b.universe).to_numpy()
            b.targets = assigner.conditional(b.targets, universe, members)
            b.extra = [(assigner.conditional(t, base if not u else asked_mask(frame, u).to_numpy(), members), None)
                       for t, u in b.extra]
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
                             assigner: Assigner, published, indicators, assumptions, asked_if: str) -> None:
    """A select-all question with an exclusive 'no one' answer (whom did you tell):
    'no one' first, to its targets; then the other answers among those who told someone,
    each of whom names at least one."""
    codes = {1: "Selected", 2: "Not selected"}
    generate_variable(frame, file, none_variable, codes, asked_if, assigner, published, indicators, assumptions)
    base = asked_mask(frame, asked_if, file, none_variable).to_numpy()
    told = base & (frame[none_variable] == 2).to_numpy()
    residual = next((v for v in members_of_group if v.endswith("_someone_else")), None)
    named = [v for v in members_of_group if v != residual]
    fill_and_cover(frame, file, named, base, told, assigner, published, indicators, assumptions, none_variable, residual)


def _fill(frame, var, pool, blocks, rest_code, assigner, tilt):
    """Assign ``blocks`` within ``pool``; the remainder gets ``rest_code`` (None: must be empty)."""
    shares, counts, margin_targets = [], [], []
    for block in blocks:
        universe = pool if block.universe is None else asked_mask(frame, block.universe).to_numpy()
        targets = assigner.conditional(block.targets, universe, pool)
        for extra_targets, extra_universe in block.extra:
            mask = pool if extra_universe is None else asked_mask(frame, extra_universe).to_numpy()
            for k, v in assigner.conditional(extra_targets, mask, pool).items():
                targets.setdefault(k, v)
        if block.count is not None and ("total", "Total") not in targets and pool.any():
            targets[("total", "Total")] = 100.0 * block.count / pool.sum()  # only a count is printed
        shares.append(fit_cells(targets, assigner.cells, assigner._cell_weights(pool)))
        counts.append(block.count)
        margin_targets.append(targets)
    total = sum(shares) if shares else pd.Series(0.0, index=assigner.cells.index)
    if (total > 1).any():
        shares = [s / total.clip(lower=1) for s in shares]
    parts = assigner.assign(pool, shares, counts, tilt, margin_targets)
    taken = np.zeros(len(frame), bool)
    for block, part in zip(blocks, parts):
        taken |= part
        if block.children:
            # children's targets are shares of the whole universe; re-express within the parent
            sub_rest = sorted(block.codes - set().union(*[c.codes for c in block.children]))
            parent = block.absolute
            for child in block.children:
                child.targets = {k: min(100.0, 100.0 * v / parent.get(k, parent.get(("total", "Total"), 0)))
                                 for k, v in child.absolute.items() if parent.get(k, parent.get(("total", "Total"), 0))}
                child.universe = None
            if not sub_rest:
                last = block.children.pop()
                sub_rest = sorted(last.codes)
            _fill(frame, var, part, block.children, sub_rest[0], assigner, tilt)
        else:
            frame.loc[part, var] = min(block.codes)
    frame.loc[pool & ~taken, var] = rest_code


# ------------------------------------------------------------------ design
def build_design(rng: np.random.Generator, s: DesignSettings, published, indicators, assumptions, data_root=None):
    """Villages, roster and the interviewed sample, with weights."""
    psu_ids = [f"V{i:03d}" for i in range(1, s.n_psus + 1)]
    stratum = np.array(["urban"] * s.n_urban_psus + ["rural"] * (s.n_psus - s.n_urban_psus))
    psu_weight = np.exp(rng.normal(0, s.psu_weight_sd, s.n_psus))
    hh_psu = np.sort(np.arange(s.n_households) % s.n_psus)
    n_kids = rng.choice([1, 2, 3], size=s.n_households, p=list(s.children_per_household))
    rows = []
    for h in range(s.n_households):
        for _ in range(n_kids[h]):
            rows.append((h, hh_psu[h]))
    hh, psu = np.array(rows).T
    n = len(hh)
    age = rng.choice(np.arange(12, 18), n, p=np.repeat(s.age_band_shares, 2) / 2)
    roster = pd.DataFrame({
        "roster_id": [f"R{i:05d}" for i in range(1, n + 1)],
        "household_id": [f"H{h + 1:05d}" for h in hh],
        "psu": [psu_ids[p] for p in psu],
        "stratum": stratum[psu],
        "weight": psu_weight[psu],
        "area": stratum[psu],
        "age": age,
        "age_group": age_group(age),
        "sex": rng.choice(["boy", "girl"], n),
    })
    roster["age_split"] = age_split(roster["age_group"])
    roster["weight"] *= s.population_12_17 / roster["weight"].sum()
    assigner = Assigner(roster, rng, s.cluster_sd)
    codes = parse_codes(load_codebook(data_root).table.query("variable == 'used_internet_3m'")["codes"].iloc[0])
    generate_variable(roster, "household_roster", "used_internet_3m", codes, "", assigner, published, indicators, assumptions)

    # interviewed sample: one internet user per household, quotas by age x sex
    users = roster[roster["used_internet_3m"] == 1]
    chosen_in_hh = users.sample(frac=1.0, random_state=rng.integers(2**31)).drop_duplicates("household_id")
    n_users_hh = users.groupby("household_id").size()
    candidates = chosen_in_hh.sample(frac=1.0, random_state=rng.integers(2**31))
    quota = dict(s.sample_quotas)
    per_psu: dict[str, int] = {}
    picked: list[int] = []
    cap = 10
    while sum(quota.values()) > 0:
        for idx, row in candidates.iterrows():
            key = (quota_key(row["age"], row["age_group"]), row["sex"])
            if idx in picked or quota.get(key, 0) == 0 or per_psu.get(row["psu"], 0) >= cap:
                continue
            picked.append(idx)
            quota[key] -= 1
            per_psu[row["psu"]] = per_psu.get(row["psu"], 0) + 1
        cap += 1
        if cap > 60:
            raise RuntimeError("generator: not enough internet users in the roster to fill the sample quotas")
    children = roster.loc[picked].sort_values(["psu", "household_id"]).reset_index(drop=True)
    children.insert(0, "child_id", [f"C{i:04d}" for i in range(1, len(children) + 1)])
    roster["interviewed_child_id"] = ""
    roster.loc[roster["roster_id"].isin(children["roster_id"]), "interviewed_child_id"] = (
        roster.loc[roster["roster_id"].isin(children["roster_id"]), "roster_id"].map(dict(zip(children["roster_id"], children["child_id"]))))
    children["weight"] = children["weight"] * children["household_id"].map(n_users_hh).to_numpy()
    children["weight"] = rake(children, roster[roster["used_internet_3m"] == 1], ["age_group", "sex", "area"])
    return roster, children.drop(columns=["roster_id", "used_internet_3m"])


def rake(sample: pd.DataFrame, population: pd.DataFrame, margins: list[str], iterations: int = 100) -> np.ndarray:
    """Iterative proportional fitting of sample weights to population weight totals."""
    w = sample["weight"].to_numpy().astype(float).copy()
    for _ in range(iterations):
        for col in margins:
            target = population.groupby(col)["weight"].sum()
            current = pd.Series(w).groupby(sample[col].to_numpy()).sum()
            w *= sample[col].map(target / current).to_numpy()
    return w


def caregiver_frame(children: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One caregiver per child; caregiver sex and age are assumptions (see assumptions.csv)."""
    n = len(children)
    out = children[["child_id", "household_id", "psu", "stratum", "weight", "area", "age_group", "sex"]].copy()
    out.insert(0, "caregiver_id", [f"G{i:04d}" for i in range(1, n + 1)])
    out["cg_sex"] = rng.choice(["female", "male"], n, p=[0.7, 0.3])
    out["cg_age_group"] = rng.choice(["18-29", "30-39", "40-49", "50+"], n, p=[0.1, 0.35, 0.35, 0.2])
    return out


# Qualitative statements of the report honoured through the ranking of records
# (no numbers are published for them): caregivers aged 50+ are far less likely, and
# female caregivers somewhat less likely, to use the internet (section 1.1).
def caregiver_internet_tilt(frame: pd.DataFrame) -> np.ndarray:
    return -1.5 * (frame["cg_age_group"] == "50+").to_numpy() - 0.4 * (frame["cg_sex"] == "female").to_numpy()


def generate(country: str = "cambodia", seed: int = SEED, settings: DesignSettings | None = None,
             data_root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Build all three synthetic files in memory (validated against the codebook)."""
    s = settings or DesignSettings()
    rng = np.random.default_rng(seed)
    published = load_published(country, data_root)
    indicators = load_indicators(data_root)
    assumptions = load_assumptions(country, data_root)
    codebook = load_codebook(data_root)
    roster, children = build_design(rng, s, published, indicators, assumptions, data_root)
    caregivers = caregiver_frame(children, rng)
    frames = {"household_roster": roster, "children": children, "caregivers": caregivers}
    for file in ("children", "caregivers"):
        answers = [v for v in codebook.variables(file).query("type == 'single'")["variable"] if v not in frames[file]]
        frame = pd.concat([frames[file], pd.DataFrame(np.nan, index=frames[file].index, columns=answers)], axis=1)
        frames[file] = frame
        assigner = Assigner(frame, rng, s.cluster_sd)
        # 'any of' indicators drive generation, except those that only summarise a select-all
        # question with an exclusive 'no one' (e.g. formal reports among whom the child told)
        any_of = {v: i for i, d in indicators.iterrows() if d["file"] == file and "|" in d["variable"]
                  and "_told_" not in d["variable"] for v in d["variable"].split("|")}
        done: set[str] = set()
        for row in codebook.variables(file).itertuples(index=False):
            if row.type != "single" or row.variable in done:
                continue
            if row.variable.endswith("_told_no_one"):  # an exclusive 'no one' and its group
                stem = row.variable[: -len("no_one")]
                group = [v for v in codebook.variables(file)["variable"] if v.startswith(stem) and v != row.variable]
                generate_exclusive_group(frame, file, row.variable, group, assigner, published, indicators, assumptions, row.asked_if)
                done.update(group)
                continue
            if row.variable in any_of:
                members = indicators.loc[any_of[row.variable], "variable"].split("|")
                every_item_published = all(collect_blocks(file, v, published, indicators, assumptions) for v in members)
                method = generate_union if every_item_published else generate_any_of
                method(frame, file, any_of[row.variable], assigner, published, indicators, assumptions)
                done.update(indicators.loc[any_of[row.variable], "variable"].split("|"))
                continue
            tilt = None
            if row.variable == "cg_freq_internet":
                tilt = caregiver_internet_tilt(frame)
            generate_variable(frame, file, row.variable, parse_codes(row.codes), row.asked_if, assigner,
                              published, indicators, assumptions, tilt)
    out = {}
    for file, frame in frames.items():
        frame = frame[list(codebook.variables(file)["variable"])].copy()
        frame["synthetic"] = True
        frame["weight"] = frame["weight"].round(4)
        out[file] = frame
    return out


def write(frames: dict[str, pd.DataFrame], country: str = "cambodia", data_root: Path | None = None) -> list[Path]:
    """Write every file to a temporary name first, then move them all into place."""
    folder = country_dir(country, data_root) / "survey"
    codebook = load_codebook(data_root)
    tmp_paths = []
    for file, frame in frames.items():
        path = folder / f"{file}_synthetic.csv"
        tmp = path.with_suffix(".csv.tmp")
        out = frame.copy()
        for col in out.columns:
            if out[col].dtype.kind == "f" and col != "weight":
                out[col] = out[col].astype("Int64")
        out.to_csv(tmp, index=False, lineterminator="\n")
        tmp_paths.append((tmp, path))
    try:  # validate every file before any of them replaces the committed data
        for (tmp, path), file in zip(tmp_paths, frames):
            validate_survey(pd.read_csv(tmp, dtype=str, keep_default_na=False), codebook.variables(file), tmp)
    except DataValidationError:
        for tmp, _ in tmp_paths:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in tmp_paths:
        tmp.replace(path)
    return [p for _, p in tmp_paths]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--country", default="cambodia")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    for path in write(generate(args.country, args.seed), args.country):
        print(f"wrote {path.relative_to(DATA_ROOT.parent)}")


if __name__ == "__main__":
    main()


def calibration_inputs(published: pd.DataFrame, country: str = "cambodia") -> pd.DataFrame:
    """Per survey file: how many published numbers the generator fits and how many values it assumes."""
    assumptions = load_assumptions(country)
    fitted = published[published["value"].notna() & ~published["indicator_id"].str.startswith("sample_")]
    files = {"children": "children", "caregivers": "caregivers", "household roster": "household_roster"}
    rows = []
    for respondent, file in files.items():
        rows.append({"file": file,
                     "published numbers fitted": int((fitted["respondent"] == respondent).sum()),
                     "assumed values": int((assumptions["file"] == file).sum())})
    rows.append({"file": "design", "published numbers fitted": int(published["indicator_id"].str.startswith("sample_").sum()),
                 "assumed values": len(design_assumptions(country))})
    return pd.DataFrame(rows)


def design_assumptions(country: str = "cambodia") -> pd.DataFrame:
    """The design constants the report does not publish (villages' spread, cluster effect, population)."""
    path = country_dir(country) / "survey" / "assumptions.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame.loc[frame["file"] == "design", ["variable", "value", "reason"]].reset_index(drop=True)
