"""Breathing rate from the heartbeats: the respiratory sinus arrhythmia peak of the RR spectrum.

The heart speeds up on each breath in and slows on each breath out (respiratory sinus
arrhythmia, RSA), so the RR spectrum peaks at the breathing rate (Task Force 1996,
doi:10.1161/01.CIR.93.5.1043; Lehrer & Gevirtz 2014, doi:10.3389/fpsyg.2014.00756 for the
large, slow RSA of breathing near 6/min). The rate is read from the same Welch spectrum as HF
(:mod:`hrv_relax.analysis.frequency`) between ``BREATHING_BAND_HZ`` (0.08-0.5 Hz, 4.8-30
breaths/min), on windows of at least ``MIN_BREATHING_S``.

Two peaks compete in that band: the breathing peak and, near 0.1 Hz, the Mayer-wave (baroreflex)
rhythm of the LF band, which is present whatever the breathing. The rule: the highest peak (a
local maximum of the PSD) at or above the HF band's lower edge (0.15 Hz, 9/min) is the
breathing rate, unless the highest peak below it holds more than ``SLOW_PEAK_DOMINANCE``
times its power *and* holds at least ``SLOW_PEAK_MIN_SHARE`` of all the power from 0.04 to
0.5 Hz: slow breathing moves the RSA into the LF band, where it grows (resonance) into one
narrow, dominant peak and leaves HF only noise and harmonics, whereas the Mayer wave of
ordinary breathing is broad and of the order of the RSA. The numbers behind both thresholds
(synthetic RSA and two real recordings) are in docs/analysis.md. A peak's power is the PSD
summed over ``PEAK_HALF_WIDTH_HZ`` either side (the 0.030 Hz window of McCraty 2006's coherence
ratio). With no clear peak, when the HF peak holds less than ``MIN_PEAK_SHARE`` of the power
from 0.15 to 0.5 Hz, the rate is NaN.

Below ``SLOW_BREATHING_PER_MIN`` (the HF band's lower edge) the breathing rhythm lies in the LF
band: HF no longer holds it, LF/HF soars and the PNS/SNS indices swing "sympathetic" for a
client who is breathing slowly and deeply. :func:`slow_breathing_reason` names that case.
"""

import math

import numpy as np

from hrv_relax.analysis.constants import (
    BREATHING_BAND_HZ,
    HF_BAND_HZ,
    LF_BAND_HZ,
    MIN_PEAK_SHARE,
    PEAK_HALF_WIDTH_HZ,
    SLOW_BREATHING_PER_MIN,
    SLOW_PEAK_DOMINANCE,
    SLOW_PEAK_MIN_SHARE,
)
from hrv_relax.analysis.series import BoolArray, FloatArray

SECONDS_PER_MINUTE = 60.0


def _peak_power(psd: FloatArray, f_hz: FloatArray, peak: FloatArray) -> FloatArray:
    """Per row, the PSD (ms^2/Hz x bin) summed within PEAK_HALF_WIDTH_HZ of its peak index."""
    near = np.abs(f_hz[np.newaxis, :] - f_hz[peak][:, np.newaxis]) <= PEAK_HALF_WIDTH_HZ + 1e-9
    return np.asarray((psd * near).sum(axis=-1), np.float64)


def breathing_rate_rows(f_hz: FloatArray, psd: FloatArray) -> FloatArray:
    """Breaths per minute from each row of a PSD (ms^2/Hz) on the frequency grid ``f_hz`` (Hz).

    NaN for a row without a clear breathing peak (or with no power in the band).
    """
    rows = np.atleast_2d(psd)
    lo, hi = BREATHING_BAND_HZ
    tol = 1e-9
    band = (f_hz >= lo - tol) & (f_hz <= hi + tol)
    slow = band & (f_hz < HF_BAND_HZ[0] - tol)
    fast = band & ~slow
    if not slow.any() or not fast.any() or rows.shape[0] == 0:
        return np.full(rows.shape[0], math.nan)
    masked = np.where(band, rows, 0.0)
    # Peaks are local maxima: the flank of a peak just below 0.15 Hz is not an HF peak.
    # The whole spectrum is used, so that the band's lower edge on the flank of LF/VLF power
    # rising below it is not a peak.
    padded = np.pad(rows, ((0, 0), (1, 1)), constant_values=-np.inf)
    local = (rows >= padded[:, :-2]) & (rows >= padded[:, 2:]) & (masked > 0)
    slow_peak = np.argmax(np.where(slow & local, masked, -np.inf), axis=-1)
    fast_peak = np.argmax(np.where(fast & local, masked, -np.inf), axis=-1)
    has_slow = np.take_along_axis(local & slow, slow_peak[:, np.newaxis], -1)[:, 0]
    has_fast = np.take_along_axis(local & fast, fast_peak[:, np.newaxis], -1)[:, 0]
    slow_power = np.where(has_slow, _peak_power(masked, f_hz, slow_peak), 0.0)
    fast_power = np.where(has_fast, _peak_power(masked, f_hz, fast_peak), 0.0)
    total = masked.sum(axis=-1)
    lf_to_band = np.where((f_hz >= LF_BAND_HZ[0] - tol) & (f_hz <= hi + tol), rows, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        concentrated = slow_power >= SLOW_PEAK_MIN_SHARE * lf_to_band.sum(axis=-1)
    use_slow = has_slow & (slow_power > SLOW_PEAK_DOMINANCE * fast_power) & concentrated
    peak = np.where(use_slow, slow_peak, fast_peak)
    fast_total = np.where(fast, rows, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        fast_share = fast_power / fast_total
    clear = (total > 0) & (use_slow | (has_fast & (fast_share >= MIN_PEAK_SHARE)))
    return np.asarray(np.where(clear, SECONDS_PER_MINUTE * f_hz[peak], math.nan), np.float64)


def breathing_rate(f_hz: FloatArray, psd: FloatArray) -> float:
    """Breaths per minute from one PSD row (NaN without a clear breathing peak)."""
    return float(breathing_rate_rows(f_hz, psd)[0])


def is_slow(breathing_per_min: float) -> bool:
    """True when breathing is slower than the HF band (NaN is not slow)."""
    return breathing_per_min < SLOW_BREATHING_PER_MIN


def slow_mask(breathing_per_min: FloatArray) -> BoolArray:
    """Element-wise :func:`is_slow` (NaN is not slow)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(np.less(breathing_per_min, SLOW_BREATHING_PER_MIN), np.bool_)


def slow_breathing_reason(breathing_per_min: float) -> str:
    """The reason HF, LF/HF and PNS/SNS are withheld at this rate, or "" when they apply."""
    if not is_slow(breathing_per_min):
        return ""
    return f"slow breathing (~{breathing_per_min:.0f}/min): HF, LF/HF and PNS/SNS do not apply"
