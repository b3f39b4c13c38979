"""The book's own citation, read from ``CITATION.cff``: the one source of its title, authors, version and date.

Pages, "Cite this page/figure" blocks and the How-to-cite page all format from this record, so a
new edition changes one file. The file itself is validated against the Citation File Format
schema by ``cffconvert --validate`` in the tests; here only the fields the book uses are checked.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import pybtex.database
import pydantic

from ..config import REPO_ROOT
from .errors import DataValidationError, validated_yaml, where

CITATION_PATH = REPO_ROOT / "CITATION.cff"


class Author(pydantic.BaseModel):
    """A person (family and given names) or an entity (``name``), as CFF has them."""

    model_config = pydantic.ConfigDict(extra="allow", populate_by_name=True)
    name: str | None = None
    family_names: str | None = pydantic.Field(default=None, alias="family-names")
    given_names: str | None = pydantic.Field(default=None, alias="given-names")

    @pydantic.model_validator(mode="after")
    def _named(self) -> Author:
        if not (self.name or self.family_names):
            raise ValueError("an author with a name (an entity) or family-names (a person)")
        return self

    @property
    def display(self) -> str:
        """``Given Family`` or the entity's name."""
        return self.name or " ".join(p for p in (self.given_names, self.family_names) if p)


class BookCitation(pydantic.BaseModel):
    """The fields of ``CITATION.cff`` the book prints."""

    model_config = pydantic.ConfigDict(extra="allow", populate_by_name=True)
    title: str = pydantic.Field(min_length=1)
    authors: list[Author] = pydantic.Field(min_length=1)
    version: str = pydantic.Field(pattern=r"^\d+\.\d+\.\d+$")
    date_released: datetime.date = pydantic.Field(alias="date-released")
    url: str | None = pydantic.Field(default=None, pattern=r"^https?://\S+$")

    @property
    def author_text(self) -> str:
        """Authors joined as a reference list joins them: ``A``, ``A and B``, ``A, B and C``."""
        names = [a.display for a in self.authors]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    @property
    def year(self) -> int:
        return self.date_released.year


def load_book_citation(path: Path = CITATION_PATH) -> BookCitation:
    """Read ``CITATION.cff``; a missing file or field is one error naming the file and the field."""
    return validated_yaml(path, BookCitation, "the book's citation (title, authors, version, date-released) in Citation File Format")


REFERENCES_PATH = REPO_ROOT / "references.bib"


def load_references(path: Path = REFERENCES_PATH) -> dict[str, str]:
    """The book's bibliography as key -> a short name for links (``Child Rescue Coalition``, ``ECPAT, INTERPOL and UNICEF (2022)``)."""
    if not path.is_file():
        raise DataValidationError(f"{where(path)}: file not found; expected the book's BibTeX references")
    try:
        entries = pybtex.database.parse_file(str(path), bib_format="bibtex").entries
    except pybtex.database.PybtexError as exc:
        raise DataValidationError(f"{where(path)}: {exc}; expected valid BibTeX") from None
    short = {}
    for key, entry in entries.items():
        people = [" ".join(p.last_names).replace("{", "").replace("}", "") for p in entry.persons.get("author", [])]
        names = people[0] if len(people) == 1 else ", ".join(people[:-1]) + " and " + people[-1] if people else key
        year = entry.fields.get("year")
        short[key] = f"{names} ({year})" if year else names
    return short
