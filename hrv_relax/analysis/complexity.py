"""Fractal and entropy indices of a window's NN intervals, computed by neurokit2.

* DFA alpha1 (Peng et al. 1995, doi:10.1063/1.166141): the short-term scaling exponent of
  detrended fluctuation analysis over boxes of 4-12 beats, Kubios' setting, with boxes that do
  not overlap, as Kubios cuts them (neurokit2's ``fractal_dfa(overlap=False)``; its default
  overlapping boxes give 1.252 against Kubios' 1.3137 on the reference report, non-overlapping
  ones 1.3137).
* Sample entropy (Richman & Moorman 2000, doi:10.1152/ajpheart.2000.278.6.H2039): embedding
  dimension m = 2, tolerance r = 0.2 x SD of the intervals (Kubios' setting; neurokit2's
  ``entropy_sample``): 0.7370 against Kubios' 0.7436 (-0.9 %).

Both take the clean (NN) intervals in order, flagged ones left out. Each needs a minimum of
beats (``MIN_DFA_ALPHA1_BEATS``, ``MIN_SAMPEN_BEATS``) and costs more than the rest of the
window's indices together (SampEn grows ~quadratically), so they are for phases, reports and
exports, never for the rolling series or the live loop.
"""

import math
import warnings
from dataclasses import dataclass

import neurokit2 as nk
import numpy as np

from hrv_relax.analysis.constants import (
    DFA_ALPHA1_BEATS,
    MAX_COMPLEXITY_BEATS,
    MIN_DFA_ALPHA1_BEATS,
    MIN_SAMPEN_BEATS,
    SAMPEN_DIMENSION,
    SAMPEN_TOLERANCE_SD,
)
from hrv_relax.analysis.series import FloatArray


@dataclass(frozen=True, slots=True)
class Complexity:
    """DFA alpha1 and sample entropy (both unitless); NaN with a reason when not computable."""

    dfa_alpha1: float
    sampen: float
    reason: str


def dfa_alpha1(nn_ms: FloatArray) -> float:
    """Short-term DFA exponent over 4-12 beat boxes (neurokit2, non-overlapping boxes)."""
    lo, hi = DFA_ALPHA1_BEATS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alpha, _ = nk.fractal_dfa(nn_ms, scale=np.arange(lo, hi + 1), overlap=False)
    return float(alpha)


def sample_entropy(nn_ms: FloatArray) -> float:
    """Sample entropy with m = 2 and r = 0.2 SD (neurokit2); NaN when no template matches."""
    tolerance = SAMPEN_TOLERANCE_SD * float(np.std(nn_ms, ddof=1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value, _ = nk.entropy_sample(nn_ms, dimension=SAMPEN_DIMENSION, tolerance=tolerance)
    value = float(value)
    return value if math.isfinite(value) else math.nan


def complexity(nn_ms: FloatArray) -> Complexity:
    """DFA alpha1 and SampEn of the NN intervals (ms) of one window, each above its minimum."""
    n = int(nn_ms.size)
    reasons: list[str] = []
    if n > MAX_COMPLEXITY_BEATS:
        reasons.append(f"{n} beats > {MAX_COMPLEXITY_BEATS}: no DFA alpha1 or sample entropy")
        return Complexity(math.nan, math.nan, "; ".join(reasons))
    alpha = sampen = math.nan
    if n >= MIN_DFA_ALPHA1_BEATS:
        alpha = dfa_alpha1(nn_ms)
    else:
        reasons.append(f"{n} clean beats < {MIN_DFA_ALPHA1_BEATS}: no DFA alpha1")
    if n >= MIN_SAMPEN_BEATS and float(np.ptp(nn_ms)) > 0:
        sampen = sample_entropy(nn_ms)
    elif n < MIN_SAMPEN_BEATS:
        reasons.append(f"{n} clean beats < {MIN_SAMPEN_BEATS}: no sample entropy")
    return Complexity(alpha, sampen, "; ".join(reasons))


NO_COMPLEXITY = Complexity(math.nan, math.nan, "")
