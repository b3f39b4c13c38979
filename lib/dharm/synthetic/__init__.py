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
``weights``   village weight x internet users in the household, raked with svy to the
              roster's estimated internet users by age, sex and area;
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

Portability: the same inputs and seed give byte-identical files on any x86-64 machine
(any CPU, any number of threads), because no decision rests on a result that may differ
between machines:

* random numbers come from numpy's seeded PCG64 generator, whose integer stream and
  floating-point transformations are defined bit for bit;
* the cell probabilities are the exact rational solution of the least-squares problem
  (``fractions.Fraction``), rounded once to a float; no BLAS or LAPACK call is made,
  whose kernels (and thread splits) differ by CPU;
* village weights use ``decimal`` exponentials (correctly rounded), not ``np.exp``, whose
  SIMD code differs between AVX2 and AVX-512 machines; no other exp or log is used;
* weights are rounded to 4 decimals as soon as they are made (roster) or raked (children),
  so the last bits of svy's compiled, possibly parallel raking never reach a decision
  (a difference could survive only if a weight fell within about 1e-13 of a rounding
  boundary; the determinism test would then show it);
* everything else is IEEE 754 addition, multiplication, division and comparison, in a
  fixed order (numpy's pairwise sums are fixed code, not CPU-dependent), and integer
  arithmetic for counts and quotas.

One residue is outside the package's control: numpy's normal sampler calls the C
library's ``exp``/``log1p`` in under 1% of draws (the ziggurat's edges and tail). A C
library whose result differed by one ulp could change such a draw's acceptance only if a
uniform number fell within one ulp of the boundary (odds about 1e-16 per draw), and its
value only in the last bit, which decides nothing unless two scores tie to the last bit.

Run ``python -m dharm synthetic --country <country>`` (``make synthetic``: the default country) to regenerate
``data/<country>/survey/*_synthetic.csv``.
"""
from .run import SEED, generate, write
from .settings import DesignSettings, design_settings
from .targets import load_assumptions
from .weights import RakingError, rake

__all__ = ["SEED", "DesignSettings", "RakingError", "design_settings",
           "generate", "load_assumptions", "rake", "write"]
