"""Disrupting Harm, executable edition: the library behind every notebook of the book.

Its imports flow one way, checked by ``tests/test_layers.py``:

``config`` (paths, country, tolerances, the pages from ``_toc.yml``) -> ``io`` (loading and
validation) -> ``stats`` (estimation, the estimate store, reporting rules, number formats,
tolerance judgements) -> ``report`` (one module per kind of evidence, returning neutral
tables) and ``synthetic`` (the generator of the synthetic survey) -> ``ledger`` (collects the
checks) -> ``present`` (the only place that draws) -> ``build`` (executing pages) and ``sphinxext``
(the book's Sphinx extension: citation blocks, theme fixes) -> ``pdf`` (the built book printed to
PDF) -> ``variants`` (whole books with other parameters or another country) -> ``benchmark`` -> the command line
(``python -m dharm``).
"""
