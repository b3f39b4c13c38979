"""Cell probabilities that reproduce every published margin, solved exactly.

An answer's targets are margins (a total, age bands, sexes, areas); the generator needs a
probability for each age x sex x area cell. :func:`fit_cells` finds them by regularised
least squares: margins are pulled hard towards their targets, and each cell gently towards
a smooth prior built from the total and the one-way margins.

The system is solved in exact rational arithmetic (:class:`fractions.Fraction`), not with
LAPACK: its answer is the mathematically exact solution for the given inputs, rounded once
to the nearest float, so it is the same on every machine. LAPACK's result depends on the
BLAS kernels the CPU selects, and the generator's decisions (how many records to pick in a
cell) depend on these probabilities. With twelve cells the exact solve is cheap.
"""
from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import pandas as pd

from .settings import CELL_COLUMNS

PENALTY = 1000  # a margin's squared error weighs 1,000 times a cell's pull towards the prior
TOTAL_IMPORTANCE = 3  # a total's residual is scaled 3x (its tolerance is half a group's, and it matters most)
GROUP_IMPORTANCE = 1  # an age, sex or area group's residual as it is

Number = int | float | Fraction


def solve_exact(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Solve ``matrix @ x = rhs`` by Gaussian elimination in exact rational arithmetic.

    Raises ``ValueError`` if the matrix is singular.
    """
    n = len(rhs)
    m = [list(row) + [b] for row, b in zip(matrix, rhs)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            raise ValueError("solve_exact: the matrix is singular")
        m[col], m[pivot] = m[pivot], m[col]
        head = m[col]
        for r in range(col + 1, n):
            factor = m[r][col] / head[col]
            if factor:
                row = m[r]
                for k in range(col, n + 1):
                    row[k] -= factor * head[k]
    x = [Fraction(0)] * n
    for r in range(n - 1, -1, -1):
        acc = m[r][n] - sum((m[r][k] * x[k] for k in range(r + 1, n)), Fraction(0))
        x[r] = acc / m[r][r]
    return x


def regularised_least_squares(rows: Sequence[Sequence[Number]], rhs: Sequence[Number], prior: Sequence[Number],
                              penalty: Number = PENALTY) -> list[Fraction]:
    """The exact minimiser of ``penalty * sum_r (rows[r] . p - rhs[r])**2 + sum_i (p[i] - prior[i])**2``.

    Solved through the normal equations ``(penalty * A'A + I) p = penalty * A'b + prior``,
    whose matrix is symmetric positive definite (so the solution is unique); every input
    is converted to an exact fraction first (a float converts without loss).
    """
    n = len(prior)
    lam = Fraction(penalty)
    matrix = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    right = [Fraction(v) for v in prior]
    for row, b in zip(rows, rhs):
        a = [Fraction(v) for v in row]
        if len(a) != n:
            raise ValueError(f"regularised_least_squares: a row has {len(a)} entries, expected {n}")
        b = Fraction(b)
        nonzero = [i for i in range(n) if a[i]]
        for i in nonzero:
            scaled = lam * a[i]
            for j in nonzero:
                matrix[i][j] += scaled * a[j]
            right[i] += scaled * b
    return solve_exact(matrix, right)


def fit_cells(targets: dict, cells: pd.DataFrame, weight_by_cell: pd.Series) -> pd.Series:
    """Cell probabilities (0-1) that reproduce every target margin as closely as possible.

    Regularised least squares: margins weigh ``PENALTY`` times the pull towards a smooth
    prior built from the total and the one-way margins. Exact; see the module docstring.
    """
    hundred = Fraction(100)
    total = targets.get(("total", "Total"))
    if total is not None:
        total = Fraction(total)
    elif targets:
        total = sum((Fraction(v) for v in targets.values()), Fraction(0)) / len(targets)
    else:
        total = Fraction(0)
    prior = []
    for cell in cells.itertuples(index=False):
        p = total / hundred
        for dim in CELL_COLUMNS:
            t = targets.get((dim, getattr(cell, dim)))
            if t is not None and total > 0:
                p *= Fraction(t) / total
            elif t is not None:
                p = Fraction(t) / hundred
        prior.append(min(max(p, Fraction(0)), Fraction(1)))
    weights = [Fraction(float(v)) for v in weight_by_cell.to_numpy()]
    rows, rhs = [], []
    for (breakdown, group), value in targets.items():
        mask = [True] * len(cells) if breakdown == "total" else (cells[breakdown] == group).tolist()
        base = sum((w for w, m in zip(weights, mask) if m), Fraction(0))
        if base == 0:
            continue
        importance = TOTAL_IMPORTANCE if breakdown == "total" else GROUP_IMPORTANCE
        rows.append([importance * w / base if m else Fraction(0) for w, m in zip(weights, mask)])
        rhs.append(importance * Fraction(value) / hundred)
    p = regularised_least_squares(rows, rhs, prior) if rows else prior
    return pd.Series([float(min(max(v, Fraction(0)), Fraction(1))) for v in p], index=cells.index)
