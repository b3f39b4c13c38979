"""Giving answers to records so that weighted shares meet their targets, cell by cell.

Within each age x sex x area cell, records are ranked by a score (a village effect plus
noise, so that answers cluster by village as in a real survey) and the best-ranked take
the answer; swaps then bring the weighted share to the cell's target, and greedy swaps
across cells bring every published margin within reach. Published counts are hit exactly.

Every decision here rests on basic floating-point operations (add, multiply, divide,
compare, absolute value, maximum) on weights already rounded to 4 decimals, and on sums
taken in a fixed order, which IEEE 754 makes identical on every machine; no BLAS, LAPACK
or transcendental function is called.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..config import TOLERANCE_GROUP, TOLERANCE_TOTAL
from ..io.errors import DataValidationError
from .settings import CELL_COLUMNS, age_split

PICK_MAX_SWAPS = 50  # swaps per cell to bring the picked records' weight near the cell's target
PICK_GAP = 1e-9  # a weight gap below this is closed
IMPROVEMENT = 1e-12  # a swap must improve the error by more than this (no churning on ties)
EMPTY_SHARE = 1e-12  # a cell with less share than this left is treated as empty
CALIBRATE_MAX_ITER = 300  # greedy calibration moves per answer block
CALIBRATE_SAMPLE = 200  # records inside / outside the block considered per move (random subsets)
CALIBRATE_CLOSE = 0.0005  # stop once every margin is within 0.05 percentage points
TOTAL_WEIGHT = 10.0  # in calibration a total's squared error weighs 10x a group's
GROUP_WEIGHT = 1.0  # a group of SMALL_GROUP records or more
SMALL_GROUP_WEIGHT = 0.2  # groups under SMALL_GROUP records are reported as counts, so they matter less
SMALL_GROUP = 50  # the report's small-base rule
# Calibration's aim for the margins the book tests: a total within AIM_TOTAL points and a
# group of SMALL_GROUP records or more within AIM_GROUP points, safely inside the book's
# tolerances (0.5 and 1 point, see the ledger). Errors beyond the aim cost HINGE_WEIGHT
# times their square on top, so calibration never trades a tested margin out of reach for
# a closer total. The aims hold on the published base; see Assigner.calibrate for how
# they carry over to the records the targets are assigned among.
AIM_SHARE = 0.8  # the aims are this share of the ledger's tolerances
AIM_TOTAL = AIM_SHARE * TOLERANCE_TOTAL
AIM_GROUP = AIM_SHARE * TOLERANCE_GROUP
HINGE_WEIGHT = 1000.0


def pick(weights: np.ndarray, score: np.ndarray, k: int, target: float) -> np.ndarray:
    """Choose k records (best scores first), then swap to bring their weight sum near target."""
    order = np.argsort(-score, kind="stable")
    chosen = np.zeros(len(weights), bool)
    chosen[order[:k]] = True
    for _ in range(PICK_MAX_SWAPS):
        gap = target - weights[chosen].sum()
        if k == 0 or k == len(weights) or abs(gap) < PICK_GAP:
            break
        inside, outside = np.nonzero(chosen)[0], np.nonzero(~chosen)[0]
        delta = weights[outside][None, :] - weights[inside][:, None]
        err = np.abs(gap - delta)
        i, j = np.unravel_index(np.argmin(err), err.shape)
        if err[i, j] >= abs(gap) - IMPROVEMENT:
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

    def cell_weights(self, mask: np.ndarray) -> pd.Series:
        """Weight of the records in ``mask``, per cell."""
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

    def base_of(self, keys, universe: np.ndarray) -> dict:
        """Records and weight of each target's group in ``universe``: the base a published share is of."""
        w = self.frame["weight"].to_numpy()
        out = {}
        for breakdown, group in keys:
            sel = universe if breakdown == "total" else universe & (self.frame[breakdown] == group).to_numpy()
            out[(breakdown, group)] = (int(sel.sum()), float(w[sel].sum()))
        return out

    def assign(self, pool: np.ndarray, shares: list, counts: list, tilt: np.ndarray | None = None,
               margin_targets: list | None = None, bases: list | None = None) -> list[np.ndarray]:
        """Split ``pool`` into len(shares) disjoint parts with the given cell probabilities.

        After the cell-by-cell pick, each part is calibrated on its margins (``margin_targets``,
        percent of the pool; ``bases``, the published base of each, see :meth:`calibrate`):
        greedy swaps that bring every weighted margin closer.
        """
        w = self.frame["weight"].to_numpy()
        psu_codes, psu_index = np.unique(self.frame["psu"].to_numpy(), return_inverse=True)
        remaining = pool.copy()
        parts = []
        left = pd.Series(1.0, index=self.cells.index)
        for b, (probs, count) in enumerate(zip(shares, counts)):
            cond = (probs / left.where(left > EMPTY_SHARE, 1.0)).clip(0, 1)
            effect = self.rng.normal(0.0, self.cluster_sd, len(psu_codes))[psu_index]
            score = effect + self.rng.normal(0.0, 1.0, len(w)) + (tilt if tilt is not None else 0.0)
            cell_w = self.cell_weights(remaining)
            want = cond * cell_w
            ks = {}
            for c in self.cells.index:
                members = remaining & (self.cell_of == c)
                ks[c] = (want[c] / w[members].mean()) if members.any() else 0.0
            k_int = {c: int(np.floor(v + 0.5)) for c, v in ks.items()}
            if count is not None:
                self._hit_count(count, remaining, ks, k_int)
            part = np.zeros(len(w), bool)
            for c in self.cells.index:
                members = np.nonzero(remaining & (self.cell_of == c))[0]
                k = min(k_int[c], len(members))
                picked = pick(w[members], score[members], k, float(want[c]))
                part[members[picked]] = True
            if margin_targets is not None:
                part = self.calibrate(part, remaining, pool, margin_targets[b], count, bases[b] if bases else None)
            parts.append(part)
            remaining &= ~part
            left = (left - probs).clip(lower=0)
        return parts

    def _hit_count(self, count: int, remaining: np.ndarray, ks: dict, k_int: dict) -> None:
        """Adjust the records per cell (in place) so they add up to a published count exactly:
        one record at a time, where rounding left the most (or least) room."""
        diff = count - sum(k_int.values())
        if diff > int(remaining.sum()) - sum(k_int.values()):
            raise DataValidationError(f"generator: a published count of {count} exceeds the {int(remaining.sum())} records asked")
        while diff != 0:
            frac = sorted(self.cells.index, key=lambda c: -(ks[c] - k_int[c]) if diff > 0 else (ks[c] - k_int[c]))
            for c in frac:
                size = int((remaining & (self.cell_of == c)).sum())
                if diff > 0 and k_int[c] < size:
                    k_int[c] += 1
                    diff -= 1
                    ks[c] -= 1
                    break
                if diff < 0 and k_int[c] > 0:
                    k_int[c] -= 1
                    diff += 1
                    ks[c] += 1
                    break

    def calibrate(self, part: np.ndarray, candidates: np.ndarray, pool: np.ndarray, targets: dict,
                  count: int | None, base: dict | None = None, max_iter: int = CALIBRATE_MAX_ITER,
                  sample: int = CALIBRATE_SAMPLE) -> np.ndarray:
        """Greedy swaps (and, without a fixed count, additions or removals) that reduce the
        weighted squared error over all target margins; totals weigh ``TOTAL_WEIGHT`` times more.

        ``base`` gives, per margin, the records and weight of its group in the published base
        (the targets may have been moved to a smaller pool, e.g. the children who told
        someone); without it the pool is the base. The base decides whether a group is small
        (under ``SMALL_GROUP`` records) and turns the aims, which hold on the base, into
        errors on the pool: a weight difference moves the pool's share more, by the ratio
        of the group's weight in the base to its weight in the pool.
        """
        if not targets:
            return part
        w = self.frame["weight"].to_numpy()
        base = base or {}
        cols, goal, imp, slack = [], [], [], []
        for (breakdown, group), value in targets.items():
            sel = pool if breakdown == "total" else pool & (self.frame[breakdown] == group).to_numpy()
            if w[sel].sum() == 0:
                continue
            cols.append(np.where(sel, w, 0.0) / w[sel].sum())
            goal.append(value / 100.0)
            n_base, w_base = base.get((breakdown, group), (int(sel.sum()), float(w[sel].sum())))
            if breakdown == "total":
                imp.append(TOTAL_WEIGHT)
                slack.append(AIM_TOTAL / 100.0 * w_base / w[sel].sum())
            elif n_base >= SMALL_GROUP:
                imp.append(GROUP_WEIGHT)
                slack.append(AIM_GROUP / 100.0 * w_base / w[sel].sum())
            else:  # groups under 50 records are reported as counts, so their margins matter less
                imp.append(SMALL_GROUP_WEIGHT)
                slack.append(np.inf)
        contrib = np.array(cols).T  # records x margins: share each record adds
        goal, imp, slack = np.array(goal), np.array(imp), np.array(slack)

        def loss_of(errors: np.ndarray) -> np.ndarray:
            """Weighted squared errors plus the penalty beyond the tolerances, summed over margins (last axis)."""
            beyond = np.maximum(np.abs(errors) - slack, 0.0)
            return (errors**2 * imp).sum(axis=-1) + HINGE_WEIGHT * (beyond**2).sum(axis=-1)

        part = part.copy()
        for _ in range(max_iter):
            err = contrib[part].sum(axis=0) - goal
            if np.max(np.abs(err)) < CALIBRATE_CLOSE:
                break
            inside = np.nonzero(part)[0]
            outside = np.nonzero(candidates & ~part)[0]
            if len(inside) > sample:
                inside = self.rng.choice(inside, sample, replace=False)
            if len(outside) > sample:
                outside = self.rng.choice(outside, sample, replace=False)
            loss0 = float(loss_of(err))
            best, move = loss0, None
            if len(inside) and len(outside):
                delta = contrib[outside][None, :, :] - contrib[inside][:, None, :]
                loss = loss_of(err + delta)
                i, j = np.unravel_index(np.argmin(loss), loss.shape)
                if loss[i, j] < best - IMPROVEMENT:
                    best, move = loss[i, j], ("swap", inside[i], outside[j])
            if count is None:
                if len(outside):
                    loss = loss_of(err + contrib[outside])
                    j = int(np.argmin(loss))
                    if loss[j] < best - IMPROVEMENT:
                        best, move = loss[j], ("add", None, outside[j])
                if len(inside):
                    loss = loss_of(err - contrib[inside])
                    i = int(np.argmin(loss))
                    if loss[i] < best - IMPROVEMENT:
                        best, move = loss[i], ("drop", inside[i], None)
            if move is None:
                break
            _, i, j = move
            if i is not None:
                part[i] = False
            if j is not None:
                part[j] = True
        return part
