"""Windows over a beat series in O(n + windows): index ranges and prefix sums.

A window ``(start_s, end_s]`` holds the intervals whose end time lies inside it. Sums of any
per-interval quantity over every window come from one cumulative sum, so HR and RMSSD for
thousands of windows cost one pass over the beats.
"""

from dataclasses import dataclass

import numpy as np

from hrv_relax.analysis.series import (
    BeatSeries,
    BoolArray,
    FloatArray,
    IntArray,
    gap_before_s,
    pair_mask,
)


@dataclass(frozen=True, slots=True)
class WindowGrid:
    """Window end times (s) and, per window, the half-open index range [lo, hi) of intervals."""

    end_s: FloatArray
    lo: IntArray
    hi: IntArray


def window_grid(
    t_s: FloatArray, window_s: float, step_s: float, start_s: float | None = None
) -> WindowGrid:
    """Windows of ``window_s`` every ``step_s``, the first ending one window after ``start_s``.

    ``start_s`` defaults to the first end time; sessions pass the start of the first interval.
    """
    if t_s.size == 0:
        empty = np.empty(0, dtype=np.intp)
        return WindowGrid(np.empty(0), empty, empty)
    start = float(t_s[0]) if start_s is None else start_s
    n = int(np.floor((float(t_s[-1]) - start - window_s) / step_s + 1e-9)) + 1
    end_s = start + window_s + step_s * np.arange(max(n, 0), dtype=np.float64)
    lo = np.searchsorted(t_s, end_s - window_s, side="right").astype(np.intp)
    hi = np.searchsorted(t_s, end_s, side="right").astype(np.intp)
    return WindowGrid(end_s, lo, hi)


def window_sums(values: FloatArray, grid: WindowGrid) -> FloatArray:
    """Sum of ``values`` over each window of ``grid``."""
    csum = np.concatenate(([0.0], np.cumsum(values)))
    return np.asarray(csum[grid.hi] - csum[grid.lo], np.float64)


@dataclass(frozen=True, slots=True)
class WindowMoments:
    """Per-window counts and sums of clean intervals and of successive clean pairs."""

    n_all: FloatArray
    n_nn: FloatArray
    mean_rr_ms: FloatArray
    n_pairs: FloatArray
    mean_sq_diff_ms2: FloatArray
    var_diff_ms2: FloatArray
    var_sum_ms2: FloatArray


def _variance(n: FloatArray, s1: FloatArray, s2: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((s2 - s1 * s1 / n) / (n - 1.0), np.float64)


def window_moments(series: BeatSeries, keep: BoolArray, grid: WindowGrid) -> WindowMoments:
    """Counts, mean RR and the pair statistics behind RMSSD, SD1 and SD2 for each window.

    A pair (i-1, i) belongs to the window holding interval i and both intervals must lie in it.
    """
    rr = series.rr_ms
    centre = float(np.mean(rr)) if rr.size else 0.0
    ok = pair_mask(series, keep)
    # Pairs whose first interval is the window's first would reach outside: drop them by
    # counting pairs over (lo, hi) instead of [lo, hi).
    shifted = WindowGrid(grid.end_s, np.minimum(grid.lo + 1, grid.hi), grid.hi)
    prev = np.concatenate(([0.0], rr[:-1]))
    diff = np.where(ok, rr - prev, 0.0)
    summ = np.where(ok, rr + prev - 2.0 * centre, 0.0)
    n_pairs = window_sums(ok.astype(np.float64), shifted)
    sum_d = window_sums(diff, shifted)
    sum_d2 = window_sums(diff * diff, shifted)
    sum_s = window_sums(summ, shifted)
    sum_s2 = window_sums(summ * summ, shifted)
    n_nn = window_sums(keep.astype(np.float64), grid)
    sum_rr = window_sums(np.where(keep, rr - centre, 0.0), grid)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_rr = sum_rr / n_nn + centre
        mean_sq = sum_d2 / n_pairs
    return WindowMoments(
        n_all=(grid.hi - grid.lo).astype(np.float64),
        n_nn=n_nn,
        mean_rr_ms=np.asarray(mean_rr, np.float64),
        n_pairs=n_pairs,
        mean_sq_diff_ms2=np.asarray(mean_sq, np.float64),
        var_diff_ms2=_variance(n_pairs, sum_d, sum_d2),
        var_sum_ms2=_variance(n_pairs, sum_s, sum_s2),
    )


@dataclass(frozen=True, slots=True)
class WindowCoverage:
    """Per window: covered time (s), the share of the span that is gap (%), long gaps inside."""

    covered_s: FloatArray
    gap_pct: FloatArray
    has_long_gap: BoolArray


def window_coverage(
    series: BeatSeries, grid: WindowGrid, long_gap_s: float, window_s: float | None = None
) -> WindowCoverage:
    """How much of each window the beats cover, in O(n + windows).

    With ``window_s`` None the span is that of the window's beats (start of its first interval
    to its last beat), as :func:`hrv_indices` measures a window; with ``window_s`` it is the
    whole window, so time before the first or after the last beat counts as gap too (the 4 Hz
    spline spans the whole window and would fill that time).
    """
    rr_s = series.rr_ms / 1000.0
    gaps = gap_before_s(series)
    # Gaps before intervals lo+1 .. hi-1: the gap before the first interval is outside.
    inner = WindowGrid(grid.end_s, np.minimum(grid.lo + 1, grid.hi), grid.hi)
    gap_s = window_sums(gaps, inner)
    n_long = window_sums((gaps > long_gap_s).astype(np.float64), inner)
    empty = grid.hi <= grid.lo
    n = series.n
    if n == 0:
        zeros = np.zeros(grid.end_s.size)
        return WindowCoverage(zeros, np.full(grid.end_s.size, 100.0), zeros > 0)
    first = np.minimum(grid.lo, n - 1)
    last = np.maximum(grid.hi - 1, 0)
    start_s = series.t_s[first] - rr_s[first]
    beats_span = series.t_s[last] - start_s
    if window_s is None:
        span = np.where(empty, 0.0, beats_span)
        covered = np.where(empty, 0.0, np.maximum(beats_span - gap_s, 0.0))
        long_gap = n_long > 0
    else:
        # The whole window: time before its first interval is uncovered only where a gap (or
        # the recording's start) precedes that interval; likewise after its last beat.
        w_start = grid.end_s - window_s
        lead = np.maximum(start_s - w_start, 0.0)
        lead = np.where(first > 0, np.minimum(lead, gaps[first]), lead)
        nxt = np.minimum(grid.hi, n - 1)
        trail = np.maximum(grid.end_s - series.t_s[last], 0.0)
        trail = np.where(grid.hi < n, np.minimum(trail, gaps[nxt]), trail)
        uncovered = np.where(empty, window_s, gap_s + lead + trail)
        span = np.full(grid.end_s.size, window_s)
        covered = np.clip(window_s - uncovered, 0.0, window_s)
        long_gap = (n_long > 0) | (lead > long_gap_s) | (trail > long_gap_s) | empty
    with np.errstate(invalid="ignore", divide="ignore"):
        gap_pct = np.where(span > 0, 100.0 * (1.0 - covered / span), 0.0)
    return WindowCoverage(
        covered_s=np.asarray(covered, np.float64),
        gap_pct=np.asarray(np.maximum(gap_pct, 0.0), np.float64),
        has_long_gap=np.asarray(long_gap, np.bool_),
    )
