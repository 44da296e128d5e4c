"""Poincare descriptors and the Baevsky stress index.

SD1/SD2: Brennan, Palaniswami & Kamen 2001, doi:10.1109/10.959330: the standard deviations of
the Poincare cloud along and across the identity line, i.e. of (RR[i+1] -/+ RR[i]) / sqrt(2),
ddof=1 (matches Kubios to 0.002 % on the reference report, and neurokit2's ``hrv_nonlinear``).

Stress index: Baevsky & Chernikova 2017, Cardiometry 10:66-76,
doi:10.12710/cardiometry.2017.10.6676, SI = AMo / (2 Mo MxDMn), AMo in % of intervals in the
modal 50 ms bin, Mo the mode (s) and MxDMn the RR range (s); Kubios reports sqrt(SI), and so do
we. Kubios' user's guide (HRV 3.x) adds that the very-low-frequency trend is removed (smoothness
priors) before the histogram, so that a slow drift in heart rate does not widen MxDMn and
flatten AMo. We follow it: the NN series is splined at 4 Hz, its smoothness-priors trend (lambda
500, ~0.035 Hz) is taken at the beat times and subtracted, and the window's mean NN is added
back. Bins are aligned on multiples of 50 ms and Mo is the centre of the modal bin. On the
Kubios reference report this gives 7.749 against 7.7198 (+0.4 %); the histogram without
detrending gives 5.61, and none of the undetrended binning conventions (edges at multiples of 50
ms or at the minimum, Mo as bin centre or median) comes within 20 % (docs/analysis.md).
"""

import math
from dataclasses import dataclass

import numpy as np

from hrv_relax.analysis.constants import (
    INTERPOLATION_RATE_HZ,
    STRESS_INDEX_BIN_MS,
    STRESS_INDEX_DETREND_LAMBDA,
)
from hrv_relax.analysis.detrending import smoothness_priors_detrend
from hrv_relax.analysis.frequency import Resampled, resample
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
    """Square root of Baevsky's stress index of (already detrended) NN intervals in ms.

    NaN when all intervals are equal or there are fewer than two.
    """
    if nn_ms.size < 2:
        return math.nan
    range_s = float(np.ptp(nn_ms)) / 1000.0
    if range_s <= 0.0:
        return math.nan
    # Bins aligned on multiples of the bin width, as a histogram of RR in ms would be drawn.
    bins = np.floor(nn_ms / STRESS_INDEX_BIN_MS).astype(np.intp)
    counts = np.bincount(bins - bins.min())
    modal = int(np.argmax(counts))
    amo_pct = 100.0 * float(counts[modal]) / nn_ms.size
    mode_s = (int(bins.min()) + modal + 0.5) * STRESS_INDEX_BIN_MS / 1000.0
    return math.sqrt(amo_pct / (2.0 * mode_s * range_s))


def vlf_residual_nn(
    t_s: FloatArray, nn_ms: FloatArray, even: Resampled | None = None
) -> FloatArray:
    """NN intervals (ms) at end times ``t_s`` minus their slow trend (about zero mean).

    The trend is the smoothness-priors fit (lambda 500) of the 4 Hz spline (``even``, when the
    caller already has it), read at the beats; with too few beats only the mean is removed.
    """
    if even is None:
        even = resample(t_s, nn_ms, INTERPOLATION_RATE_HZ)
    if even.rr_ms.size < 3:
        return np.asarray(nn_ms - (float(np.mean(nn_ms)) if nn_ms.size else 0.0), np.float64)
    trend = even.rr_ms - smoothness_priors_detrend(even.rr_ms, STRESS_INDEX_DETREND_LAMBDA)
    grid_s = even.t0_s + np.arange(even.rr_ms.size) / even.rate_hz
    return np.asarray(nn_ms - np.interp(t_s, grid_s, trend), np.float64)


def vlf_detrended_nn(
    t_s: FloatArray, nn_ms: FloatArray, even: Resampled | None = None
) -> FloatArray:
    """NN intervals (ms) with the slow trend removed and their mean added back."""
    if nn_ms.size == 0:
        return nn_ms
    return np.asarray(vlf_residual_nn(t_s, nn_ms, even) + float(np.mean(nn_ms)), np.float64)
