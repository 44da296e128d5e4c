"""Shared helpers of the benchmarks: medians of repeated timings, and the run's size."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Size:
    """How big a run is: the full run for the figures, or ``--quick`` to check that it runs."""

    quick: bool = False

    def pick(self, full: int, quick: int) -> int:
        """`full` for the figures, `quick` for the check."""
        return quick if self.quick else full


def median_ms(work: Callable[[], object], repeats: int, *, warm: bool = True) -> float:
    """Median wall time of `work()` in ms over `repeats` calls (after one untimed call)."""
    if warm:
        work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


#: The full run, whose figures the READMEs quote.
FULL = Size()


def size_from_argv() -> Size:
    """The size a bench module was run with: ``python -m benchmarks.bench_NAME [--quick]``."""
    return Size(quick="--quick" in sys.argv[1:])
