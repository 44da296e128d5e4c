"""Frequency-domain HRV: RR resampled at 4 Hz, optional detrending, Welch spectrum, band powers.

Settings follow Kubios HRV (Tarvainen et al. 2014, doi:10.1016/j.cmpb.2013.07.024) and the Task
Force 1996 bands: cubic-spline interpolation of the RR series at 4 Hz, mean removed, Welch
periodogram with a Hann window of 300 s (the whole window when shorter) and 50 % overlap,
300 spectrum points per Hz, band powers by trapezoidal integration over the closed band
(reproduces the Kubios reference report to 0.6 %). Powers are in ms^2; neurokit2's defaults
(100 Hz, normalised PSD) differ.

Artefact handling: the spline passes only through clean beats, so flagged intervals and short
gaps are bridged by the interpolant (Kubios corrects by interpolation the same way).

Gaps: a gap in the recording longer than ``MAX_SPECTRAL_GAP_S`` is never bridged, since the
spline would fill it with invented values. :func:`gap_free_spectra` cuts the window there into
gap-free stretches, splines, detrends and Welch-transforms each stretch on its own, and
:meth:`GapFreeSpectra.band_powers` averages the PSDs of the stretches long enough for a band,
weighted by the time they cover: the averaging of modified periodograms over the available
data that Welch's method rests on (Welch 1967, doi:10.1109/TAU.1967.1161901). Every stretch has
the same frequency grid (the FFT is always 300 s long), so the average is taken point by point.
A window without a long gap is one stretch, and its spectrum is exactly the single-window one.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.signal import welch

from hrv_relax.analysis.constants import (
    HF_BAND_HZ,
    INTERPOLATION_RATE_HZ,
    LF_BAND_HZ,
    MAX_SPECTRAL_GAP_S,
    MIN_HF_S,
    SPECTRUM_POINTS_PER_HZ,
    VLF_BAND_HZ,
    WELCH_OVERLAP_FRACTION,
    WELCH_SEGMENT_S,
)
from hrv_relax.analysis.detrending import smoothness_priors_detrend
from hrv_relax.analysis.series import (
    BeatSeries,
    BoolArray,
    FloatArray,
    beat_series,
    coverage,
    gap_before_s,
)

MIN_SPLINE_POINTS = 4


@dataclass(frozen=True, slots=True)
class Resampled:
    """An evenly sampled RR series: value ``rr_ms[k]`` at ``t0_s + k / rate_hz``."""

    t0_s: float
    rate_hz: float
    rr_ms: FloatArray


@dataclass(frozen=True, slots=True)
class BandPowers:
    """Absolute band powers (ms^2) with the derived ratio and normalised units (Task Force)."""

    vlf_ms2: float
    lf_ms2: float
    hf_ms2: float

    @property
    def lf_hf(self) -> float:
        """LF/HF ratio."""
        return self.lf_ms2 / self.hf_ms2 if self.hf_ms2 > 0 else math.nan

    @property
    def lf_nu(self) -> float:
        """LF in normalised units: 100 LF / (LF + HF)."""
        total = self.lf_ms2 + self.hf_ms2
        return 100.0 * self.lf_ms2 / total if total > 0 else math.nan

    @property
    def hf_nu(self) -> float:
        """HF in normalised units: 100 HF / (LF + HF)."""
        total = self.lf_ms2 + self.hf_ms2
        return 100.0 * self.hf_ms2 / total if total > 0 else math.nan


NO_BANDS = BandPowers(math.nan, math.nan, math.nan)


def resample(
    t_s: FloatArray, rr_ms: FloatArray, rate_hz: float = INTERPOLATION_RATE_HZ
) -> Resampled:
    """Cubic-spline RR (ms) at beat end times ``t_s`` onto an even grid from the first beat."""
    if t_s.size < MIN_SPLINE_POINTS:
        return Resampled(
            t0_s=float(t_s[0]) if t_s.size else 0.0, rate_hz=rate_hz, rr_ms=np.empty(0)
        )
    n = math.floor((t_s[-1] - t_s[0]) * rate_hz) + 1
    grid = t_s[0] + np.arange(n) / rate_hz
    values = CubicSpline(t_s, rr_ms, bc_type="not-a-knot")(grid)
    return Resampled(t0_s=float(t_s[0]), rate_hz=rate_hz, rr_ms=np.asarray(values, np.float64))


def welch_psd(x_ms: FloatArray, rate_hz: float) -> tuple[FloatArray, FloatArray]:
    """Welch PSD (ms^2/Hz) of the last axis of ``x_ms`` (one window per row), mean removed."""
    n = x_ms.shape[-1]
    segment = min(n, round(WELCH_SEGMENT_S * rate_hz))
    nfft = max(segment, round(SPECTRUM_POINTS_PER_HZ * rate_hz))
    centred = x_ms - x_ms.mean(axis=-1, keepdims=True)
    f_hz, psd = welch(
        centred,
        fs=rate_hz,
        window="hann",
        nperseg=segment,
        noverlap=int(segment * WELCH_OVERLAP_FRACTION),
        nfft=nfft,
        detrend=False,
        scaling="density",
        axis=-1,
    )
    return np.asarray(f_hz, np.float64), np.asarray(psd, np.float64)


def band_power(f_hz: FloatArray, psd: FloatArray, band_hz: tuple[float, float]) -> FloatArray:
    """Trapezoidal power (ms^2) over the closed band, for each row of ``psd``."""
    lo, hi = band_hz
    tol = 1e-9
    inside = (f_hz >= lo - tol) & (f_hz <= hi + tol)
    return np.asarray(np.trapezoid(psd[..., inside], f_hz[inside], axis=-1), np.float64)


def band_powers_rows(x_ms: FloatArray, rate_hz: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """VLF, LF and HF power (ms^2) of each evenly sampled row of ``x_ms``."""
    f_hz, psd = welch_psd(x_ms, rate_hz)
    return psd_band_powers(f_hz, psd)


def psd_band_powers(f_hz: FloatArray, psd: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """VLF, LF and HF power (ms^2) of each row of a PSD (ms^2/Hz) on the grid ``f_hz``."""
    return (
        band_power(f_hz, psd, VLF_BAND_HZ),
        band_power(f_hz, psd, LF_BAND_HZ),
        band_power(f_hz, psd, HF_BAND_HZ),
    )


def band_powers(x_ms: FloatArray, rate_hz: float) -> BandPowers:
    """VLF, LF and HF power (ms^2) of one evenly sampled RR series."""
    vlf, lf, hf = band_powers_rows(x_ms[np.newaxis, :], rate_hz)
    return BandPowers(vlf_ms2=float(vlf[0]), lf_ms2=float(lf[0]), hf_ms2=float(hf[0]))


@dataclass(frozen=True, slots=True)
class StretchSpectrum:
    """Welch PSD (ms^2/Hz, one row) of one gap-free stretch, and the time it covers (s)."""

    duration_s: float
    f_hz: FloatArray
    psd: FloatArray


@dataclass(frozen=True, slots=True)
class GapFreeSpectra:
    """A window cut at its long gaps: the covered time (s) of every gap-free stretch, and the
    spectra of the stretches long enough for any band."""

    durations_s: tuple[float, ...]
    spectra: tuple[StretchSpectrum, ...]

    @property
    def split(self) -> bool:
        """True when long gaps cut the window into more than one stretch."""
        return len(self.durations_s) > 1

    @property
    def longest_s(self) -> float:
        """Covered time (s) of the longest stretch."""
        return max(self.durations_s, default=0.0)

    def covered_s(self, min_s: float) -> float:
        """Total covered time (s) of the stretches of at least ``min_s`` with a spectrum."""
        return math.fsum(s.duration_s for s in self.spectra if s.duration_s >= min_s)

    def mean_psd(self, min_s: float) -> tuple[FloatArray, FloatArray] | None:
        """Frequencies (Hz) and the covered-time-weighted mean PSD (ms^2/Hz, one row) of the
        stretches of >= ``min_s``; None when no stretch is that long.

        With one stretch the mean is that stretch's PSD, bit for bit.
        """
        used = [s for s in self.spectra if s.duration_s >= min_s]
        if not used:
            return None
        weights = np.array([s.duration_s for s in used])
        weights /= weights.sum()
        psd = (weights[:, np.newaxis, np.newaxis] * np.stack([s.psd for s in used])).sum(axis=0)
        return used[0].f_hz, psd

    def band_powers(self, min_s: float) -> BandPowers:
        """Band powers of :meth:`mean_psd` over the stretches of >= ``min_s`` (NaN if none)."""
        mean = self.mean_psd(min_s)
        if mean is None:
            return NO_BANDS
        vlf, lf, hf = psd_band_powers(*mean)
        return BandPowers(vlf_ms2=float(vlf[0]), lf_ms2=float(lf[0]), hf_ms2=float(hf[0]))


def _stretches(series: BeatSeries, max_gap_s: float) -> list[slice]:
    """Index ranges of the series between gaps longer than ``max_gap_s``."""
    cuts = np.flatnonzero(gap_before_s(series) > max_gap_s).tolist()
    return [slice(lo, hi) for lo, hi in itertools.pairwise([0, *cuts, series.n])]


def _stretch_spectrum(
    series: BeatSeries, keep: BoolArray, duration_s: float, detrend: float | None
) -> StretchSpectrum | None:
    """Spline of the clean beats, optional smoothness-priors detrend, Welch PSD."""
    even = resample(series.t_s[keep], series.rr_ms[keep], INTERPOLATION_RATE_HZ)
    if even.rr_ms.size == 0:
        return None
    x = even.rr_ms if detrend is None else smoothness_priors_detrend(even.rr_ms, detrend)
    f_hz, psd = welch_psd(x[np.newaxis, :], even.rate_hz)
    return StretchSpectrum(duration_s, f_hz, psd)


def gap_free_spectra(
    series: BeatSeries,
    keep: BoolArray,
    detrend: float | None,
    *,
    max_gap_s: float = MAX_SPECTRAL_GAP_S,
    min_s: float = MIN_HF_S,
) -> GapFreeSpectra:
    """Cut the window at gaps longer than ``max_gap_s``; spectrum of each stretch of >= ``min_s``.

    ``keep`` marks the clean intervals (the spline passes through them only); ``detrend`` is
    the smoothness-priors lambda, or None. Durations are covered time, as for the window.
    """
    durations: list[float] = []
    spectra: list[StretchSpectrum] = []
    for part in _stretches(series, max_gap_s):
        piece = (
            series
            if part.stop - part.start == series.n
            else beat_series(series.rr_ms[part], series.t_s[part])
        )
        durations.append(coverage(piece).covered_s)
        if durations[-1] >= min_s:
            spectrum = _stretch_spectrum(piece, keep[part], durations[-1], detrend)
            spectra += [spectrum] if spectrum is not None else []
    return GapFreeSpectra(tuple(durations), tuple(spectra))
