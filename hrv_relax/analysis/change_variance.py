"""How uncertain a change between two stretches of one session is: a variogram of its pieces.

Consecutive 30 s pieces of heart rate and lnRMSSD are not independent draws: they are
autocorrelated over minutes, and the heart period drifts slowly (1/f) over the session, so two
stretches apart in time differ by more than their pieces' scatter suggests. Both effects are
in the piece series' variogram, gamma(h) = E[(x[i + h] - x[i])^2] / 2 at a lag of h pieces
(Cressie 1993, *Statistics for Spatial Data*, ch. 2). For the change of two means,
D = mean(phase) - mean(baseline), the variance is exact for any series with stationary
increments (the kriging-variance identity for weights that sum to zero):

    Var D = 2 mean_{i in B, j in P} gamma(|i - j|) - mean_{B, B} gamma - mean_{P, P} gamma.

The variogram is estimated from the session itself, from pairs of pieces *within* the baseline
and within each later phase (never across the boundary, where a true change would pose as
drift), leaving out each later phase's first :data:`RESPONSE_S`, where a response to the phase
builds up. It is fitted as gamma(h) = a + b (h^alpha - 1) / alpha (a Box-Cox power law:
alpha = 0 is the logarithm of 1/f noise, 1 a random walk, 2 a linear trend), by least squares
weighted by the number of pairs at each lag, over a grid of alpha.

A session sees its own drift only at the lags it spans, and one session shows the slowest
drift once: on simulated no-change sessions the fitted variogram alone gave 13-14 % of phases a
verdict with 1.96 SDs, 7-8 % with 2.4. So its rise is held to at least that of a floor, the
variogram of a 1/f drift of the heart period of :data:`DRIFT_FLOOR_SD_MS` over the session
(for lnRMSSD, :data:`DRIFT_FLOOR_LN_RMSSD`), the middle of the 10-40 ms seen at rest. The
interval is D +/- :data:`INTERVAL_Z` sqrt(Var D); the multiplier is above 1.96 because Var D is
itself estimated from one session. Both were calibrated by simulation over the range of
issue 13 on seeds of their own, then checked on the test's
(tests/unit/analysis/test_verdict_calibration.py; docs/analysis.md has the figures).

A level shift inside a later phase (a client who tenses when the therapist moves to trigger
points, or lets go late) is change, not wander, yet every pair of pieces straddling it adds
its square to the variogram, most at the long lags that carry the drift: a +9 bpm step 3-8
minutes into a 25-minute phase widened the interval to +/- 11 bpm, and four in five such
phases were called "no clear change". So each later stretch may hold one change-point
(:func:`fit_with_steps`): the split that best separates its mean (the CUSUM maximum; Page
1954, Hinkley 1970), kept only when the two sides differ by :data:`STEP_Z` SDs or more under
the variogram fitted with the split, and then pairs never straddle it either. The phase is
still judged by its whole mean: the step is part of the change, only no longer part of the
wander. Robust variogram estimators were measured and rejected: a step contaminates a share
h / (n - h) of the pairs at lag h, past the breakdown of Cressie-Hawkins and of the median at
the lags that matter; fitting short lags only lost the power to find an early relaxation
(71.5 % instead of 88 %).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy.signal import convolve

from hrv_relax.analysis.series import FloatArray, IntArray

#: A later phase's first 3 minutes hold the build-up of any response to it (Lindgren 2010: HR
#: fell within 5 min of touch massage), which is change, not drift: left out of the variogram.
RESPONSE_S: Final = 180.0
#: Lags with fewer pairs than this are too noisy to fit; lags beyond this many pieces (30 min)
#: are not fitted (day-long phases stay O(n)).
MIN_LAG_PAIRS: Final = 8
MAX_FIT_LAG: Final = 60
#: Grid of the variogram's power: 0 (log, 1/f noise) to 2 (a linear trend).
POWERS: Final = tuple(0.1 * k for k in range(21))
#: Floor of the drift: a 1/f drift of the heart period of this SD (ms) over a session, the
#: middle of the 10-40 ms of issue 13's range; for lnRMSSD, this SD (ln units).
DRIFT_FLOOR_SD_MS: Final = 20.0
DRIFT_FLOOR_LN_RMSSD: Final = 0.1
#: A 1/f drift (1/session to 0.03 Hz) of variance s^2 over a 13-35 min session has a variogram
#: of 30 s piece means rising by this times s^2 per e-fold of lag (measured: 0.13-0.18).
PINK_SLOPE_PER_VARIANCE: Final = 0.14
#: The interval's half-width in units of the estimated SD of the change (see module text).
INTERVAL_Z: Final = 2.4
#: A change-point inside a later stretch leaves at least this many pieces (3 minutes) each side,
#: and is kept when its two sides differ by at least STEP_Z SDs (the maximum over split points
#: of a no-change stretch reached it in 2-3.5 % of simulated phases; calibrated on seeds of its
#: own, docs/analysis.md).
STEP_MIN_PIECES: Final = 6
STEP_Z: Final = 3.0


def _shape(lag: FloatArray, power: float) -> FloatArray:
    """Box-Cox of the lag: ln h at power 0, else (h^power - 1) / power."""
    return np.asarray(np.log(lag) if power == 0 else (lag**power - 1.0) / power, np.float64)


@dataclass(frozen=True, slots=True)
class Variogram:
    """gamma(h) = nugget + max(slope (h^power - 1) / power, floor_slope ln h) for h >= 1; 0 at 0."""

    nugget: float
    slope: float
    power: float
    floor_slope: float

    def at(self, lag: FloatArray) -> FloatArray:
        """The variogram at lags of whole pieces."""
        h = np.maximum(np.asarray(lag, np.float64), 1.0)
        rise = np.maximum(self.slope * _shape(h, self.power), self.floor_slope * np.log(h))
        return np.asarray(np.where(lag > 0, self.nugget + rise, 0.0), np.float64)


@dataclass(frozen=True, slots=True)
class PieceGroup:
    """Pieces of one stretch: their positions on the session's piece grid and their values."""

    position: IntArray
    value: FloatArray


def empirical_variogram(groups: Sequence[PieceGroup]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Lags (pieces), mean half squared differences and pair counts, within groups only."""
    sums = np.zeros(MAX_FIT_LAG + 1)
    counts = np.zeros(MAX_FIT_LAG + 1)
    for group in groups:
        if group.value.size < 2:
            continue
        first = int(group.position.min())
        dense = np.full(int(group.position.max()) - first + 1, math.nan)
        dense[group.position - first] = group.value
        for h in range(1, min(MAX_FIT_LAG, dense.size - 1) + 1):
            diff = dense[h:] - dense[:-h]
            ok = np.isfinite(diff)
            sums[h] += 0.5 * float(np.sum(diff[ok] ** 2))
            counts[h] += float(np.count_nonzero(ok))
    lags = np.nonzero(counts >= MIN_LAG_PAIRS)[0]
    lags = lags[lags > 0]
    return lags.astype(np.float64), sums[lags] / counts[lags], counts[lags]


def fit_variogram(groups: Sequence[PieceGroup], floor_slope: float) -> Variogram:
    """The weighted least-squares power-law variogram of ``groups``, slope at least the floor."""
    lags, gamma, weight = empirical_variogram(groups)
    if lags.size == 0:
        # Too few pieces for any lag: the pieces' scatter about their own stretch's mean.
        devs = [g.value - g.value.mean() for g in groups if g.value.size >= 2]
        n = sum(d.size for d in devs) - len(devs)
        nugget = float(sum(np.sum(d**2) for d in devs) / n) if n > 0 else math.nan
        return Variogram(nugget, 0.0, 0.0, floor_slope)
    # Weighted least squares of gamma = nugget + slope * shape, closed form, every power at once.
    shape = np.stack([_shape(lags, power) for power in POWERS])  # (powers, lags)
    w_sum, wg_sum = float(np.sum(weight)), float(np.sum(weight * gamma))
    ws, wss, wsg = shape @ weight, (shape**2) @ weight, shape @ (weight * gamma)
    denominator = w_sum * wss - ws**2
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = np.where(denominator > 0, (w_sum * wsg - ws * wg_sum) / denominator, 0.0)
        nuggets = (wg_sum - slopes * ws) / w_sum
        flat = slopes <= 0  # the weighted mean
        nuggets, slopes = np.where(flat, wg_sum / w_sum, nuggets), np.where(flat, 0.0, slopes)
        origin = nuggets < 0  # through the origin
        slopes = np.where(origin, np.maximum(np.where(wss > 0, wsg / wss, 0.0), 0.0), slopes)
        nuggets = np.where(origin, 0.0, nuggets)
    resid = ((gamma - nuggets[:, None] - slopes[:, None] * shape) ** 2) @ weight
    k = int(np.argmin(resid))
    return Variogram(float(nuggets[k]), float(slopes[k]), POWERS[k], floor_slope)


def best_split(group: PieceGroup) -> tuple[PieceGroup, PieceGroup] | None:
    """The group cut where its two sides' means differ most (the CUSUM maximum), or None.

    Each side keeps at least STEP_MIN_PIECES; pieces are in time order.
    """
    n = group.value.size
    if n < 2 * STEP_MIN_PIECES:
        return None
    total = np.cumsum(group.value)
    k = np.arange(STEP_MIN_PIECES, n - STEP_MIN_PIECES + 1)
    before = total[k - 1] / k
    after = (total[-1] - total[k - 1]) / (n - k)
    cut = int(k[np.argmax(np.abs(after - before) * np.sqrt(k * (n - k) / n))])
    return (
        PieceGroup(group.position[:cut], group.value[:cut]),
        PieceGroup(group.position[cut:], group.value[cut:]),
    )


def fit_with_steps(
    baseline: PieceGroup, later: Sequence[PieceGroup], floor_slope: float
) -> Variogram:
    """The variogram of ``baseline`` and ``later`` stretches, each later one allowed one step.

    Every later stretch is cut at its best split; a cut is kept when its two sides differ by
    STEP_Z SDs or more under the variogram fitted with all cuts, and the variogram is fitted
    again with the kept ones only. The baseline is never cut: it is the reference level.
    """
    cuts = [best_split(group) for group in later]
    if all(cut is None for cut in cuts):
        return fit_variogram([baseline, *later], floor_slope)
    trial = fit_variogram(
        [baseline, *(piece for g, c in zip(later, cuts, strict=True) for piece in c or (g,))],
        floor_slope,
    )
    groups = [baseline]
    for group, cut in zip(later, cuts, strict=True):
        if cut is not None and _is_step(*cut, trial):
            groups.extend(cut)
        else:
            groups.append(group)
    return fit_variogram(groups, floor_slope)


def _is_step(before: PieceGroup, after: PieceGroup, model: Variogram) -> bool:
    """Whether the two sides' means differ by at least STEP_Z SDs under ``model``."""
    variance = change_variance(before.position, after.position, model)
    step = float(np.mean(after.value) - np.mean(before.value))
    return variance > 0 and abs(step) >= STEP_Z * math.sqrt(variance)


def _mean_gamma(first: IntArray, second: IntArray, model: Variogram) -> float:
    """Mean of gamma(|i - j|) over all pairs (i in first, j in second), by lag counts."""
    lo = int(min(first.min(), second.min()))
    hi = int(max(first.max(), second.max()))
    a = np.zeros(hi - lo + 1)
    b = np.zeros(hi - lo + 1)
    np.add.at(a, first - lo, 1.0)
    np.add.at(b, second - lo, 1.0)
    # counts[k] = number of pairs with j - i = k - (len - 1)
    counts = np.rint(convolve(b, a[::-1]))  # direct or by FFT, whichever is faster
    lags = np.abs(np.arange(counts.size, dtype=np.float64) - (a.size - 1))
    return float(np.sum(counts * model.at(lags)) / (first.size * second.size))


def change_variance(base: IntArray, phase: IntArray, model: Variogram) -> float:
    """Var(mean(phase) - mean(baseline)) for pieces at these grid positions."""
    cross = _mean_gamma(base, phase, model)
    return 2.0 * cross - _mean_gamma(base, base, model) - _mean_gamma(phase, phase, model)


def hr_floor_slope(hr_bpm: float) -> float:
    """The variogram slope floor for heart rate (bpm^2 per e-fold of lag) at this rate."""
    bpm_per_ms = hr_bpm * hr_bpm / 60_000.0  # d HR / d RR at this rate
    return PINK_SLOPE_PER_VARIANCE * (DRIFT_FLOOR_SD_MS * bpm_per_ms) ** 2


#: The variogram slope floor for lnRMSSD (per e-fold of lag).
LN_RMSSD_FLOOR_SLOPE: Final = PINK_SLOPE_PER_VARIANCE * DRIFT_FLOOR_LN_RMSSD**2
