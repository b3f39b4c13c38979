"""Speed and memory of the main steps, printed as figures (``make benchmark``).

Not a test: the numbers depend on the machine. Targets are judged by reading them.
"""
from __future__ import annotations

import resource
import time
import tracemalloc

from .figures import figure_table, load_country
from .keyfindings import chapter4_numbers, summary_numbers
from .ledger import build_ledger
from .reporting import ReportingRules
from .synthetic import generate


def timed(label: str, fn, repeat: int = 1):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {best * 1000:9.1f} ms")
    return result


def main() -> None:
    tracemalloc.start()
    data = timed("load and validate Cambodia data", load_country, 3)
    rules = ReportingRules()
    timed("estimate Figure 6 (18 indicators x 6 groups)", lambda: figure_table(data, "fig06", rules), 3)
    timed("estimate Figure 13 (small bases)", lambda: figure_table(data, "fig13", rules), 3)
    chapter1 = [f for f, c in data.figures["chapter"].items() if str(c) == "1" and f != "sample"]
    chapter2 = [f for f, c in data.figures["chapter"].items() if str(c) == "2"]
    timed(f"every chapter-1 survey figure ({len(chapter1)})", lambda: [figure_table(data, f, rules) for f in chapter1])
    timed(f"every chapter-2 survey figure ({len(chapter2)})", lambda: [figure_table(data, f, rules) for f in chapter2])
    timed("executive summary numbers (recomputed, linked)", lambda: summary_numbers(data, rules))
    timed("chapter-4 numbers (insights, recommendations)", lambda: chapter4_numbers(data, rules))
    timed("reproduction ledger (all pages)", build_ledger)
    timed("generate the synthetic survey", generate)
    _, peak = tracemalloc.get_traced_memory()
    print(f"{'peak Python memory (tracemalloc)':<48} {peak / 2**20:9.1f} MiB")
    print(f"{'max resident set size':<48} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:9.1f} MiB")


if __name__ == "__main__":
    main()
