"""Rolling HRV series for a whole session, vectorised over windows.

Defaults (issue 4): HR and RMSSD on 60 s windows every 5 s; HF and LF on 120 s every 10 s;
PNS and SNS index on 300 s every 30 s. The spectral windows also give the breathing rate
(:mod:`hrv_relax.analysis.breathing`), and HF and PNS/SNS are blank where breathing is slower
than the HF band. Each HR and RMSSD value is exactly what
:func:`hrv_indices` would report for that window's beats with the session's artefact flags,
NaN included: the same minimum beats, covered time and clean pairs, and the same limit on
artefacts plus gap time, and with ``irregular`` the same irregular-rhythm rule: RMSSD, HF,
LF and PNS/SNS are blank in windows mostly in irregular rhythm (atrial fibrillation), heart
rate stays.

The spectral series interpolate the session once (one spline, then windows of the 4 Hz
grid), so their windows are judged over the whole window: time without beats anywhere in it
counts as gap. The session spline fills a gap longer than ``MAX_SPECTRAL_GAP_S`` with invented
values, so a window with such a gap (inside it or at its edge) is redone from its own beats the
way :func:`hrv_indices` takes a spectrum: HF from its gap-free stretches of ``MIN_HF_S`` or
more; LF needs ``MIN_LF_S`` covered, which a 120 s window with a gap never has. PNS/SNS
windows need ``MIN_AUTONOMIC_INDEX_S`` of covered time and the same artefact-plus-gap limit;
their stress index takes its slow trend from one session-wide fit (the same local filter,
different only near window edges).
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from hrv_relax.analysis.breathing import breathing_rate, breathing_rate_rows, slow_mask
from hrv_relax.analysis.constants import (
    INTERPOLATION_RATE_HZ,
    MAX_ARTIFACT_PCT,
    MAX_ARTIFACT_PCT_SPECTRAL,
    MAX_IRREGULAR_PCT,
    MAX_SPECTRAL_GAP_S,
    MIN_AUTONOMIC_INDEX_S,
    MIN_BREATHING_S,
    MIN_CLEAN_PAIRS,
    MIN_HF_S,
    MIN_LF_S,
    MIN_TIME_DOMAIN_BEATS,
    MIN_TIME_DOMAIN_S,
    MS_PER_MINUTE,
    ROLLING_AUTONOMIC_STEP_S,
    ROLLING_AUTONOMIC_WINDOW_S,
    ROLLING_SPECTRAL_STEP_S,
    ROLLING_SPECTRAL_WINDOW_S,
    ROLLING_TIME_STEP_S,
    ROLLING_TIME_WINDOW_S,
)
from hrv_relax.analysis.detrending import smoothness_priors_operator
from hrv_relax.analysis.frequency import (
    Resampled,
    gap_free_spectra,
    psd_band_powers,
    resample,
    welch_psd,
)
from hrv_relax.analysis.nonlinear import stress_index, vlf_residual_nn
from hrv_relax.analysis.norms import DEFAULT_NORMS, AutonomicNorms, pns_index, sns_index
from hrv_relax.analysis.series import BeatSeries, BoolArray, FloatArray, IntArray, beat_series
from hrv_relax.analysis.windows import (
    WindowCoverage,
    WindowGrid,
    WindowMoments,
    window_coverage,
    window_grid,
    window_moments,
)

#: Windows per batch of the spectral computation: bounds memory on day-long recordings.
SPECTRAL_BATCH = 2048


@dataclass(frozen=True, slots=True)
class RollingTimeDomain:
    """HR (bpm) and RMSSD (ms) per window ending at ``t_s``; NaN where not supportable."""

    t_s: FloatArray
    hr_bpm: FloatArray
    rmssd_ms: FloatArray
    artifact_pct: FloatArray


@dataclass(frozen=True, slots=True)
class RollingSpectral:
    """HF and LF power (ms^2) and breathing rate (breaths/min) per window ending at ``t_s``.

    HF is NaN where the window's breathing is slower than the HF band (slow breathing).
    """

    t_s: FloatArray
    hf_ms2: FloatArray
    lf_ms2: FloatArray
    artifact_pct: FloatArray
    breathing_per_min: FloatArray


@dataclass(frozen=True, slots=True)
class RollingAutonomic:
    """PNS and SNS index per window ending at ``t_s``."""

    t_s: FloatArray
    pns_index: FloatArray
    sns_index: FloatArray
    artifact_pct: FloatArray


def _start_s(series: BeatSeries) -> float | None:
    """Start of the first interval: windows are counted from the first beat's start."""
    return float(series.t_s[0] - series.rr_ms[0] / 1000.0) if series.n else None


def _share_pct(grid: WindowGrid, flags: BoolArray) -> FloatArray:
    """Per window, the % of its intervals where ``flags`` is True."""
    n_all = (grid.hi - grid.lo).astype(np.float64)
    csum = np.concatenate(([0.0], np.cumsum(flags)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(100.0 * (csum[grid.hi] - csum[grid.lo]) / n_all, np.float64)


def _artifact_pct(grid: WindowGrid, keep: BoolArray) -> FloatArray:
    return _share_pct(grid, ~keep)


def _irregular_windows(grid: WindowGrid, irregular: BoolArray | None) -> BoolArray:
    """Windows mostly in irregular rhythm, where HRV is not autonomic (as :func:`hrv_indices`)."""
    if irregular is None:
        return np.zeros(grid.end_s.size, dtype=np.bool_)
    return np.asarray(_share_pct(grid, irregular) > MAX_IRREGULAR_PCT, np.bool_)


def _supportable(
    mom: WindowMoments, cover: WindowCoverage, pct: FloatArray, min_covered_s: float
) -> BoolArray:
    """The minimums of :func:`hrv_indices`: beats, covered time, clean pairs, artefacts + gaps."""
    return np.asarray(
        (mom.n_all >= MIN_TIME_DOMAIN_BEATS)
        & (cover.covered_s >= min_covered_s)
        & (cover.covered_s >= MIN_TIME_DOMAIN_S)
        & (mom.n_pairs >= MIN_CLEAN_PAIRS)
        & (pct + cover.gap_pct <= MAX_ARTIFACT_PCT),
        np.bool_,
    )


def window_pns_sns(
    grid: WindowGrid,
    mom: WindowMoments,
    keep: BoolArray,
    residual_ms: FloatArray,
    norms: AutonomicNorms,
) -> tuple[FloatArray, FloatArray]:
    """PNS and SNS index of each window from its moments and the detrended clean intervals.

    ``residual_ms`` are the clean intervals minus their slow trend (the stress index input),
    computed once per session; no minimum is applied here (callers judge the windows).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        sd1 = np.sqrt(mom.var_diff_ms2 / 2.0)
        sd2 = np.sqrt(mom.var_sum_ms2 / 2.0)
        rmssd = np.sqrt(mom.mean_sq_diff_ms2)
        mean_rr = mom.mean_rr_ms
        si = np.array(
            [
                stress_index(residual_ms[lo:hi][keep[lo:hi]] + m)
                for lo, hi, m in zip(grid.lo, grid.hi, mean_rr, strict=True)
            ],
            dtype=np.float64,
        )
        pns = np.asarray(pns_index(mean_rr, rmssd, sd1, sd2, norms), np.float64)  # type: ignore[arg-type]
        sns = np.asarray(
            sns_index(MS_PER_MINUTE / mean_rr, si, sd1, sd2, norms),  # type: ignore[arg-type]
            np.float64,
        )
    return pns, sns


def rolling_time_domain(
    series: BeatSeries,
    keep: BoolArray,
    window_s: float = ROLLING_TIME_WINDOW_S,
    step_s: float = ROLLING_TIME_STEP_S,
    *,
    irregular: BoolArray | None = None,
    start_s: float | None = None,
) -> RollingTimeDomain:
    """Mean HR and RMSSD of clean beats over sliding windows, O(beats + windows).

    ``irregular`` marks intervals in irregular rhythm: RMSSD is blank where they dominate.
    Windows are counted from ``start_s`` (default: the start of the first interval); a caller
    that passes the end of a session with its start gets that session's windows, the same
    wherever they lie wholly inside ``series``.
    """
    grid = window_grid(
        series.t_s, window_s, step_s, _start_s(series) if start_s is None else start_s
    )
    mom = window_moments(series, keep, grid)
    pct = _artifact_pct(grid, keep)
    cover = window_coverage(series, grid, MAX_SPECTRAL_GAP_S)
    bad = ~_supportable(mom, cover, pct, MIN_TIME_DOMAIN_S)
    with np.errstate(invalid="ignore", divide="ignore"):
        hr = MS_PER_MINUTE / mom.mean_rr_ms
        rmssd = np.sqrt(mom.mean_sq_diff_ms2)
    return RollingTimeDomain(
        t_s=grid.end_s,
        hr_bpm=np.where(bad, math.nan, hr),
        rmssd_ms=np.where(bad | _irregular_windows(grid, irregular), math.nan, rmssd),
        artifact_pct=pct,
    )


def rolling_spectral(
    series: BeatSeries,
    keep: BoolArray,
    detrend: float | None,
    window_s: float = ROLLING_SPECTRAL_WINDOW_S,
    step_s: float = ROLLING_SPECTRAL_STEP_S,
    *,
    even: Resampled | None = None,
    irregular: BoolArray | None = None,
) -> RollingSpectral:
    """HF and LF per window from one session-wide 4 Hz resampling and batched Welch spectra.

    ``even`` is that resampling of the clean beats when the caller already has it;
    ``irregular`` blanks the windows mostly in irregular rhythm.
    """
    grid = window_grid(series.t_s, window_s, step_s, _start_s(series))
    pct = _artifact_pct(grid, keep)
    hf = np.full(grid.end_s.size, math.nan)
    lf = np.full(grid.end_s.size, math.nan)
    breathing = np.full(grid.end_s.size, math.nan)
    if even is None:
        even = resample(series.t_s[keep], series.rr_ms[keep], INTERPOLATION_RATE_HZ)
    width = round(window_s * even.rate_hz)
    if grid.end_s.size and even.rr_ms.size >= width:
        rows = sliding_window_view(even.rr_ms, width)
        first = np.round((grid.end_s - window_s - even.t0_s) * even.rate_hz).astype(np.intp)
        first = np.clip(first, 0, rows.shape[0] - 1)
        operator = smoothness_priors_operator(width, detrend) if detrend is not None else None
        for start in range(0, first.size, SPECTRAL_BATCH):
            block = rows[first[start : start + SPECTRAL_BATCH]]
            if operator is not None:
                block = block @ operator.T
            f_hz, psd = welch_psd(block, even.rate_hz)
            _, lf_b, hf_b = psd_band_powers(f_hz, psd)
            lf[start : start + SPECTRAL_BATCH] = lf_b
            hf[start : start + SPECTRAL_BATCH] = hf_b
            breathing[start : start + SPECTRAL_BATCH] = breathing_rate_rows(f_hz, psd)
    mom = window_moments(series, keep, grid)
    cover = window_coverage(series, grid, MAX_SPECTRAL_GAP_S, window_s)
    ok = _supportable(mom, cover, pct, MIN_HF_S) & (
        pct + cover.gap_pct <= MAX_ARTIFACT_PCT_SPECTRAL
    )
    ok &= ~_irregular_windows(grid, irregular)
    # The session-wide spline bridges long gaps: those windows are redone stretch by stretch.
    split = np.flatnonzero(ok & cover.has_long_gap)
    hf[split], lf[split], breathing[split] = _across_gaps(series, keep, grid, split, detrend)
    breathing = np.where(ok, breathing, math.nan)
    return RollingSpectral(
        t_s=grid.end_s,
        hf_ms2=np.where(ok & ~slow_mask(breathing), hf, math.nan),
        lf_ms2=np.where(ok & (cover.covered_s >= MIN_LF_S), lf, math.nan),
        artifact_pct=pct,
        breathing_per_min=breathing,
    )


def _across_gaps(
    series: BeatSeries, keep: BoolArray, grid: WindowGrid, windows: IntArray, detrend: float | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """HF, LF and breathing rate of the given windows from their own gap-free stretches.

    As :func:`hrv_indices` takes a window's spectrum: a spline and Welch PSD per stretch, the
    PSDs of the stretches long enough for a band pooled by covered time.
    """
    hf = np.full(windows.size, math.nan)
    lf = np.full(windows.size, math.nan)
    breathing = np.full(windows.size, math.nan)
    for k, w in enumerate(windows):
        part = slice(int(grid.lo[w]), int(grid.hi[w]))
        beats = beat_series(series.rr_ms[part], series.t_s[part])
        spectra = gap_free_spectra(beats, keep[part], detrend)
        hf[k] = spectra.band_powers(MIN_HF_S).hf_ms2
        lf[k] = spectra.band_powers(MIN_LF_S).lf_ms2
        mean = spectra.mean_psd(MIN_BREATHING_S)
        breathing[k] = breathing_rate(*mean) if mean is not None else math.nan
    return hf, lf, breathing


def _median_within(spectral: RollingSpectral, end_s: FloatArray, window_s: float) -> FloatArray:
    """Median breathing rate of the spectral windows lying inside each (end - window, end]."""
    ends = spectral.t_s
    lo = np.searchsorted(ends - ROLLING_SPECTRAL_WINDOW_S, end_s - window_s - 1e-9, side="left")
    hi = np.searchsorted(ends, end_s + 1e-9, side="right")
    out = np.full(end_s.size, math.nan)
    for k, (a, b) in enumerate(zip(lo.tolist(), hi.tolist(), strict=True)):
        values = spectral.breathing_per_min[a:b]
        values = values[np.isfinite(values)]
        if values.size:
            out[k] = float(np.median(values))
    return out


def rolling_autonomic(
    series: BeatSeries,
    keep: BoolArray,
    norms: AutonomicNorms = DEFAULT_NORMS,
    window_s: float = ROLLING_AUTONOMIC_WINDOW_S,
    step_s: float = ROLLING_AUTONOMIC_STEP_S,
    *,
    residual_ms: FloatArray | None = None,
    irregular: BoolArray | None = None,
    breathing: RollingSpectral | None = None,
) -> RollingAutonomic:
    """PNS and SNS index per window (mean RR, RMSSD, SD1; mean HR, stress index, SD2).

    ``residual_ms`` are the clean intervals minus their slow trend, when the caller has them;
    ``irregular`` blanks the windows mostly in irregular rhythm; with ``breathing`` (the
    session's spectral series), a window whose spectral windows breathe slowly in the median
    is blank too (slow breathing swings PNS/SNS "sympathetic").
    """
    grid = window_grid(series.t_s, window_s, step_s, _start_s(series))
    mom = window_moments(series, keep, grid)
    pct = _artifact_pct(grid, keep)
    # One session-wide trend (a local filter: ~0.035 Hz) instead of one per window.
    residual = residual_ms
    if residual is None:
        residual = np.zeros(series.n)
        if keep.any():
            residual[keep] = vlf_residual_nn(series.t_s[keep], series.rr_ms[keep])
    pns, sns = window_pns_sns(grid, mom, keep, residual, norms)
    cover = window_coverage(series, grid, MAX_SPECTRAL_GAP_S, window_s)
    bad = ~_supportable(mom, cover, pct, MIN_AUTONOMIC_INDEX_S)
    bad |= _irregular_windows(grid, irregular)
    if breathing is not None:
        bad |= slow_mask(_median_within(breathing, grid.end_s, window_s))
    return RollingAutonomic(
        t_s=grid.end_s,
        pns_index=np.where(bad, math.nan, pns),
        sns_index=np.where(bad, math.nan, sns),
        artifact_pct=pct,
    )
