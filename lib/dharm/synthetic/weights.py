"""Raking the interviewed children's weights to the roster's population of internet users."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

RAKE_ITERATIONS = 100  # sweeps over all margins


def rake(sample: pd.DataFrame, population: pd.DataFrame, margins: Sequence[str], iterations: int = RAKE_ITERATIONS) -> np.ndarray:
    """Iterative proportional fitting of sample weights to population weight totals."""
    w = sample["weight"].to_numpy().astype(float).copy()
    for _ in range(iterations):
        for col in margins:
            target = population.groupby(col)["weight"].sum()
            current = pd.Series(w).groupby(sample[col].to_numpy()).sum()
            w *= sample[col].map(target / current).to_numpy()
    return w
