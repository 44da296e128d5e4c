"""Gaps in the recording and minimum windows: no figure from time that was not recorded.

Each test here reproduces a defect found in review (live RMSSD from 3 beats after a gap,
spectra across a 100 s gap, rolling RMSSD from 6 beats, LF/HF from 2 minutes, a heart rate
from one interval) and pins the fixed behaviour.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from hrv_relax.analysis import LiveHrv, analyze_session, hrv_indices
from hrv_relax.analysis.constants import (
    MAX_ARTIFACT_PCT,
    MAX_SPECTRAL_GAP_S,
    MIN_LF_HF_S,
    MIN_LIVE_COVERAGE_S,
    SMOOTHNESS_PRIORS_LAMBDA,
)
from hrv_relax.analysis.frequency import resample
from hrv_relax.analysis.nonlinear import vlf_residual_nn
from hrv_relax.analysis.norms import DEFAULT_NORMS
from hrv_relax.analysis.relaxation import slow_pieces, subwindows
from hrv_relax.analysis.rolling import rolling_time_domain
from hrv_relax.analysis.series import beat_series

INDEX_FIELDS = (
    "mean_rr_ms",
    "mean_hr_bpm",
    "sdnn_ms",
    "rmssd_ms",
    "ln_rmssd",
    "pnn50_pct",
    "pnn20_pct",
    "sd1_ms",
    "sd2_ms",
    "stress_index",
    "vlf_ms2",
    "lf_ms2",
    "hf_ms2",
    "ln_hf",
    "lf_hf",
    "lf_nu",
    "hf_nu",
    "pns_index",
    "sns_index",
)


def rsa_rr(seconds: float, rsa_ms: float = 40.0, seed: int = 0, mean_rr: float = 800.0):
    """RR (ms) with 0.25 Hz respiratory sinus arrhythmia of amplitude ``rsa_ms`` and noise."""
    rng = np.random.default_rng(seed)
    n = int(seconds * 1000.0 / mean_rr)
    t_s = np.arange(n) * mean_rr / 1000.0
    return mean_rr + rsa_ms * np.sin(2 * np.pi * 0.25 * t_s) + rng.normal(0.0, 3.0, n)


def with_gaps(parts: list[np.ndarray], gaps_s: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Concatenate RR parts with ``gaps_s[k]`` seconds unrecorded after part k: (rr, t_s)."""
    rr_all, t_all, t_end = [], [], 0.0
    for k, rr in enumerate(parts):
        t = t_end + np.cumsum(rr) / 1000.0
        rr_all.append(rr)
        t_all.append(t)
        t_end = float(t[-1]) + (gaps_s[k] if k < len(gaps_s) else 0.0)
    return np.concatenate(rr_all), np.concatenate(t_all)


# --- 1. Live: coverage inside the window -----------------------------------------------------


def test_live_needs_beats_covering_the_window_after_a_gap():
    """Review repro: 130 beats, a 70 s gap, 4 beats gave supportable=True from 3 beats."""
    rr, t_s = with_gaps([rsa_rr(104.0, seed=1), rsa_rr(3.3, seed=2)], [70.0])
    assert rr.size == 130 + 4
    live = LiveHrv()
    live.push(rr[:130], t_s[:130])
    reading = live.push(rr[130:], t_s[130:])
    assert not reading.supportable
    assert math.isnan(reading.rmssd_ms) and math.isnan(reading.hr_bpm)
    assert "gap" in reading.reason


def test_live_returns_once_the_window_is_covered_again():
    after = rsa_rr(70.0, seed=4)
    rr, t_s = with_gaps([rsa_rr(104.0, seed=3), after], [70.0])
    live = LiveHrv()
    live.push(rr[:130], t_s[:130])
    readings = [live.push(rr[i : i + 1], t_s[i : i + 1]) for i in range(130, rr.size)]
    covered = np.cumsum(after) / 1000.0
    shown = np.array([r.supportable for r in readings])
    # Hidden while less than MIN_LIVE_COVERAGE_S of the minute holds beats, shown after.
    assert not shown[covered < MIN_LIVE_COVERAGE_S - 1.0].any()
    assert shown[covered > MIN_LIVE_COVERAGE_S + 2.0].all()
    last = readings[-1]
    lo = np.searchsorted(t_s, last.t_s - 60.0, side="right")
    direct = hrv_indices(rr[lo:-1], t_s=t_s[lo:-1], correct_artifacts=False)
    assert last.rmssd_ms == pytest.approx(direct.rmssd_ms, rel=0.05)


# --- 2. Spectral and autonomic indices across gaps -------------------------------------------


def test_indices_across_a_long_gap_are_unreliable_and_nan():
    """Review repro: 20 s, a 100 s gap, 25 s gave reliable=True, HF 8.4 ms^2, LF/HF 3.8."""
    rr, t_s = with_gaps([rsa_rr(20.0, seed=5), rsa_rr(25.0, seed=6)], [100.0])
    result = hrv_indices(rr, t_s=t_s)
    assert not result.reliable
    assert "not recorded" in result.reason
    assert result.duration_s == pytest.approx(45.0, abs=1.0)
    assert result.gap_pct > 60
    for name in INDEX_FIELDS:
        assert math.isnan(getattr(result, name)), name
    # The same 45 s without the gap: a reliable time domain, no spectrum (too short).
    contiguous = hrv_indices(rr)
    assert contiguous.reliable
    assert math.isnan(contiguous.hf_ms2) and math.isnan(contiguous.stress_index)


def test_durations_are_covered_time_not_span():
    """150 s of beats around a 15 s gap is not a 2-minute window... but 150 s covered is."""
    rr, t_s = with_gaps([rsa_rr(55.0, seed=7), rsa_rr(55.0, seed=8)], [12.0])
    result = hrv_indices(rr, t_s=t_s)
    assert result.duration_s < 120.0 < result.duration_s + 12.0
    assert math.isnan(result.pns_index) and math.isnan(result.lf_ms2)


def test_a_gap_longer_than_a_few_seconds_voids_the_spectrum_only():
    first, second = rsa_rr(150.0, seed=9), rsa_rr(150.0, seed=10)
    rr, t_s = with_gaps([first, second], [MAX_SPECTRAL_GAP_S + 2.0])
    gapped = hrv_indices(rr, t_s=t_s)
    assert gapped.reliable  # 5 s of 305 s: the time domain is trustworthy
    assert np.isfinite(gapped.rmssd_ms) and np.isfinite(gapped.pns_index)
    assert math.isnan(gapped.hf_ms2) and math.isnan(gapped.lf_hf)
    assert "gap" in gapped.reason
    rr_short, t_short = with_gaps([first, second], [1.5])
    short_gap = hrv_indices(rr_short, t_s=t_short)
    assert short_gap.hf_ms2 == pytest.approx(hrv_indices(rr).hf_ms2, rel=0.15)


def test_rolling_spectral_and_autonomic_are_nan_across_a_gap():
    rr, t_s = with_gaps([rsa_rr(400.0, seed=11), rsa_rr(400.0, seed=12)], [100.0])
    gap_lo, gap_hi = (
        float(t_s[rr.size // 2 - 1]),
        float(t_s[rr.size // 2] - rr[rr.size // 2] / 1000),
    )
    session = analyze_session(rr, t_s=t_s)
    # A spectral window may reach less than MAX_SPECTRAL_GAP_S into the gap; a PNS/SNS window
    # (no spectrum) less than MAX_ARTIFACT_PCT of its length (gap time counts as unusable).
    autonomic_reach = MAX_ARTIFACT_PCT / 100.0 * 300.0
    for series, width, reach, values in (
        (session.rolling_spectral, 120.0, MAX_SPECTRAL_GAP_S, session.rolling_spectral.hf_ms2),
        (session.rolling_spectral, 120.0, MAX_SPECTRAL_GAP_S, session.rolling_spectral.lf_ms2),
        (session.rolling_autonomic, 300.0, autonomic_reach, session.rolling_autonomic.pns_index),
        (session.rolling_autonomic, 300.0, autonomic_reach, session.rolling_autonomic.sns_index),
    ):
        inside = np.minimum(series.t_s, gap_hi) - np.maximum(series.t_s - width, gap_lo)
        touches = inside > reach + 1.0
        clear = inside <= 0.0
        assert touches.sum() >= 9
        assert np.all(np.isnan(values[touches]))
        assert np.all(np.isfinite(values[clear]))


# --- 3. Rolling HR/RMSSD: exactly hrv_indices, NaN included -----------------------------------


def test_rolling_time_domain_is_exactly_hrv_indices_across_gaps():
    """Review repro: a 60 s window holding 6 beats after a gap gave RMSSD 44.2 (hrv: NaN)."""
    rr, t_s = with_gaps(
        [rsa_rr(200.0, seed=13), rsa_rr(5.0, seed=14), rsa_rr(200.0, seed=15)], [90.0, 90.0]
    )
    series = beat_series(rr, t_s)
    keep = np.ones(rr.size, dtype=np.bool_)
    rolling = rolling_time_domain(series, keep)
    start = t_s[0] - rr[0] / 1000.0
    saw_six_beats = False
    for k, end in enumerate(rolling.t_s):
        lo, hi = np.searchsorted(t_s, [end - 60.0, end], side="right")
        direct = hrv_indices(rr[lo:hi], t_s=t_s[lo:hi], correct_artifacts=False)
        saw_six_beats |= hi - lo == 6
        if math.isnan(direct.rmssd_ms):
            assert math.isnan(rolling.rmssd_ms[k]), (k, end - start, hi - lo)
            assert math.isnan(rolling.hr_bpm[k])
        else:
            assert rolling.rmssd_ms[k] == pytest.approx(direct.rmssd_ms, rel=1e-9)
            assert rolling.hr_bpm[k] == pytest.approx(direct.mean_hr_bpm, rel=1e-9)
    assert saw_six_beats
    assert np.isnan(rolling.rmssd_ms).any() and np.isfinite(rolling.rmssd_ms).any()


# --- 4. LF/HF and normalised units need 5 minutes ---------------------------------------------


def test_lf_hf_needs_five_minutes_but_lf_two():
    two_and_half = hrv_indices(rsa_rr(150.0, seed=16))
    assert np.isfinite(two_and_half.lf_ms2) and np.isfinite(two_and_half.hf_ms2)
    for name in ("lf_hf", "lf_nu", "hf_nu"):
        assert math.isnan(getattr(two_and_half, name)), name
    assert f"{MIN_LF_HF_S:.0f} s: no LF/HF" in two_and_half.reason
    five = hrv_indices(rsa_rr(300.0, seed=16))
    assert np.isfinite(five.lf_hf) and np.isfinite(five.lf_nu) and np.isfinite(five.hf_nu)


# --- 5. Too short or too artefact-laden: every index NaN --------------------------------------


@pytest.mark.parametrize("rr", [[800.0], [800.0, 810.0, 790.0], [800.0] * 7, []])
def test_too_short_windows_have_every_index_nan(rr):
    result = hrv_indices(rr)
    assert not result.reliable
    assert "too short" in result.reason
    for name in INDEX_FIELDS:
        assert math.isnan(getattr(result, name)), name


def test_artefact_laden_window_has_no_heart_rate():
    rr = rsa_rr(120.0, seed=17)
    rr[::5] = 450.0  # every fifth beat premature: 40 % of intervals flagged
    result = hrv_indices(rr)
    assert not result.reliable
    assert "artefacts" in result.reason
    assert math.isnan(result.mean_hr_bpm) and math.isnan(result.mean_rr_ms)


# --- 6. One definition of shared numbers and computations -------------------------------------


def test_ms_per_minute_and_the_pns_sns_window_code_live_in_one_place():
    package = Path(__file__).resolve().parents[2] / "hrv_relax" / "analysis"
    defines = [
        p.name
        for p in package.glob("*.py")
        if re.search(r"^MS_PER_MINUTE\b.*=", p.read_text(), re.MULTILINE)
    ]
    assert defines == ["constants.py"]
    callers = [p.name for p in package.glob("*.py") if "sns_index(" in p.read_text()]
    assert sorted(callers) == ["indices.py", "norms.py", "rolling.py"]


def test_relaxation_pieces_skip_time_that_was_not_recorded():
    rr, t_s = with_gaps([rsa_rr(400.0, seed=18), rsa_rr(400.0, seed=19)], [100.0])
    gap_lo = float(t_s[rr.size // 2 - 1])
    gap_hi = gap_lo + 100.0
    series = beat_series(rr, t_s)
    keep = np.ones(rr.size, dtype=np.bool_)
    start_s, end_s = float(t_s[0]), float(t_s[-1])  # the spline starts at the first beat
    pieces = slow_pieces(
        series,
        keep,
        start_s,
        end_s,
        even=resample(series.t_s, series.rr_ms),
        residual_ms=vlf_residual_nn(series.t_s, series.rr_ms),
        detrend=SMOOTHNESS_PRIORS_LAMBDA,
        norms=DEFAULT_NORMS,
    )
    ends = start_s + 60.0 * np.arange(1, int((end_s - start_s) // 60.0) + 1)
    in_gap = np.minimum(ends, gap_hi) - np.maximum(ends - 60.0, gap_lo)
    assert pieces.ln_hf.size == np.count_nonzero(in_gap <= MAX_SPECTRAL_GAP_S)
    # PNS/SNS pieces: gap time counts against the 15 % limit (9 s of 60 s).
    assert pieces.pns_index.size == np.count_nonzero(in_gap <= 0.15 * 60.0)
    short = subwindows(series, keep, start_s, end_s)
    ends = start_s + 30.0 * np.arange(1, int((end_s - start_s) // 30.0) + 1)
    recorded = 30.0 - np.clip(np.minimum(ends, gap_hi) - np.maximum(ends - 30.0, gap_lo), 0, 30)
    assert short.hr_bpm.size == np.count_nonzero(recorded >= 10.0)
