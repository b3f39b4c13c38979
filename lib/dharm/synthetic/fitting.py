"""Cell probabilities that reproduce every published margin.

An answer's targets are margins (a total, age bands, sexes, areas); the generator needs a
probability for each age x sex x area cell. :func:`fit_cells` finds them by regularised
least squares: margins are pulled hard towards their targets, and each cell gently towards
a smooth prior built from the total and the one-way margins.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .settings import CELL_COLUMNS

PENALTY = 1000.0  # a margin's squared error weighs 1,000 times a cell's pull towards the prior
TOTAL_IMPORTANCE = 3.0  # a total's residual is scaled 3x (its tolerance is half a group's, and it matters most)
GROUP_IMPORTANCE = 1.0


def fit_cells(targets: dict, cells: pd.DataFrame, weight_by_cell: pd.Series) -> pd.Series:
    """Cell probabilities (0-1) that reproduce every target margin as closely as possible.

    Regularised least squares: margins weigh ``PENALTY`` times the pull towards a smooth
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
        importance = TOTAL_IMPORTANCE if breakdown == "total" else GROUP_IMPORTANCE
        rows.append(importance * np.where(mask, w, 0.0) / w[mask].sum())
        rhs.append(importance * value / 100.0)
    a = np.vstack([np.sqrt(PENALTY) * np.array(rows), np.eye(len(cells))]) if rows else np.eye(len(cells))
    b = np.concatenate([np.sqrt(PENALTY) * np.array(rhs), prior]) if rows else prior
    p = np.linalg.lstsq(a, b, rcond=None)[0]
    return pd.Series(np.clip(p, 0.0, 1.0), index=cells.index)
