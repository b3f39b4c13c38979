"""Presentation: the only layer that imports IPython, altair or myst_nb.

Each ``show_*`` function draws one thing on a page (a chart with its base and source, a
table, a CSV download) from the neutral tables of :mod:`dharm.report`; ``glue_*`` functions
hand computed numbers to the page's prose.
"""
