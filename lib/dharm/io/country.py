"""One handle on a country's data: the folder, its published tables and its survey files.

:class:`CountryData` is what every later layer receives. It knows the country and the one
data root in use, reads each table when first asked (validated, then kept), and loads the
survey microdata only when something really needs records (the estimate store and the
generator): pages read estimates from the store instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..config import DEFAULT_COUNTRY, SURVEY_FILES, data_root
from .published import country_dir, load_table
from .survey import Codebook, load_codebook, load_indicators, load_survey, survey_path


@dataclass
class CountryData:
    """A country's data, loaded on demand and validated once."""

    country: str = DEFAULT_COUNTRY
    root: Path = field(default_factory=data_root)
    _tables: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.root = data_root(self.root)
        self.folder = country_dir(self.country, self.root)  # a clear error for an unknown country

    def table(self, name: str) -> pd.DataFrame:
        """A published table (``admin_counts``, ``figures``, ...), read and validated once."""
        if name not in self._tables:
            self._tables[name] = load_table(name, self.country, self.root, self._tables)
        return self._tables[name]

    @cached_property
    def codebook(self) -> Codebook:
        return load_codebook(self.root)

    @cached_property
    def indicators(self) -> pd.DataFrame:
        return load_indicators(self.root)

    @property
    def published(self) -> pd.DataFrame:
        return self.table("survey_estimates")

    @property
    def figures(self) -> pd.DataFrame:
        return self.table("figures")

    def survey_files(self) -> dict[str, Path]:
        """The survey file behind each respondent file (real microdata if present, else synthetic)."""
        return {f: survey_path(f, self.folder) for f in SURVEY_FILES}

    @property
    def synthetic(self) -> bool:
        """True when any survey file is a synthetic stand-in (named ``*_synthetic.csv``)."""
        return any(p.name.endswith("_synthetic.csv") for p in self.survey_files().values())

    @cached_property
    def surveys(self) -> dict[str, pd.DataFrame]:
        """The validated survey microdata (slow: only the estimate store and the generator need it)."""
        return {f: load_survey(f, self.folder, self.codebook) for f in SURVEY_FILES}


def load_country(country: str = DEFAULT_COUNTRY, root: Path | str | None = None) -> CountryData:
    """The handle on one country's data; checks the country folder exists."""
    return CountryData(country, data_root(root))
