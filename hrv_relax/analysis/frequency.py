"""Frequency-domain HRV: RR resampled at 4 Hz, optional detrending, Welch spectrum, band powers.

Settings follow Kubios HRV (Tarvainen et al. 2014, doi:10.1016/j.cmpb.2013.07.024) and the Task
Force 1996 bands: cubic-spline interpolation of the RR series at 4 Hz, mean removed, Welch
periodogram with a Hann window of 300 s (the whole window when shorter) and 50 % overlap,
300 spectrum points per Hz, band powers by trapezoidal integration over the closed band
(reproduces the Kubios reference report to 0.6 %). Powers are in ms^2; neurokit2's defaults
(100 Hz, normalised PSD) differ.

Artefact handling: the spline passes only through clean beats, so flagged intervals and gaps
are bridged by the interpolant (Kubios corrects by interpolation the same way).
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.signal import welch

from hrv_relax.analysis.constants import (
    HF_BAND_HZ,
    INTERPOLATION_RATE_HZ,
    LF_BAND_HZ,
    SPECTRUM_POINTS_PER_HZ,
    VLF_BAND_HZ,
    WELCH_OVERLAP_FRACTION,
    WELCH_SEGMENT_S,
)
from hrv_relax.analysis.series import FloatArray

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
    return (
        band_power(f_hz, psd, VLF_BAND_HZ),
        band_power(f_hz, psd, LF_BAND_HZ),
        band_power(f_hz, psd, HF_BAND_HZ),
    )


def band_powers(x_ms: FloatArray, rate_hz: float) -> BandPowers:
    """VLF, LF and HF power (ms^2) of one evenly sampled RR series."""
    vlf, lf, hf = band_powers_rows(x_ms[np.newaxis, :], rate_hz)
    return BandPowers(vlf_ms2=float(vlf[0]), lf_ms2=float(lf[0]), hf_ms2=float(hf[0]))
