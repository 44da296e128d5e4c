"""Artefact detection: which RR intervals are not clean normal-to-normal (NN) intervals.

Core: Lipponen & Tarvainen 2019, "A robust algorithm for heart rate variability time series
artefact correction using novel beat classification", J Med Eng Technol 43(3):173-181,
doi:10.1080/03091902.2019.1640306 (Kubios' automatic correction), vectorised: successive
differences dRR and deviations from an 11-beat median mRR, each scaled by a time-varying
threshold (5.2 quartile deviations over 91 beats), then the decision rules for ectopic,
missed, extra and long/short beats.

Changes where the annotated records said so (see docs/analysis.md for the figures):

* An ectopic beat spoils two intervals (the one it ends and the one it starts), so both are
  flagged; an extra beat likewise.
* Implausible intervals (outside 250-2500 ms) are always flagged.
* Frequent ectopy (bigeminy, trigeminy) inflates the published thresholds and the 11-beat
  median until most ectopic beats pass (sensitivity 0.15-0.36 on the ventricular-ectopy
  development records). The default detector (:func:`classify_artifacts`) therefore uses a
  reference that ectopy does not move: the running median of *pair means*
  (RR[n] + RR[n+1]) / 2, which a premature beat followed by its compensatory pause leaves
  unchanged. A beat is ectopic when its interval is short against that reference and the next
  one jumps up and comes back down (the premature/compensatory signature: a jump that
  persists is a change of sinus rate), or when it is very premature alone.
* Thresholds that widen with the local beat-to-beat spread protect relaxed, high-variability
  clients, but frequent ectopy with varying coupling inflates that spread too. Detection
  therefore runs twice: a first pass with fixed thresholds sets the plain ectopic beats aside,
  and the spread (and the irregular-rhythm test) is measured on the beats that remain.
* Atrial fibrillation makes every interval irregular and ectopic beats indistinguishable by
  timing; HRV there is not autonomic. Intervals in such a stretch (no lag of 1-3 beats predicts
  the next interval, even once the plain ectopic beats are set aside, and the short intervals
  are not followed by compensating pauses) are classed ``irregular`` instead, and windows
  dominated by them are unreliable. The compensation test keeps frequent ventricular ectopy
  with varying coupling, whose pauses do compensate, out of that class.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.ndimage import median_filter, percentile_filter

from hrv_relax.analysis.constants import (
    COMPENSATION_BEATS,
    COMPENSATION_RESIDUAL_FRACTION,
    ECTOPIC_JUMP_FRACTION,
    ECTOPIC_PREMATURE_FRACTION,
    EXTRA_CYCLE_TOLERANCE,
    EXTRA_SHORT_FRACTION,
    IRREGULAR_BEATS,
    IRREGULAR_FRACTION,
    IRREGULAR_REST_FRACTION,
    LONG_FRACTION,
    PAUSE_RETURN_FRACTION,
    PERIODIC_FRACTION,
    PERIODIC_MAX_LAG_BEATS,
    REFERENCE_BEATS,
    RR_MAX_MS,
    RR_MIN_MS,
    SOLO_PREMATURE_FRACTION,
    SPREAD_MULTIPLE,
    STEP_MULTIPLE,
    STRONG_JUMP_FRACTION,
)
from hrv_relax.analysis.series import BoolArray, FloatArray

#: Lipponen & Tarvainen 2019 decision constants (dimensionless) and window lengths (beats).
LT_ALPHA = 5.2
LT_C1 = 0.13
LT_C2 = 0.17
LT_THRESHOLD_BEATS = 91
LT_MEDIAN_BEATS = 11
LT_MRR_LIMIT = 3.0
QUARTILE_DEVIATION_FLOOR_MS = 1.0
MIN_BEATS = 4


@dataclass(frozen=True, slots=True)
class ArtifactClasses:
    """Per-interval artefact classes (bool arrays aligned with ``rr_ms``)."""

    ectopic: BoolArray
    missed: BoolArray
    extra: BoolArray
    long_short: BoolArray
    implausible: BoolArray
    irregular: BoolArray

    @property
    def any(self) -> BoolArray:
        """True where the interval is not a clean NN interval (irregular rhythm excepted)."""
        return self.ectopic | self.missed | self.extra | self.long_short | self.implausible


def _threshold(values: FloatArray) -> FloatArray:
    """alpha x quartile deviation of |values| over a centred 91-beat window."""
    mag = np.abs(values)
    q1 = percentile_filter(mag, 25, size=LT_THRESHOLD_BEATS, mode="nearest")
    q3 = percentile_filter(mag, 75, size=LT_THRESHOLD_BEATS, mode="nearest")
    qd = np.maximum((q3 - q1) / 2.0, QUARTILE_DEVIATION_FLOOR_MS)
    return np.asarray(LT_ALPHA * qd, np.float64)


def _shift(x: FloatArray, k: int) -> FloatArray:
    """``x[n + k]`` at n, edge-padded."""
    # Slices, not np.roll: the detector shifts ~20 times a call, and np.roll's own
    # overhead was a fifth of a live refresh's artefact judging.
    out = np.empty_like(x)
    if k > 0:
        out[:-k], out[-k:] = x[k:], x[-1]
    elif k < 0:
        out[-k:], out[:-k] = x[:k], x[0]
    else:
        out[:] = x
    return out


def _prepare(rr_ms: npt.ArrayLike) -> tuple[FloatArray, BoolArray, BoolArray]:
    rr = np.asarray(rr_ms, dtype=np.float64).ravel()
    implausible = (rr < RR_MIN_MS) | (rr > RR_MAX_MS)
    return rr, implausible, np.zeros(rr.size, dtype=np.bool_)


def lipponen_tarvainen(rr_ms: npt.ArrayLike) -> ArtifactClasses:
    """The published Lipponen & Tarvainen 2019 classification, vectorised (for comparison)."""
    rr, implausible, empty = _prepare(rr_ms)
    if rr.size < MIN_BEATS:
        return ArtifactClasses(empty, empty, empty, empty, implausible, empty)
    drr = np.diff(rr, prepend=rr[0])
    drr[0] = drr[1]
    drrs = drr / _threshold(drr)
    prev, nxt, nxt2 = _shift(drrs, -1), _shift(drrs, 1), _shift(drrs, 2)
    s12 = np.where(drrs > 0, np.maximum(prev, nxt), np.minimum(prev, nxt))
    s22 = np.where(drrs >= 0, np.minimum(nxt, nxt2), np.maximum(nxt, nxt2))

    med_ms = median_filter(rr, size=LT_MEDIAN_BEATS, mode="nearest")
    mrr = rr - med_ms
    mrr = np.where(mrr < 0, 2.0 * mrr, mrr)
    th2 = _threshold(mrr)
    mrrs = mrr / th2

    ectopic_start = (drrs < -1) & (s12 > -LT_C1 * drrs + LT_C2)
    ectopic_end = (drrs > 1) & (s12 < -LT_C1 * drrs - LT_C2)
    long_beat = (drrs > 1) & (s22 < -1)
    short_beat = (drrs < -1) & (s22 > 1)
    big_mrr = np.abs(mrrs) > LT_MRR_LIMIT
    candidate = (long_beat | short_beat | big_mrr) & ~(ectopic_start | ectopic_end)

    missed = candidate & long_beat & (np.abs(rr / 2.0 - med_ms) < th2)
    extra_start = candidate & short_beat & (np.abs(rr + _shift(rr, 1) - med_ms) < th2)
    long_short = candidate & ~missed & ~extra_start

    # An ectopic or extra beat ends one interval and starts the next: flag both.
    ectopic = (
        ectopic_start | _shift_bool(ectopic_start, 1) | ectopic_end | _shift_bool(ectopic_end, -1)
    )
    extra = extra_start | _shift_bool(extra_start, 1)
    return ArtifactClasses(
        ectopic, missed, extra, long_short, implausible, np.zeros_like(implausible)
    )


def _premature(rel: FloatArray, jump: FloatArray | float, solo: FloatArray | float) -> BoolArray:
    """Intervals ended by a premature beat, from the deviations ``rel`` from the reference.

    Short and followed by a jump up that is transient (the compensatory pause, after which the
    rhythm returns), or very short after a sudden drop. A jump that persists is a change of
    sinus rate, not a pause, unless it is very large.
    """
    rel_prev, rel_next, rel_next2 = _shift(rel, -1), _shift(rel, 1), _shift(rel, 2)
    rise = rel_next - rel
    returns = rel_next - rel_next2 > PAUSE_RETURN_FRACTION * rise
    returns[-2:] = True  # the return falls outside the window: give the benefit of the doubt
    short = rel < -ECTOPIC_PREMATURE_FRACTION
    short_then_pause = short & (rise > jump)
    short_then_pause &= returns | (rel < -solo) | (rise > STRONG_JUMP_FRACTION)
    sudden_drop = (rel < -solo) & (rel_prev - rel > jump)
    # The last interval's pause is not seen yet: a drop into it is enough.
    sudden_drop[-1] |= bool(short[-1]) and bool(rel_prev[-1] - rel[-1] > np.atleast_1d(jump)[-1])
    return np.asarray(short_then_pause | sudden_drop, np.bool_)


def _missed(rel: FloatArray, jump: FloatArray | float) -> BoolArray:
    """Intervals far longer than the reference and than both neighbours (missed beat, pause)."""
    rel_prev, rel_next = _shift(rel, -1), _shift(rel, 1)
    return np.asarray((rel > LONG_FRACTION) & (rel - np.maximum(rel_prev, rel_next) > jump))


def _lag_deviation(rel: FloatArray) -> FloatArray:
    """Smallest deviation from the interval 1, 2 or 3 beats back.

    Small in sinus rhythm (lag 1), bigeminy (lag 2) and trigeminy (lag 3); large only when the
    rhythm is irregular.
    """
    return np.asarray(np.minimum.reduce([np.abs(rel - _shift(rel, -k)) for k in (1, 2, 3)]))


def _step(rel: FloatArray) -> FloatArray:
    """Deviation from the interval just before: the sinus beat-to-beat step."""
    return np.asarray(np.abs(rel - _shift(rel, -1)), np.float64)


def _at_next(values: FloatArray, idx: npt.NDArray[np.intp], n: int) -> FloatArray:
    """``values`` measured at the intervals ``idx``, given to each of ``n`` intervals from the
    next of those intervals (the last one's value after it)."""
    pos = np.minimum(np.searchsorted(idx, np.arange(n)), idx.size - 1)
    return np.asarray(values[pos], np.float64)


def _survivor_spread(
    rel: FloatArray, suspect: BoolArray, deviation: Callable[[FloatArray], FloatArray]
) -> FloatArray:
    """Local spread (median ``deviation`` over 61 intervals) of the intervals not ``suspect``.

    Each interval gets the spread around the next unsuspected interval; inf when almost all
    are suspect.
    """
    idx = np.flatnonzero(~suspect)
    if idx.size < MIN_BEATS:
        return np.full(rel.size, np.inf)
    spread = median_filter(deviation(rel[idx]), size=IRREGULAR_BEATS, mode="reflect")
    return _at_next(spread, idx, rel.size)


def _periodic(rel: FloatArray) -> BoolArray:
    """Stretches that repeat at some lag of 1 to ``PERIODIC_MAX_LAG_BEATS`` beats.

    Sinus rhythm repeats at lag 1, bigeminy and trigeminy at 2 and 3, and respiratory sinus
    arrhythmia at its breathing period (4-10 beats at 6-15 breaths a minute and 60 bpm):
    over 61 beats, the median deviation from the interval that many beats back is small for
    one of those lags (~0.005 for a large, clean RSA). Atrial fibrillation repeats at none
    (>= 0.11 at every lag on the development record).
    """
    medians = [
        median_filter(np.abs(rel - _shift(rel, -k)), size=IRREGULAR_BEATS, mode="reflect")
        for k in range(1, PERIODIC_MAX_LAG_BEATS + 1)
    ]
    return np.asarray(np.minimum.reduce(medians) < PERIODIC_FRACTION, np.bool_)


def _split(rel: FloatArray) -> BoolArray:
    """Both halves of an interval split by an extra (spurious) detection.

    Two successive intervals, each well short of the reference, that together last one
    reference cycle (``rel[n] + rel[n + 1]`` near -1). A premature beat and its pause last
    two cycles instead, and atrial fibrillation seldom gives two intervals under
    ``1 - EXTRA_SHORT_FRACTION`` of the cycle in a row that add up to one.
    """
    rel_next = _shift(rel, 1)
    pair = (
        (rel < -EXTRA_SHORT_FRACTION)
        & (rel_next < -EXTRA_SHORT_FRACTION)
        & (np.abs(rel + rel_next + 1.0) < EXTRA_CYCLE_TOLERANCE)
    )
    pair[-1] = False  # the last interval has no successor
    return np.asarray(pair | _shift_bool(pair, 1), np.bool_)


def _uncompensated(rel: FloatArray, premature: BoolArray) -> BoolArray:
    """Stretches whose premature-looking beats are not followed by a compensating pause.

    An ectopic beat is followed by a pause that brings the rhythm back on time: the two
    intervals together last about two sinus cycles (|rel[n] + rel[n + 1]| small; median 0.04
    in the trigeminy of the development records). In atrial fibrillation a short interval is
    followed by one of any length (median 0.2). Running median over the nearest premature
    beats; True (no objection) where there are too few of them to judge, as in a short
    window.
    """
    idx = np.flatnonzero(premature)
    if idx.size < MIN_BEATS:
        return np.ones(rel.size, dtype=np.bool_)
    residual = np.abs(rel[idx] + _shift(rel, 1)[idx])
    local = median_filter(residual, size=COMPENSATION_BEATS, mode="reflect")
    return np.asarray(_at_next(local, idx, rel.size) > COMPENSATION_RESIDUAL_FRACTION, np.bool_)


def classify_artifacts(rr_ms: npt.ArrayLike) -> ArtifactClasses:
    """Classify RR intervals (ms): ectopic, missed (long), implausible, irregular rhythm.

    Compensation-aware detector (module docstring); ``long_short`` stays empty because a
    short-long pair shows up as ectopic here and a long one as missed. ``extra`` marks the
    two halves of a beat split by a spurious detection, in irregular stretches too.
    """
    rr, implausible, empty = _prepare(rr_ms)
    if rr.size < MIN_BEATS:
        return ArtifactClasses(empty, empty, empty, empty, implausible, empty)
    plausible_rr = np.clip(rr, RR_MIN_MS, RR_MAX_MS)
    pair_mean_ms = (plausible_rr + _shift(plausible_rr, 1)) / 2.0
    pair_mean_ms[-1] = pair_mean_ms[-2]  # the last interval has no successor to pair with
    # Mirrored at the ends: repeating the last value would let a final pause drag the
    # reference up and make the normal beats before it look premature.
    reference_ms = median_filter(pair_mean_ms, size=REFERENCE_BEATS, mode="reflect")
    rel = rr / reference_ms - 1.0
    # Pass 1, fixed thresholds: the beats that are plainly ectopic or missed.
    first = _premature(rel, ECTOPIC_JUMP_FRACTION, SOLO_PREMATURE_FRACTION)
    suspect = first | _shift_bool(first, 1) | _missed(rel, ECTOPIC_JUMP_FRACTION) | implausible
    # Spread of the whole stretch, and of what is left once those beats are set aside:
    # frequent ectopy with varying coupling makes the former large, not the latter, while in
    # atrial fibrillation both stay large.
    spread_all = median_filter(_lag_deviation(rel), size=IRREGULAR_BEATS, mode="reflect")
    spread_rest = _survivor_spread(rel, suspect, _lag_deviation)
    irregular = (spread_all > IRREGULAR_FRACTION) & (spread_rest > IRREGULAR_REST_FRACTION)
    irregular &= _uncompensated(rel, first)
    if irregular.any():  # the periodicity test costs ten running medians: only when needed
        irregular &= ~_periodic(rel)
    # Pass 2: thresholds widen with the sinus beat-to-beat spread, so that the large, smooth
    # swings of a relaxed person breathing slowly are not taken for ectopy: the spread of
    # the intervals around (the lag that fits best) and their plain step from one beat to
    # the next, both measured on the beats left once the plain ectopic ones are set aside.
    # When almost every beat is plainly ectopic (sustained bigeminy) no sinus step is left to
    # measure: the survivors' spread is inf there and must not widen anything.
    step = _survivor_spread(rel, suspect, _step)
    widen = np.maximum(
        SPREAD_MULTIPLE * np.minimum(spread_all, spread_rest),
        STEP_MULTIPLE * np.where(np.isfinite(step), step, 0.0),
    )
    jump = np.maximum(ECTOPIC_JUMP_FRACTION, widen)
    solo = np.maximum(SOLO_PREMATURE_FRACTION, widen)
    premature = _premature(rel, jump, solo) & ~irregular & ~implausible
    missed = _missed(rel, jump) & ~irregular & ~implausible
    extra = _split(rel) & ~implausible
    # The premature beat ends interval n and starts interval n + 1.
    ectopic = (premature | _shift_bool(premature, 1)) & ~extra
    return ArtifactClasses(ectopic, missed, extra, empty.copy(), implausible, irregular)


def _shift_bool(x: BoolArray, k: int) -> BoolArray:
    """``x[n - k]`` at n (delay by k), zero-filled."""
    out = np.zeros_like(x)
    if k > 0:
        out[k:] = x[:-k]
    else:
        out[:k] = x[-k:]
    return out


def detect_artifacts(rr_ms: npt.ArrayLike) -> BoolArray:
    """True where an RR interval (ms) is not clean NN: ectopic, missed, extra or implausible.

    Intervals in a stretch of irregular rhythm are not flagged here (timing cannot single out
    ectopic beats there); :func:`classify_artifacts` reports them as ``irregular``.
    """
    return classify_artifacts(rr_ms).any
