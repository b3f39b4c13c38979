"""Generate the synthetic household-survey microdata, calibrated to the published numbers.

The report's microdata are not public. To let every chapter compute its figures the way
the real analysis would (weights, clusters, strata, skip patterns), this package builds a
record-level stand-in, one step per module:

``settings``  the design constants, read from the published sample sizes and the design
              rows of ``data/<country>/survey/assumptions.csv`` (nothing typed in code);
``design``    villages (PSUs) in an urban and a rural stratum, a screening roster of
              households with their children aged 12-17, and the interviewed
              internet-using children (one per household, to quotas by age and sex) with
              one caregiver each;
``weights``   village weight x internet users in the household, raked to the roster's
              estimated internet users by age, sex and area;
``targets``   for each answer, the published values (or, where the report is silent, a
              documented assumption) as blocks of codes with targets;
``fitting``   a probability for each age x sex x area cell by regularised least squares
              over every published margin;
``assign``    records picked inside each cell, ranked by a village effect (so answers
              cluster as in a real survey) and swapped until the weighted share hits the
              target; published counts (e.g. 92 children who met someone) exactly;
``answers``   question by question, in codebook order, with 'any of' groups, unions and
              exclusive 'no one' answers;
``run``       the whole run (``generate``), and an all-or-nothing validated write (``write``).

Items are generated independently given age, sex, area and village, so associations
*between* questions are not modelled and must not be analysed.

Everything is seeded; the same inputs give byte-identical files on the same machine.

Run ``python -m dharm.synthetic`` to regenerate ``data/cambodia/survey/*_synthetic.csv``.
"""
from .run import SEED, generate, main, write
from .settings import DesignSettings, design_assumptions, design_settings
from .targets import calibration_inputs, load_assumptions

__all__ = ["SEED", "DesignSettings", "calibration_inputs", "design_assumptions", "design_settings", "generate",
           "load_assumptions", "main", "write"]
