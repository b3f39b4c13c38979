"""The sample design of the synthetic survey, read from data so that no constant is typed twice.

Two sources, kept apart:

* what the report publishes about its design (children interviewed; villages, households
  screened, children interviewed by age band and sex, where it prints them) comes from the
  ``sample_*`` rows of ``published/survey_estimates.csv``; the number of children at or
  above an age threshold comes from the printed base of a question asked only of them
  (``base_n`` of an indicator whose universe is ``age >= A``);
* the national population aged 12-17 comes from the country's ``metadata.yml``;
* what it does not publish (urban villages, household sizes, caregivers'
  sex and age, spreads) comes from the ``design`` rows of ``survey/assumptions.csv``,
  each with its reason. A row without ``codes`` holds one constant; rows with ``codes``
  hold one share (percent) each of a distribution whose shares add up to 100. A design
  fact a country may publish (villages, households screened, the sample by age band or by
  sex) comes from its design row only where the report does not print it: never both.

Change a row and :func:`design_settings` follows it; a test checks that it does.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import DEFAULT_COUNTRY, GROUPS
from ..io.country import load_country
from ..io.errors import DataValidationError
from ..io.published import country_dir
from ..io.survey import load_codebook, load_indicators

CELL_COLUMNS = ("age_group", "sex", "area")  # the cells inside which answers are assigned
ASSUMPTION_COLUMNS = ("file", "variable", "codes", "breakdown", "group", "value", "reason")
SHARE_SUM_SLACK = 1e-9  # shares of one design distribution must add up to 100 within this

# published rows of survey_estimates.csv that describe the design
PUBLISHED_PSUS = "sample_psus"
PUBLISHED_HOUSEHOLDS = "sample_roster_households"
PUBLISHED_CHILDREN = "sample_children"
# design facts a report may print (survey_estimates.csv) or leave to a design row of assumptions.csv:
# constants (design row -> published row) ...
PUBLISHED_OR_ASSUMED = {"n_psus": PUBLISHED_PSUS, "n_households": PUBLISHED_HOUSEHOLDS}
# ... and the interviewed sample by a breakdown (design distribution -> breakdown of the published sample_children rows)
SAMPLE_DISTRIBUTIONS = {"sample_age_group": "age_group", "sample_sex": "sex"}
# design rows of assumptions.csv: one constant each ...
DESIGN_CONSTANTS = ("n_urban_psus", "psu_weight_sd", "cluster_sd", *PUBLISHED_OR_ASSUMED)
# ... and distributions, one row per code
DESIGN_DISTRIBUTIONS = ("children_per_household", "age_band_shares", "cg_sex", "cg_age_group", *SAMPLE_DISTRIBUTIONS)
SHARE_SCALE = 10**9  # design shares (percent) become whole numbers at this scale to split a sample by largest remainders
AGE_RULE = re.compile(r"\s*age\s*>=\s*(\d+)\s*")  # a universe such as 'age >= 15'


@dataclass(frozen=True)
class DesignSettings:
    """Sample-design constants; build them with :func:`design_settings`, never by hand.

    Published (survey_estimates.csv): ``n_psus``, ``n_households``, ``sample_quotas``.
    From metadata.yml: ``population_12_17``. Assumed (design rows of assumptions.csv): everything else. Shares are fractions (0-1),
    in the order in which the generator draws them.
    """

    n_psus: int
    n_households: int
    sample_quotas: Mapping[tuple[str, str], int]  # (quota band, sex) -> children to interview
    quota_bands: tuple[tuple[str, int, int], ...]  # (label, first age, last age)
    n_urban_psus: int
    population_12_17: float
    psu_weight_sd: float  # spread of the logarithm of village weights
    cluster_sd: float  # strength of the village effect on answers
    children_per_household: Mapping[int, float]  # children aged 12-17 in a screened household -> share
    age_band_shares: Mapping[str, float]  # age band -> share of the children in screened households
    cg_sex: Mapping[str, float]
    cg_age_group: Mapping[str, float]

    def quota_band(self, age: int) -> str:
        """The quota band (an age band, or part of one) an age falls in."""
        for label, first, last in self.quota_bands:
            if first <= age <= last:
                return label
        raise DataValidationError(f"generator: age {age} is in no quota band ({', '.join(b[0] for b in self.quota_bands)})")

    def age_probabilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Single years of age and their probabilities (each band's share spread evenly over its years)."""
        ages, probs = [], []
        for band, share in self.age_band_shares.items():
            first, last = band_limits(band)
            for age in range(first, last + 1):
                ages.append(age)
                probs.append(share / (last - first + 1))
        return np.array(ages), np.array(probs)


def band_limits(band: str) -> tuple[int, int]:
    """``'12-13'`` -> ``(12, 13)``; ``'14'`` -> ``(14, 14)``."""
    first, _, last = band.partition("-")
    return int(first), int(last or first)


def band_label(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def age_group(age: np.ndarray) -> np.ndarray:
    """The published age band of each age."""
    age = np.asarray(age)
    out = np.full(age.shape, "", dtype=object)
    for band in GROUPS["age_group"]:
        first, last = band_limits(band)
        out[(age >= first) & (age <= last)] = band
    return out.astype(str)


def age_split(age_band: np.ndarray) -> np.ndarray:
    """12-15 against 16-17, as chapter 2 sometimes prints."""
    older = GROUPS["age_split"][-1]
    return np.where(np.asarray(age_band) == older, older, GROUPS["age_split"][0])


# ------------------------------------------------------------------ assumptions.csv
def assumptions_path(country: str = DEFAULT_COUNTRY, data_root: Path | str | None = None) -> Path:
    return country_dir(country, data_root) / "survey" / "assumptions.csv"


def read_assumptions(country: str = DEFAULT_COUNTRY, data_root: Path | str | None = None) -> pd.DataFrame:
    """The whole assumptions file, validated by its schema (``dharm.io.published``): values are numbers."""
    return load_country(country, data_root).table("assumptions")


def design_rows(country: str = DEFAULT_COUNTRY, data_root: Path | str | None = None) -> pd.DataFrame:
    """The ``design`` rows of the assumptions file."""
    frame = read_assumptions(country, data_root)
    return frame[frame["file"] == "design"].reset_index(drop=True)


def _constant(rows: pd.DataFrame, name: str, path: Path) -> float:
    hit = rows[rows["variable"] == name]
    if len(hit) != 1 or hit["codes"].iloc[0] != "":
        raise DataValidationError(f"{path}: expected one design row for {name!r} with empty codes, found {len(hit)}")
    return float(hit["value"].iloc[0])


def _distribution(rows: pd.DataFrame, name: str, path: Path, order: list[str]) -> dict[str, float]:
    """Shares (0-1) of one design distribution, in ``order``; every code in ``order`` needs a row."""
    hit = rows[rows["variable"] == name]
    given = dict(zip(hit["codes"], hit["value"]))
    if len(given) != len(hit):
        raise DataValidationError(f"{path}: design distribution {name!r} names a code twice")
    if sorted(given) != sorted(order):
        raise DataValidationError(f"{path}: design distribution {name!r} has rows for codes {sorted(given)}; "
                                  f"expected one row per code {order}")
    total = sum(given.values())
    if abs(total - 100.0) > SHARE_SUM_SLACK or any(v < 0 for v in given.values()):
        raise DataValidationError(f"{path}: the shares of design distribution {name!r} add up to {total:g}, not 100")
    return {code: given[code] / 100.0 for code in order}


# ------------------------------------------------------------------ published design
def _published_rows(published: pd.DataFrame, indicator: str, breakdown: str, group: str) -> pd.DataFrame:
    return published[(published["indicator_id"] == indicator) & (published["breakdown"] == breakdown)
                     & (published["group"] == group) & published["value"].notna()]


def _published_count(published: pd.DataFrame, indicator: str, breakdown: str, group: str) -> int:
    hit = _published_rows(published, indicator, breakdown, group)
    if hit.empty:
        raise DataValidationError(f"{published.attrs.get('path', 'survey_estimates.csv')}: no published row "
                                  f"{indicator} ({breakdown} {group}); the design needs it")
    values = set(hit["value"])
    if len(values) != 1:
        raise DataValidationError(f"{published.attrs.get('path', 'survey_estimates.csv')}: {indicator} ({breakdown} {group}) "
                                  f"is printed with different values {sorted(values)}")
    return int(values.pop())


def children_at_or_above(published: pd.DataFrame, indicators: pd.DataFrame) -> dict[int, int]:
    """Children interviewed at or above an age, from the printed base of a question asked only of them."""
    out: dict[int, int] = {}
    rows = published[published["base_n"].notna() & (published["breakdown"] == "total")]
    for row in rows.itertuples(index=False):
        if row.indicator_id not in indicators.index or indicators.loc[row.indicator_id, "file"] != "children":
            continue
        match = AGE_RULE.fullmatch(indicators.loc[row.indicator_id, "universe"])
        if match is None:
            continue
        age, n = int(match.group(1)), int(row.base_n)
        if out.setdefault(age, n) != n:
            raise DataValidationError(f"{published.attrs.get('path', 'survey_estimates.csv')}: children aged {age} "
                                      f"or more are printed as {out[age]} and as {n}")
    return out


def split_proportionally(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Integers proportional to ``sizes`` that add up to ``total`` (largest remainders, ties in order)."""
    whole = sum(sizes.values())
    floors = {k: n * total // whole for k, n in sizes.items()}
    remainders = sorted(sizes, key=lambda k: -(sizes[k] * total % whole))  # stable: ties keep their order
    for k in remainders[: total - sum(floors.values())]:
        floors[k] += 1
    return floors


def published_or_assumed(published: pd.DataFrame, rows: pd.DataFrame, name: str, path: Path) -> float:
    """A design constant the report may print (``PUBLISHED_OR_ASSUMED``): the printed value, else its design row.

    Printed and assumed both is an error (an assumption never overrides a published number); neither is one too.
    """
    indicator = PUBLISHED_OR_ASSUMED[name]
    printed = not _published_rows(published, indicator, "total", "Total").empty
    assumed = (rows["variable"] == name).any()
    if printed and assumed:
        raise DataValidationError(f"{path}: a design row assumes {name!r}, but survey_estimates.csv prints it as "
                                  f"{indicator}; remove the design row")
    if not printed and not assumed:
        raise DataValidationError(f"{path}: the design needs {name!r}: survey_estimates.csv prints no {indicator}, "
                                  f"so a design row must assume it")
    return float(_published_count(published, indicator, "total", "Total")) if printed else _constant(rows, name, path)


def _sample_by(published: pd.DataFrame, rows: pd.DataFrame, breakdown: str, total: int, path: Path) -> dict[str, int]:
    """The interviewed children by age band or by sex: as printed, else the total split by the shares of its design
    distribution (``SAMPLE_DISTRIBUTIONS``; whole children by largest remainders, so they add up to the total)."""
    name = next(n for n, b in SAMPLE_DISTRIBUTIONS.items() if b == breakdown)
    groups = list(GROUPS[breakdown])
    printed = {g: not _published_rows(published, PUBLISHED_CHILDREN, breakdown, g).empty for g in groups}
    assumed = (rows["variable"] == name).any()
    if any(printed.values()) and assumed:
        raise DataValidationError(f"{path}: a design distribution {name!r} assumes the sample by {breakdown}, but "
                                  f"survey_estimates.csv prints {PUBLISHED_CHILDREN} by {breakdown}; remove the design rows")
    if not assumed:
        return {g: _published_count(published, PUBLISHED_CHILDREN, breakdown, g) for g in groups}
    shares = _distribution(rows, name, path, groups)
    return split_proportionally(total, {g: round(v * SHARE_SCALE) for g, v in shares.items()})


def sample_quotas(published: pd.DataFrame, indicators: pd.DataFrame, rows: pd.DataFrame | None = None,
                  path: Path | None = None) -> tuple[dict[tuple[str, str], int], tuple[tuple[str, int, int], ...]]:
    """Children to interview by quota band and sex, from the published sample sizes.

    The report prints the sample by age band and by sex, not crossed: the split by sex
    within each band is proportional (integers by largest remainders, so both margins hold
    exactly). Where the report prints how many children were at or above an age inside a
    band (e.g. the base of a question asked from age 15), that band is split there. Where it
    prints only the total, the design rows (``rows``) split it by age band and by sex.
    """
    path = path or Path(published.attrs.get("path", "survey_estimates.csv"))
    rows = rows if rows is not None else pd.DataFrame(columns=["variable", "codes", "value"])
    total = _published_count(published, PUBLISHED_CHILDREN, "total", "Total")
    by_band = _sample_by(published, rows, "age_group", total, path)
    by_sex = _sample_by(published, rows, "sex", total, path)
    for what, parts in (("age band", by_band), ("sex", by_sex)):
        if sum(parts.values()) != total:
            raise DataValidationError(f"{path}: {PUBLISHED_CHILDREN} by {what} adds up to {sum(parts.values())}, not {total}")
    bands: list[tuple[str, int, int]] = []
    sizes: dict[str, int] = {}
    thresholds = children_at_or_above(published, indicators)
    for band, n in by_band.items():
        first, last = band_limits(band)
        cut = next((a for a in sorted(thresholds) if first < a <= last), None)
        if cut is None:
            bands.append((band, first, last))
            sizes[band] = n
            continue
        above = thresholds[cut] - sum(m for b, m in by_band.items() if band_limits(b)[0] > last)
        if not 0 <= above <= n:
            raise DataValidationError(f"{path}: {thresholds[cut]} children aged {cut} or more do not fit the "
                                      f"published sample by age band")
        for label, lo, hi, size in ((band_label(first, cut - 1), first, cut - 1, n - above), (band_label(cut, last), cut, last, above)):
            bands.append((label, lo, hi))
            sizes[label] = size
    first_sex, second_sex = GROUPS["sex"]
    first = split_proportionally(by_sex[first_sex], sizes)
    quotas: dict[tuple[str, str], int] = {}
    for label, n in sizes.items():
        quotas[(label, first_sex)] = first[label]
        quotas[(label, second_sex)] = n - first[label]
    if any(v < 0 for v in quotas.values()):
        raise DataValidationError(f"{path}: the published sample by sex does not fit the sample by age band")
    return quotas, tuple(bands)


def design_settings(country: str = DEFAULT_COUNTRY, data_root: Path | str | None = None) -> DesignSettings:
    """Every design constant, read from the published sample sizes and the design assumptions."""
    path = assumptions_path(country, data_root)
    data = load_country(country, data_root)
    rows = design_rows(country, data_root)
    published = data.table("survey_estimates")
    indicators = load_indicators(data_root)
    codebook = load_codebook(data_root).table
    unknown = sorted(set(rows["variable"]) - set(DESIGN_CONSTANTS) - set(DESIGN_DISTRIBUTIONS)
                     - set(codebook["variable"]))
    if unknown:
        raise DataValidationError(f"{path}: design rows for unknown names {unknown}")

    def group_codes(variable: str) -> list[str]:
        return codebook.loc[(codebook["file"] == "caregivers") & (codebook["variable"] == variable), "codes"].iloc[0].split(";")

    households = rows[rows["variable"] == "children_per_household"]["codes"]
    if not households.str.fullmatch(r"[1-9][0-9]*").all():
        raise DataValidationError(f"{path}: children_per_household codes must be positive whole numbers of children")
    quotas, bands = sample_quotas(published, indicators, rows, path)
    whole = {}
    for name in PUBLISHED_OR_ASSUMED:
        value = published_or_assumed(published, rows, name, path)
        if not (value == int(value) and value > 0):
            raise DataValidationError(f"{path}: {name} must be a positive whole number, not {value:g}")
        whole[name] = int(value)
    n_psus = whole["n_psus"]
    n_urban = _constant(rows, "n_urban_psus", path)
    if not (n_urban == int(n_urban) and 0 < n_urban < n_psus):
        raise DataValidationError(f"{path}: n_urban_psus must be a whole number between 0 and {n_psus} villages")
    return DesignSettings(
        n_psus=n_psus,
        n_households=whole["n_households"],
        sample_quotas=quotas,
        quota_bands=bands,
        n_urban_psus=int(n_urban),
        population_12_17=float(data.metadata.population.children_12_17),
        psu_weight_sd=_constant(rows, "psu_weight_sd", path),
        cluster_sd=_constant(rows, "cluster_sd", path),
        children_per_household={int(k): v for k, v in _distribution(
            rows, "children_per_household", path, sorted(households, key=int)).items()},
        age_band_shares=_distribution(rows, "age_band_shares", path, list(GROUPS["age_group"])),
        cg_sex=_distribution(rows, "cg_sex", path, group_codes("cg_sex")),
        cg_age_group=_distribution(rows, "cg_age_group", path, group_codes("cg_age_group")),
    )
