"""The estimate store: every survey estimate of the book, computed once per data version and parameters.

One batched pass through `svy` computes every indicator for every breakdown and group of
its file (children, caregivers, household roster): per file and per universe (the base an
indicator is asked of) one design is built, and each group's domain is estimated for all
of that universe's indicators in one call. The tidy result is written to
``_build/estimates/<country>-<key>.parquet``, where ``key`` hashes everything the numbers
depend on: the survey files, the codebook, the indicator definitions, the confidence level,
the interval and design-effect methods, the svy version and this code. Pages, the ledger and
the tests read the table; a parameter change makes another keyed table, and nothing
recomputes what the store holds.

Estimates agree with the per-call path (:func:`dharm.stats.estimation.estimate_proportion`)
to 1e-9: groups are domains of the full design there and here. Cells with no positives (or
only positives) get the same exact bounds as there, because a logit interval is undefined.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import svy

from ..config import ESTIMATES_DIR, GROUPS, SURVEY_FILES
from ..io.country import CountryData
from ..io.survey import asked_mask
from ..io.parameters import check_confidence
from .estimation import check_design, zero_upper

STORE_FORMAT = "1"  # bump when the table's columns or their meaning change
CI_METHOD = "logit"  # R: svyciprop(method = "logit"), with the design's degrees of freedom
DEFF_REFERENCE = "wr"  # design effect against simple random sampling with replacement (the weights are raked)
COLUMNS = ["indicator_id", "respondent", "breakdown", "group", "estimate", "se", "ci_low", "ci_high", "n", "n_positive",
           "weighted_base", "df", "deff"]
DESIGN_COLUMNS = ["respondent", "breakdown", "group", "records", "weighted_total", "psus", "strata", "df", "households"]
GROUP_RANK = {(b, g): i for b, groups in GROUPS.items() for i, g in enumerate(groups)}  # natural order of groups
_CODE = [Path(__file__), Path(__file__).with_name("estimation.py"),  # the code the numbers depend on
         Path(__file__).parents[1] / "io" / "survey.py"]


@dataclass(frozen=True)
class EstimateStore:
    """The stored estimates (one row per indicator, breakdown and group) and the sample's design facts."""

    estimates: pd.DataFrame
    design: pd.DataFrame
    key: str
    path: Path
    inputs: dict

    def rows(self, indicator_ids: list[str], breakdowns: list[str] | tuple[str, ...]) -> pd.DataFrame:
        """Estimates of some indicators for some breakdowns: indicators in the order given, then
        breakdowns in the order given, then groups in their natural order."""
        sub = self.estimates[self.estimates["indicator_id"].isin(indicator_ids) & self.estimates["breakdown"].isin(breakdowns)]
        order = pd.DataFrame({"i": sub["indicator_id"].map({k: i for i, k in enumerate(indicator_ids)}),
                              "b": sub["breakdown"].map({k: i for i, k in enumerate(breakdowns)}),
                              "g": [GROUP_RANK.get(bg, len(GROUP_RANK)) for bg in zip(sub["breakdown"], sub["group"])]})
        return sub.loc[order.sort_values(["i", "b", "g"], kind="stable").index].reset_index(drop=True)

    def value(self, indicator_id: str, group: str = "Total", column: str = "estimate", breakdown: str | None = None):
        """One stored number (for prose and checks); a clear error when the cell does not exist.

        ``breakdown`` is needed only for a group that two breakdowns share (16-17: age band and age split).
        """
        hit = self.estimates[(self.estimates["indicator_id"] == indicator_id) & (self.estimates["group"] == group)]
        if breakdown is not None:
            hit = hit[hit["breakdown"] == breakdown]
        if hit.empty:
            raise KeyError(f"estimate store {self.path.name}: no estimate for indicator {indicator_id!r}, group {group!r}")
        return hit.iloc[0][column]

    def facts(self, respondent: str, breakdown: str = "total", group: str = "Total") -> pd.Series:
        """Design facts of one respondent file (or one of its groups): records, PSUs, strata, df, households."""
        hit = self.design[(self.design["respondent"] == respondent) & (self.design["breakdown"] == breakdown)
                          & (self.design["group"] == group)]
        if hit.empty:
            raise KeyError(f"estimate store {self.path.name}: no design facts for {respondent} {breakdown}={group}")
        return hit.iloc[0]


def _sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256_of(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _sha256_of(path: str, mtime_ns: int, size: int) -> str:
    """A file's hash, computed again only when its time or size changes (every page asks for the key often)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def store_inputs(data: CountryData, confidence: float) -> dict:
    """Everything the stored numbers depend on, as hashes and parameters (the store's key is their hash)."""
    files = dict(data.survey_files())
    files["codebook"] = data.root / "codebook" / "survey_codebook.csv"
    files["indicators"] = data.root / "codebook" / "indicators.csv"
    return {
        "format": STORE_FORMAT, "country": data.country, "confidence": float(check_confidence(confidence)),
        "ci_method": CI_METHOD, "deff": DEFF_REFERENCE, "svy": version("svy"),
        "code": hashlib.sha256("".join(_sha256(p) for p in _CODE).encode()).hexdigest(),
        "files": {name: {"name": path.name, "sha256": _sha256(path)} for name, path in files.items()},
    }


def store_key(inputs: dict) -> str:
    """A short hash of the inputs: the name of the stored table."""
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:16]


def estimate_store(data: CountryData, confidence: float = 0.95, store_dir: Path | None = None) -> EstimateStore:
    """The store for these data and this confidence level: read it if it exists, else compute and write it.

    Several processes asking at once (notebooks run in parallel) compute it once: the first
    holds a lock while it writes; the others wait, then read.
    """
    inputs = store_inputs(data, confidence)
    key = store_key(inputs)
    path = Path(store_dir or ESTIMATES_DIR) / f"{data.country}-{key}.parquet"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.is_file():
                estimates, design = compute_estimates(data, confidence)
                write_store(path, estimates, design, inputs)
    return read_store(str(path), key)


@lru_cache(maxsize=16)
def read_store(path: str, key: str) -> EstimateStore:
    """Read a stored table (kept in memory: every page and check of a process shares it)."""
    table = pq.read_table(path)
    meta = table.schema.metadata or {}
    estimates = table.to_pandas()
    design = pd.DataFrame(json.loads(meta[b"dharm.design"]), columns=DESIGN_COLUMNS)
    return EstimateStore(estimates, design, key, Path(path), json.loads(meta[b"dharm.inputs"]))


def write_store(path: Path, estimates: pd.DataFrame, design: pd.DataFrame, inputs: dict) -> None:
    """Write atomically (a temporary file renamed into place), the design facts and inputs as metadata."""
    table = pa.Table.from_pandas(estimates[COLUMNS], preserve_index=False)
    table = table.replace_schema_metadata({"dharm.design": design[DESIGN_COLUMNS].to_json(orient="records"),
                                           "dharm.inputs": json.dumps(inputs, sort_keys=True)})
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    pq.write_table(table, tmp)
    tmp.replace(path)


def compute_estimates(data: CountryData, confidence: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator x breakdown x group of every survey file, in one batched pass per file."""
    confidence = check_confidence(confidence)
    parts, design = [], []
    for file in SURVEY_FILES:
        frame = data.surveys[file]
        definitions = data.indicators[data.indicators["file"] == file]
        breakdowns = [b for b in GROUPS if b == "total" or b in frame.columns]
        design += _design_facts(file, frame, breakdowns)
        parts.append(_estimate_file(file, frame, definitions, breakdowns, confidence))
    return pd.concat(parts, ignore_index=True)[COLUMNS], pd.DataFrame(design, columns=DESIGN_COLUMNS)


def _design_facts(file: str, frame: pd.DataFrame, breakdowns: list[str]) -> list[dict]:
    psus, strata = frame["psu"].nunique(), frame["stratum"].nunique()
    rows = []
    for b in breakdowns:
        for g in GROUPS[b]:
            sel = np.ones(len(frame), bool) if b == "total" else (frame[b] == g).to_numpy()
            rows.append({"respondent": file, "breakdown": b, "group": g, "records": int(sel.sum()),
                         "weighted_total": float(frame.loc[sel, "weight"].sum()), "psus": psus, "strata": strata,
                         "df": psus - strata, "households": int(frame.loc[sel, "household_id"].nunique())})
    return rows


def outcomes(frame: pd.DataFrame, definitions: pd.DataFrame) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each indicator's 0/1 outcome (positive and in its universe) and each universe's mask."""
    universes: dict[str, np.ndarray] = {}
    values: dict[str, np.ndarray] = {}
    for ind in definitions.itertuples(index=False):
        if ind.universe not in universes:
            universes[ind.universe] = asked_mask(frame, ind.universe, ind.indicator_id).to_numpy()
        codes = [int(c) for c in ind.positive_codes.split(";")]
        positive = np.zeros(len(frame), bool)
        for var in ind.variable.split("|"):
            positive |= frame[var].isin(codes).to_numpy()
        values[ind.indicator_id] = positive & universes[ind.universe]
    return values, universes


def _estimate_file(file: str, frame: pd.DataFrame, definitions: pd.DataFrame, breakdowns: list[str],
                   confidence: float) -> pd.DataFrame:
    check_design(frame)  # the loaded files were checked; a frame built otherwise gets the per-call path's errors
    values, universes = outcomes(frame, definitions)
    weights = frame["weight"].to_numpy(dtype=float)
    psu, stratum = frame["psu"].astype(str).to_numpy(), frame["stratum"].astype(str).to_numpy()
    groups = {b: frame[b].astype(str).to_numpy() for b in breakdowns if b != "total"}
    base = {"w": weights, "psu": psu, "stratum": stratum} | groups
    rows = []
    for universe, in_universe in universes.items():
        ids = [i for i in definitions["indicator_id"] if definitions.at[i, "universe"] == universe]
        columns = {f"y{k}": np.where(values[i], "yes", "no") for k, i in enumerate(ids)}
        sample = svy.Sample(pl.DataFrame(base | {"dom": in_universe} | columns), svy.Design(stratum="stratum", psu="psu", wgt="w"))
        for breakdown in breakdowns:
            for group in GROUPS[breakdown]:
                domain = in_universe if breakdown == "total" else in_universe & (groups[breakdown] == group)
                n = int(domain.sum())
                if n == 0:
                    continue  # nobody of this group is in the universe: no estimate, as in the per-call path
                where = svy.col("dom") == True  # noqa: E712 (a polars expression, not a comparison)
                if breakdown != "total":
                    where = where & (svy.col(breakdown) == group)
                positives = {i: int((values[i] & domain).sum()) for i in ids}
                mixed = [k for k, i in enumerate(ids) if 0 < positives[i] < n]
                results = dict(zip(mixed, _prop(sample, [f"y{k}" for k in mixed], where, confidence)))
                weighted_base = float(weights[domain].sum())
                domain_df = len(set(psu[domain])) - len(set(stratum[domain]))
                for k, i in enumerate(ids):
                    est, se, lo, hi, deff, df = results[k] if k in results else _degenerate(positives[i], n, confidence, domain_df)
                    rows.append((i, file, breakdown, group, 100 * est, 100 * se, 100 * lo, 100 * hi, n, positives[i],
                                 weighted_base, df, deff))
    return pd.DataFrame(rows, columns=COLUMNS)


def _prop(sample: svy.Sample, ys: list[str], where, confidence: float) -> list[tuple]:
    """One batched svy call: proportion of 'yes', its SE, logit interval, design effect and the
    degrees of freedom of the interval (the domain's PSUs minus its strata, as R's ``degf`` of a
    subset design) for each y."""
    if not ys:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # svy notes boundary intervals; those cells never reach it
        results = sample.estimation.prop(ys, where=where, alpha=1 - confidence, ci_method=CI_METHOD, deff=DEFF_REFERENCE)
    out = []
    for result in results:
        yes = next(e for e in result.estimates if e.y_level == "yes")
        out.append((float(yes.est), float(yes.se), float(yes.lci), float(yes.uci), float(yes.deff), int(yes.df)))
    return out


def _degenerate(positives: int, n: int, confidence: float, df: int) -> tuple:
    """No positives (or only positives): estimate 0 (1), no variance, an exact one-sided bound."""
    if positives == 0:
        return 0.0, 0.0, 0.0, zero_upper(n, confidence), np.nan, df
    return 1.0, 0.0, 1.0 - zero_upper(n, confidence), 1.0, np.nan, df
