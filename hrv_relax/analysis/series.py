"""The beat series every analysis starts from: RR intervals, their end times, and which are NN.

An RR interval ``rr_ms[i]`` ends at beat ``i`` at time ``t_s[i]`` (seconds from the start of
the first interval). Without recorded times, ``t_s = cumsum(rr_ms) / 1000``. With recorded times
a gap (missing beats) is visible as ``t_s[i] - t_s[i-1]`` well above ``rr_ms[i] / 1000``; the
difference across a gap is not a successive difference.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.constants import GAP_TOLERANCE_S
from hrv_relax.errors import AnalysisError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class BeatSeries:
    """RR intervals with end times; ``follows[i]`` is True when interval i directly follows i-1."""

    rr_ms: FloatArray
    t_s: FloatArray
    follows: BoolArray

    @property
    def n(self) -> int:
        """Number of RR intervals."""
        return int(self.rr_ms.size)


def beat_series(rr_ms: npt.ArrayLike, t_s: npt.ArrayLike | None = None) -> BeatSeries:
    """Validate RR intervals (ms) and optional end times (s) into a :class:`BeatSeries`."""
    rr = np.asarray(rr_ms, dtype=np.float64).ravel()
    if t_s is None:
        t = np.cumsum(rr) / 1000.0
        follows = np.ones(rr.size, dtype=np.bool_)
    else:
        t = np.asarray(t_s, dtype=np.float64).ravel()
        if t.size != rr.size:
            raise AnalysisError(f"t_s has {t.size} values but rr_ms has {rr.size}")
        step_s = np.diff(t, prepend=np.nan)
        follows = np.abs(step_s - rr / 1000.0) <= GAP_TOLERANCE_S
    if rr.size:
        follows[0] = False
    if not np.all(np.isfinite(rr)):
        raise AnalysisError("rr_ms contains NaN or infinite values")
    return BeatSeries(rr_ms=rr, t_s=t, follows=follows)


@dataclass(frozen=True, slots=True)
class NnSelection:
    """Clean intervals and the successive pairs of clean intervals (Poincare x and y)."""

    nn_ms: FloatArray
    prev_ms: FloatArray
    next_ms: FloatArray

    @property
    def dnn_ms(self) -> FloatArray:
        """Successive differences of NN intervals (ms)."""
        return self.next_ms - self.prev_ms


def pair_mask(series: BeatSeries, keep: BoolArray) -> BoolArray:
    """True at i where intervals i-1 and i are both kept and directly successive."""
    ok = keep & series.follows
    ok[1:] &= keep[:-1]
    return ok


def select_nn(series: BeatSeries, keep: BoolArray) -> NnSelection:
    """Kept intervals and successive kept pairs; a pair never spans a dropped interval or gap."""
    pairs = pair_mask(series, keep)
    idx = np.flatnonzero(pairs)
    return NnSelection(
        nn_ms=series.rr_ms[keep], prev_ms=series.rr_ms[idx - 1], next_ms=series.rr_ms[idx]
    )


def gap_before_s(series: BeatSeries) -> FloatArray:
    """Unrecorded time (s) between beat i-1 and the start of interval i; 0 where it follows.

    The first interval has no gap before it: a window starts where its first interval starts.
    """
    gaps = np.zeros(series.n)
    if series.n > 1:
        starts = series.t_s[1:] - series.rr_ms[1:] / 1000.0
        gaps[1:] = np.maximum(starts - series.t_s[:-1], 0.0)
    gaps[series.follows] = 0.0
    return gaps


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a window's span (s) the beats cover: durations exclude gap time."""

    span_s: float
    covered_s: float
    longest_gap_s: float

    @property
    def gap_pct(self) -> float:
        """Share of the span that is gap (%)."""
        return 100.0 * (1.0 - self.covered_s / self.span_s) if self.span_s > 0 else 0.0


def coverage(series: BeatSeries) -> Coverage:
    """Span from the start of the first interval to the last beat, and the part beats cover."""
    if series.n == 0:
        return Coverage(0.0, 0.0, 0.0)
    span_s = float(series.t_s[-1] - series.t_s[0] + series.rr_ms[0] / 1000.0)
    gaps = gap_before_s(series)
    return Coverage(span_s, max(span_s - float(gaps.sum()), 0.0), float(gaps.max()))
