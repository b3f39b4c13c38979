"""Design-based estimates of proportions with confidence intervals, one call at a time.

Variance comes from the `svy` library (Taylor linearisation with strata and PSU
clusters; its results match R's ``survey`` package), not from hand-written formulas.
Intervals are logit intervals with the domain's degrees of freedom (PSUs minus strata among
those holding the domain), as R's ``svyciprop(method = "logit")`` gives for a subset design
(checked against R in ``tests/test_r_oracle.py``).

This per-call path builds a design for every call. The book reads its estimates from the
batched store (:mod:`dharm.stats.store`); this module stays as the reference the store is
tested against, and for analysts estimating one indicator on data of their own.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import svy

from ..config import GROUPS
from ..io.errors import DataValidationError, parameter_error
from ..io.parameters import check_confidence
from ..io.survey import asked_mask

ESTIMATE_COLUMNS = ["breakdown", "group", "estimate", "se", "ci_low", "ci_high", "n", "n_positive", "weighted_base"]


def check_design(data: pd.DataFrame, weight: str = "weight", psu: str = "psu", stratum: str = "stratum") -> None:
    """A design whose variance can be estimated: positive finite weights, a PSU and a stratum for every
    record, and at least two PSUs in every stratum (a one-record design has one). Errors name the argument."""
    weights = pd.to_numeric(data[weight], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(weights) | (weights <= 0)
    if bad.any():
        at = data.index[bad.argmax()]
        raise parameter_error("weight", weight, f"a column of positive finite weights (index {at!r} holds {_plain(data.at[at, weight])!r})")
    for name, column in (("psu", psu), ("stratum", stratum)):
        if data[column].isna().any():
            raise parameter_error(name, column, f"a column with a value for every record (index {data.index[data[column].isna().argmax()]!r} is empty)")
    psus = data.groupby(stratum, sort=False)[psu].agg(["nunique", "first"])
    lonely = psus[psus["nunique"] < 2]
    if not lonely.empty:
        raise parameter_error("psu", psu, f"at least two PSUs in every stratum (stratum {lonely.index[0]!r} has only PSU "
                                          f"{lonely['first'].iloc[0]!r}, so its variance cannot be estimated)")


def check_binary(data: pd.DataFrame, column: str, name: str) -> None:
    """A 0/1 (or True/False) column without missing values; the error names the argument."""
    ok = data[column].isin((0, 1))
    if not ok.all():
        at = data.index[(~ok).argmax()]
        raise parameter_error(name, column, f"a column holding only 0 and 1 (index {at!r} holds {_plain(data.at[at, column])!r})")


def _plain(value):
    """A numpy scalar as the Python value it holds, so an error shows ``nan``, not ``np.float64(nan)``."""
    return value.item() if isinstance(value, np.generic) else value


def estimate_proportion(data: pd.DataFrame, outcome: str, by: str | None = None, confidence: float = 0.95,
                        domain: str | None = None, weight: str = "weight", psu: str = "psu",
                        stratum: str = "stratum") -> pd.DataFrame:
    """Weighted share of records with ``outcome`` true, overall or per group of ``by``.

    ``outcome`` is a 0/1 column; ``domain`` an optional 0/1 column naming the
    sub-population (for example children who were asked a follow-up question).
    Returns one row per group with the estimate and CI in percent, the unweighted
    base ``n`` and the unweighted count of positives. Groups and the domain are
    estimated as domains of the full design (R: ``svyby`` on ``subset``), so the
    variance accounts for their random size and every PSU stays in the design.
    """
    confidence = check_confidence(confidence)
    for col in [outcome, weight, psu, stratum] + ([by] if by else []) + ([domain] if domain else []):
        if col not in data.columns:
            raise DataValidationError(f"estimate_proportion: column {col!r} not in the data (columns: {', '.join(map(str, data.columns[:12]))}, ...)")
    check_binary(data, outcome, "outcome")
    if domain:
        check_binary(data, domain, "domain")
    check_design(data, weight, psu, stratum)
    frame = pd.DataFrame({
        "y": data[outcome].astype(int).map({1: "yes", 0: "no"}),
        "w": data[weight].astype(float),
        "psu": data[psu].astype(str),
        "stratum": data[stratum].astype(str),
        "grp": data[by].astype(str) if by else "Total",
        "dom": data[domain].astype(bool) if domain else True,
    })
    if not frame["dom"].any():
        raise DataValidationError(f"estimate_proportion: the domain {domain!r} is empty")
    sample = svy.Sample(pl.from_pandas(frame), svy.Design(stratum="stratum", psu="psu", wgt="w"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = sample.estimation.prop("y", by="grp", alpha=1 - confidence,
                                        where=(svy.col("dom") == True) if domain else None)  # noqa: E712
    result = result.to_polars().to_pandas()
    result = result[result["y"] == "yes"].set_index("grp")
    rows = []
    for grp, sub in frame[frame["dom"]].groupby("grp", sort=False):
        n_pos = int((sub["y"] == "yes").sum())
        if grp in result.index:
            r = result.loc[grp]
            est, se, lo, hi = (float(r[c]) for c in ("est", "se", "lci", "uci"))
        else:  # no positives at all in this group: svy reports only the 'no' level
            est, se, lo, hi = 0.0, 0.0, 0.0, np.nan
        if n_pos == 0:
            est, se, lo = 0.0, 0.0, 0.0
            hi = zero_upper(len(sub), confidence)
        elif n_pos == len(sub):
            est, se, hi = 1.0, 0.0, 1.0
            lo = 1.0 - zero_upper(len(sub), confidence)
        rows.append({"breakdown": by or "total", "group": grp, "estimate": 100 * est, "se": 100 * se,
                     "ci_low": 100 * lo, "ci_high": 100 * hi, "n": len(sub), "n_positive": n_pos,
                     "weighted_base": float(sub["w"].sum())})
    out = pd.DataFrame(rows, columns=ESTIMATE_COLUMNS)
    if by in GROUPS:
        order = {g: i for i, g in enumerate(GROUPS[by])}
        out = out.sort_values("group", key=lambda s: s.map(order)).reset_index(drop=True)
    return out


def zero_upper(n: int, confidence: float) -> float:
    """Upper end of the two-sided Clopper-Pearson interval at ``confidence`` for 0 successes in n.

    Used where a logit interval is undefined (nobody, or everybody, answered yes); it counts the
    n respondents as a simple random sample, since a design-based variance of a constant is zero.
    """
    return 1 - ((1 - confidence) / 2) ** (1 / n) if n else np.nan


def indicator_outcome(data: pd.DataFrame, indicator: pd.Series) -> pd.DataFrame:
    """Add a 0/1 ``outcome`` and a 0/1 ``in_universe`` column for one indicator.

    The universe is everyone in the file unless the indicator names one; records in the
    universe who were not asked (or did not answer) count as not having the outcome.
    """
    missing = [v for v in str(indicator["variable"]).split("|") if v not in data.columns]
    if missing:
        raise parameter_error("indicator", indicator["indicator_id"], "an indicator whose variables are columns of the data "
                                                                      f"(missing: {', '.join(missing)})")
    keep = [c for c in ("weight", "psu", "stratum", *GROUPS) if c in data.columns]
    frame = data[keep].copy()  # only what estimation needs: the files have hundreds of columns
    frame["in_universe"] = asked_mask(data, indicator["universe"], indicator["indicator_id"]).astype(int)
    codes = [int(c) for c in str(indicator["positive_codes"]).split(";")]
    positive = np.zeros(len(frame), bool)
    for var in str(indicator["variable"]).split("|"):
        positive |= data[var].isin(codes).to_numpy()
    frame["outcome"] = (positive & frame["in_universe"].astype(bool).to_numpy()).astype(int)
    return frame


def estimate_indicator(data: pd.DataFrame, indicator: pd.Series, breakdowns=("total",),
                       confidence: float = 0.95) -> pd.DataFrame:
    """Estimates of one indicator for the total and each requested breakdown."""
    frame = indicator_outcome(data, indicator)
    parts = []
    for breakdown in breakdowns:
        if breakdown not in GROUPS:
            raise parameter_error("breakdowns", breakdown, "breakdowns among " + ", ".join(GROUPS))
        if breakdown != "total" and breakdown not in frame.columns:
            continue  # e.g. area is not a column of a file; nothing to break down
        parts.append(estimate_proportion(frame, "outcome", None if breakdown == "total" else breakdown, confidence,
                                         domain=None if not indicator["universe"] else "in_universe"))
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "indicator_id", indicator["indicator_id"])
    return out
