"""What a page draws where its country publishes nothing: the notice, in place of a figure or a table.

:func:`or_not_published` wraps a function that draws part of a page: a
:class:`~dharm.io.errors.NotPublished` raised inside becomes the notice of
:mod:`dharm.present.notices`, and the function returns an empty table.
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

from ..io.errors import NotPublished
from .notices import notice_html
from .tables import show_html

F = TypeVar("F", bound=Callable)


def show_not_published(country_name: str) -> None:
    """Say, where a figure or table would be, that the country does not publish it."""
    show_html(notice_html(country_name))


def or_not_published(function: F) -> F:
    """Draw as usual; where the country lacks the data, show the notice and return an empty table
    (nothing, for a function that returns nothing, so that a cell shows no empty table)."""
    returns_nothing = inspect.signature(function).return_annotation in (None, "None")

    @functools.wraps(function)
    def drawn(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except NotPublished as exc:
            show_not_published(exc.country_name)
            return None if returns_nothing else pd.DataFrame()
    return drawn  # type: ignore[return-value]


