"""Raking the interviewed children's weights to the roster's population of internet users.

The raking itself is svy's (iterative proportional fitting with a convergence check), not
a hand-written loop: it must meet every margin within ``RAKE_TOL`` or raise
:class:`RakingError`; a fixed number of iterations would silently return weights that miss.

svy's kernel is compiled Rust that may sum in parallel, so its last bits can differ between
machines. The raked weights are therefore rounded to ``WEIGHT_DECIMALS`` decimals (the
precision at which they are written) before anything else uses them, and raking refuses
weights that lie so close to a rounding boundary that the last bits could matter.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import polars as pl
import svy
from svy.errors import SvyError

RAKE_TOL = 1e-10  # largest relative error allowed on any margin (svy's default is 1e-4)
RAKE_MAX_ITER = 1000  # sweeps over all margins before raking is declared not to converge
WEIGHT_DECIMALS = 4  # weights are written, and used, to this many decimals
RAKED = "raked_weight"  # svy's name for the new weight column
# A raked weight this close to a rounding boundary (half a unit of the last decimal kept)
# could round the other way on a machine whose raking differs in the last bits (about
# 1e-13 for weights in the thousands): rather than write such a file, raking refuses.
ROUNDING_GUARD = 1e-10


class RakingError(RuntimeError):
    """Raking could not meet its margins (they contradict each other or the sample), or its
    result would not round the same way on every machine."""


def round_weights(weights: np.ndarray) -> np.ndarray:
    """Weights as written: ``WEIGHT_DECIMALS`` decimals (IEEE arithmetic, the same everywhere)."""
    return np.round(np.asarray(weights, dtype=float), WEIGHT_DECIMALS)


def rake(sample: pd.DataFrame, controls: dict[str, dict[str, float]], weight: str = "weight",
         tol: float = RAKE_TOL, max_iter: int = RAKE_MAX_ITER) -> np.ndarray:
    """Weights of ``sample`` raked so that their totals by each column of ``controls`` meet
    the control totals (``{column: {level: total}}``), rounded to ``WEIGHT_DECIMALS`` decimals.

    Raises :class:`RakingError` if raking does not converge within ``max_iter`` sweeps, or if
    a raked weight lies within ``ROUNDING_GUARD`` of a rounding boundary.
    """
    columns = list(controls)
    frame = pl.DataFrame({"_w": sample[weight].to_numpy(dtype=float),
                          **{col: sample[col].astype(str).to_numpy() for col in columns}})
    design = svy.Sample(frame, svy.Design(wgt="_w"))
    try:
        raked = design.weighting.rake(controls={c: {str(k): float(v) for k, v in t.items()} for c, t in controls.items()},
                                      tol=tol, max_iter=max_iter, wgt_name=RAKED, on_nonconvergence="error")
    except SvyError as exc:
        shown = "; ".join(f"{c}: " + ", ".join(f"{k} {v:,.4f}" for k, v in t.items()) for c, t in controls.items())
        raise RakingError(f"generator: raking {len(sample)} records to the totals ({shown}) within a relative error of "
                          f"{tol:g} in {max_iter} sweeps failed: {exc.title}. {exc.detail}") from exc
    weights = raked.data[RAKED].to_numpy()
    scaled = weights * 10.0**WEIGHT_DECIMALS
    near = np.abs(scaled - np.floor(scaled) - 0.5) * 10.0**-WEIGHT_DECIMALS < ROUNDING_GUARD
    if near.any():
        raise RakingError(f"generator: raked weight {weights[near][0]!r} lies within {ROUNDING_GUARD:g} of a rounding "
                          f"boundary at {WEIGHT_DECIMALS} decimals, so another machine might round it the other way; "
                          "change the seed or an assumption")
    return round_weights(weights)


def population_controls(population: pd.DataFrame, margins: Sequence[str], weight: str = "weight") -> dict[str, dict[str, float]]:
    """Weighted totals of ``population`` by each margin column, as raking controls."""
    return {col: {str(k): float(v) for k, v in population.groupby(col, sort=True)[weight].sum().items()} for col in margins}
