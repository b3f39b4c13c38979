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
from typing import Literal

import pandas as pd
import pydantic

from ..config import DEFAULT_COUNTRY, SURVEY_FILES, data_root
from .errors import DataValidationError, NotPublished, validated_yaml, where
from .published import PUBLISHED_TABLES, country_dir, load_table
from .survey import Codebook, load_codebook, load_indicators, load_survey, survey_path


class Source(pydantic.BaseModel):
    """A publication the country's published numbers are taken from."""

    model_config = pydantic.ConfigDict(extra="forbid")
    id: str = pydantic.Field(pattern=r"^[a-z0-9_]+$")
    short: str = pydantic.Field(min_length=1)  # as a figure's source line names it, e.g. "ECPAT, INTERPOL and UNICEF (2022)"
    citation: str = pydantic.Field(min_length=1)
    url: str | None = pydantic.Field(default=None, pattern=r"^https?://\S+$")
    bibkey: str | None = pydantic.Field(default=None, pattern=r"^[a-z0-9-]+$")  # its entry in the book's references.bib


class Population(pydantic.BaseModel):
    """The national number of children aged 12-17, which scales survey shares to children."""

    model_config = pydantic.ConfigDict(extra="forbid")
    children_12_17: int = pydantic.Field(gt=0)
    source: str = pydantic.Field(min_length=1)
    printed_in_report: bool  # False: an outside figure the book assumes, not one the report prints


class CountryMetadata(pydantic.BaseModel):
    """``data/<country>/metadata.yml``: what the book needs to know about a country before reading its tables.

    ``published_tables`` declares which published tables the country has: a page part whose
    table is not listed says that the number is not published for the country; a listed table
    must exist, and a file not listed is refused, so a lost file is never read as "not published".
    """

    model_config = pydantic.ConfigDict(extra="forbid")
    name: str = pydantic.Field(min_length=1)
    survey_year: int | None = pydantic.Field(ge=2000, le=2100)  # null: no source held states the year of fieldwork
    survey_microdata: Literal["synthetic", "real"]
    report: Source
    population: Population
    sources: list[Source] = []
    published_tables: list[str]

    @pydantic.field_validator("published_tables")
    @classmethod
    def _known_tables(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in PUBLISHED_TABLES]
        if unknown:
            raise ValueError(f"names of published tables; unknown: {', '.join(unknown)} (known: {', '.join(PUBLISHED_TABLES)})")
        if len(set(names)) != len(names):
            raise ValueError("each table listed once")
        return names

    @pydantic.model_validator(mode="after")
    def _unique_sources(self) -> CountryMetadata:
        ids = [self.report.id] + [s.id for s in self.sources]
        if len(set(ids)) != len(ids):
            raise ValueError(f"source ids used once (report and sources); got {', '.join(ids)}")
        return self

    @property
    def source_ids(self) -> frozenset[str]:
        """The ids a published row may name in its ``source`` column: the report's and the other sources'."""
        return frozenset([self.report.id] + [s.id for s in self.sources])

    def source(self, source_id: str) -> Source:
        """The report or one of the other sources, by id."""
        for s in [self.report, *self.sources]:
            if s.id == source_id:
                return s
        raise KeyError(f"no source {source_id!r} in metadata.yml (known: {', '.join([self.report.id] + [s.id for s in self.sources])})")


def load_metadata(folder: Path) -> CountryMetadata:
    """Read and check a country's metadata file; errors name the file and the field."""
    return validated_yaml(folder / "metadata.yml", CountryMetadata,
                          f"the fields {', '.join(CountryMetadata.model_fields)} (see data/README.md)")


@dataclass
class CountryData:
    """A country's data, loaded on demand and validated once."""

    country: str = DEFAULT_COUNTRY
    root: Path = field(default_factory=data_root)
    _tables: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.root = data_root(self.root)
        self.folder = country_dir(self.country, self.root)  # a clear error for an unknown country

    @cached_property
    def metadata(self) -> CountryMetadata:
        return load_metadata(self.folder)

    def table(self, name: str) -> pd.DataFrame:
        """A published table (``admin_counts``, ``figures``, ...), read and validated once.

        A table the country does not publish (not in ``published_tables``) is empty, with its columns.
        A ``source`` column, where the table has one, is checked against the metadata's source ids.
        """
        if name not in self._tables:
            self._tables[name] = load_table(name, self.country, self.root, self._tables, self.published_tables,
                                            self.metadata.source_ids)
        return self._tables[name]

    @cached_property
    def published_tables(self) -> frozenset[str]:
        """The published tables the metadata declare; checked against the files in ``published/``."""
        declared = frozenset(self.metadata.published_tables)
        folder = self.folder / "published"
        present = {p.stem for p in folder.glob("*.csv")} if folder.is_dir() else set()
        for name in sorted(declared - present):
            raise DataValidationError(f"{where(self.folder / 'metadata.yml')}, field 'published_tables': got {name!r}; "
                                      f"expected a table with a file, but {where(folder / (name + '.csv'))} does not exist")
        for name in sorted(present - declared):
            raise DataValidationError(f"{where(folder / (name + '.csv'))}: got a file that {where(self.folder / 'metadata.yml')} "
                                      "does not list in published_tables; expected it listed (or the file removed)")
        return declared

    def publishes(self, name: str) -> bool:
        """True when the country publishes this table (rows may still be few)."""
        return name in self.published_tables

    def not_published(self, what: str) -> NotPublished:
        """The exception a page turns into "not published for <country>"."""
        return NotPublished(self.metadata.name, what)

    def require(self, name: str) -> pd.DataFrame:
        """A published table the caller cannot do without: :class:`NotPublished` when the country lacks it."""
        if not self.publishes(name):
            raise self.not_published(f"no {name.replace('_', ' ')}")
        return self.table(name)

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
        """The survey file behind each respondent file, as the metadata declare them (synthetic or real);
        a clear error, saying how to get them, when any is missing."""
        files = self._declared_survey_files()
        missing = [path for path in files.values() if not path.is_file()]
        if missing:
            raise self._missing_survey(missing)
        return files

    def has_survey(self) -> bool:
        """True when every survey file the metadata declare is there (pages without survey estimates need none)."""
        return all(path.is_file() for path in self._declared_survey_files().values())

    def _declared_survey_files(self) -> dict[str, Path]:
        """Each respondent file's path: the file found (real first), which must match the metadata,
        or, where there is none, the name the metadata declare."""
        declared = self.metadata.survey_microdata
        files = {}
        for file in SURVEY_FILES:
            path = survey_path(file, self.folder)
            if path.is_file() and path.name.endswith("_synthetic.csv") != (declared == "synthetic"):
                raise DataValidationError(f"{where(self.folder / 'metadata.yml')}, field 'survey_microdata': got {declared!r}; "
                                          f"expected it to match the survey file {where(path)}")
            files[file] = path if path.is_file() else path.with_name(f"{file}_synthetic.csv" if declared == "synthetic" else f"{file}.csv")
        return files

    def _missing_survey(self, missing: list[Path]) -> DataValidationError:
        folder = self.folder / "survey"
        names = ", ".join(path.name for path in missing)
        if self.metadata.survey_microdata == "real":
            how = ("the survey's microdata, exported as <file>.csv and checked with `python -m dharm check-microdata` "
                   "(data/README.md, 'Swapping in the real microdata')")
        else:
            how = f"the synthetic survey files: regenerate them with `python -m dharm synthetic --country {self.country}`"
            if not (folder / "assumptions.csv").is_file():
                how += f", which reads {where(folder / 'assumptions.csv')}, missing too: restore it from the repository first"
        state = "the folder is missing" if not folder.is_dir() else "not found"
        return DataValidationError(f"{where(folder)}: got no {names} ({state}); expected {how}. "
                                   "Only survey estimates need these files.")

    @property
    def synthetic(self) -> bool:
        """True when the metadata declare the survey files synthetic stand-ins (checked against the names of
        the files present; pages without survey estimates work without them)."""
        self._declared_survey_files()
        return self.metadata.survey_microdata == "synthetic"

    @cached_property
    def surveys(self) -> dict[str, pd.DataFrame]:
        """The validated survey microdata (slow: only the estimate store and the generator need it).
        Children come first: the caregivers and the screening roster are checked against their ids."""
        self.survey_files()
        loaded: dict[str, pd.DataFrame] = {}
        for file in SURVEY_FILES:
            loaded[file] = load_survey(file, self.folder, self.codebook, loaded)
        return loaded


def load_country(country: str = DEFAULT_COUNTRY, root: Path | str | None = None) -> CountryData:
    """The handle on one country's data; checks the country folder exists."""
    return CountryData(country, data_root(root))
