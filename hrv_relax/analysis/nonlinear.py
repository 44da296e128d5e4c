"""Poincare descriptors and the Baevsky stress index.

SD1/SD2: Brennan, Palaniswami & Kamen 2001, doi:10.1109/10.959330: the standard deviations of
the Poincare cloud along and across the identity line, i.e. of (RR[i+1] -/+ RR[i]) / sqrt(2),
ddof=1 (matches Kubios to 0.002 % on the reference report, and neurokit2's ``hrv_nonlinear``).

Stress index: Baevsky & Chernikova 2017, doi:10.1007/s10747-017-0014-x,
SI = AMo / (2 Mo MxDMn), AMo in % of intervals in the modal 50 ms bin, Mo the mode (s) and
MxDMn the RR range (s); Kubios reports sqrt(SI), and so do we.
"""

import math
from dataclasses import dataclass

import numpy as np

from hrv_relax.analysis.constants import STRESS_INDEX_BIN_MS
from hrv_relax.analysis.series import FloatArray, NnSelection

SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True, slots=True)
class Poincare:
    """Poincare plot short- and long-term variability (ms)."""

    sd1_ms: float
    sd2_ms: float


def poincare(sel: NnSelection) -> Poincare:
    """SD1 and SD2 of successive NN pairs; NaN with fewer than two pairs."""
    if sel.prev_ms.size < 2:
        return Poincare(math.nan, math.nan)
    return Poincare(
        sd1_ms=float(np.std((sel.next_ms - sel.prev_ms) / SQRT2, ddof=1)),
        sd2_ms=float(np.std((sel.next_ms + sel.prev_ms) / SQRT2, ddof=1)),
    )


def stress_index(nn_ms: FloatArray) -> float:
    """Square root of Baevsky's stress index; NaN when all intervals are equal or too few."""
    if nn_ms.size < 2:
        return math.nan
    range_s = float(np.ptp(nn_ms)) / 1000.0
    if range_s <= 0.0:
        return math.nan
    # Bins aligned on multiples of the bin width, as a histogram of RR in ms would be drawn.
    bins = np.floor(nn_ms / STRESS_INDEX_BIN_MS).astype(np.intp)
    counts = np.bincount(bins - bins.min())
    amo_pct = 100.0 * float(counts.max()) / nn_ms.size
    mode_s = float(np.median(nn_ms)) / 1000.0
    return math.sqrt(amo_pct / (2.0 * mode_s * range_s))
