"""Gaps in the recording and minimum windows: no figure from time that was not recorded.

Each test here reproduces a defect found in review (live RMSSD from 3 beats after a gap,
spectra across a 100 s gap, rolling RMSSD from 6 beats, LF/HF from 2 minutes, a heart rate
from one interval, HF lost to a 5-10 s strap dropout) and pins the fixed behaviour.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from hrv_relax.analysis import LiveHrv, analyze_session, hrv_indices
from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.constants import (
    MAX_ARTIFACT_PCT,
    MAX_ARTIFACT_PCT_SPECTRAL,
    MAX_SPECTRAL_GAP_S,
    MIN_HF_S,
    MIN_LF_HF_S,
    MIN_LIVE_COVERAGE_S,
    MIN_VLF_S,
    SMOOTHNESS_PRIORS_LAMBDA,
)
from hrv_relax.analysis.detrending import smoothness_priors_detrend
from hrv_relax.analysis.frequency import band_powers, resample
from hrv_relax.analysis.live import LOOKAHEAD_BEATS
from hrv_relax.analysis.nonlinear import vlf_residual_nn
from hrv_relax.analysis.norms import DEFAULT_NORMS
from hrv_relax.analysis.relaxation import slow_pieces, subwindows
from hrv_relax.analysis.rolling import rolling_spectral, rolling_time_domain
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
    end = -LOOKAHEAD_BEATS  # live judges a beat once two more have come
    direct = hrv_indices(rr[lo:end], t_s=t_s[lo:end], correct_artifacts=False)
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


def drop_beats(rr: np.ndarray, start_s: float, lost_s: float) -> tuple[np.ndarray, np.ndarray]:
    """``rr`` with the beats of ``lost_s`` from ``start_s`` lost, their time kept: (rr, t_s)."""
    t_s = np.cumsum(rr) / 1000.0
    lo, hi = np.searchsorted(t_s, [start_s, start_s + lost_s])
    return with_gaps([rr[:lo], rr[hi:]], [float(rr[lo:hi].sum()) / 1000.0])


def test_a_gap_longer_than_a_few_seconds_splits_the_spectrum():
    """Review repro: 150 s, a 5 s dropout, 150 s had HF, LF and LF/HF NaN ("no spectrum")."""
    first, second = rsa_rr(150.0, seed=9), rsa_rr(150.0, seed=10)
    rr, t_s = with_gaps([first, second], [MAX_SPECTRAL_GAP_S + 2.0])
    gapped = hrv_indices(rr, t_s=t_s)
    whole = hrv_indices(rr)
    assert gapped.reliable  # 5 s of 305 s: the time domain is trustworthy
    assert np.isfinite(gapped.rmssd_ms) and np.isfinite(gapped.pns_index)
    # Steady synthetic breathing: the two 150 s halves' spectra give the whole's HF (measured
    # +2.3 %, 3 % pinned). LF/HF too: 300 s of stretches of 2 minutes or more.
    assert gapped.hf_ms2 == pytest.approx(whole.hf_ms2, rel=0.03)
    assert np.isfinite(gapped.lf_ms2) and np.isfinite(gapped.lf_hf)
    # VLF needs one 10-minute stretch (Task Force 1996: not from 5 minutes), and there is none.
    assert math.isnan(gapped.vlf_ms2) and math.isnan(whole.vlf_ms2)
    assert (
        f"no VLF: with the recording gaps over {MAX_SPECTRAL_GAP_S:.0f} s left out, "
        f"the longest unbroken stretch is 150 s (needs {MIN_VLF_S:.0f} s)"
    ) in gapped.reason
    rr_short, t_short = with_gaps([first, second], [1.5])
    short_gap = hrv_indices(rr_short, t_s=t_short)
    assert short_gap.hf_ms2 == pytest.approx(whole.hf_ms2, rel=0.15)


@pytest.mark.parametrize(
    ("gap_at_s", "hf_vs_whole", "hf_vs_cut"),
    # Measured HF change against the whole window, and against the same window cut at the same
    # place with every beat kept. After a gap at 240 s only 52 s remain: too short for HF, so
    # the first 240 s alone give it, with or without the lost beats.
    [
        (60.0, +0.126, +0.013),
        (150.0, -0.162, -0.060),
        (200.0, -0.340, +0.015),
        (240.0, -0.116, 0.0),
    ],
)
def test_a_strap_dropout_keeps_hf_on_a_real_recording(
    kubios_rr_ms, gap_at_s, hf_vs_whole, hf_vs_cut
):
    """8 s of beats lost from the 5-minute Kubios reference recording: HF was NaN, now it is
    within 6.5 % of the same window cut at the same place with every beat kept (pinned just
    above the largest difference, -6.0 %).

    Against the whole, uncut window HF moves by +13 % to -34 %, and that comes from the cut,
    not from the lost beats: HF in this recording swings from 125 to 2900 ms^2 from one minute
    to the next (60 s windows), and a single 300 s Hann window weighs the middle minutes most,
    two shorter ones each their own middle. On steady breathing the cut costs ~2 % (test
    above); docs/analysis.md gives the figures over many windows of nsr2db/nsr001.
    """
    whole = hrv_indices(kubios_rr_ms)
    rr, t_s = drop_beats(kubios_rr_ms, gap_at_s, 8.0)
    assert np.max(np.diff(t_s) - rr[1:] / 1000.0) > MAX_SPECTRAL_GAP_S  # HF was NaN before
    gapped = hrv_indices(rr, t_s=t_s)
    assert gapped.reliable and gapped.gap_pct > 2.0
    assert gapped.hf_ms2 / whole.hf_ms2 - 1.0 == pytest.approx(hf_vs_whole, abs=0.005)
    at = int(np.searchsorted(np.cumsum(kubios_rr_ms) / 1000.0, gap_at_s))
    rr_cut, t_cut = with_gaps([kubios_rr_ms[:at], kubios_rr_ms[at:]], [8.0])
    cut = hrv_indices(rr_cut, t_s=t_cut)
    assert gapped.hf_ms2 / cut.hf_ms2 - 1.0 == pytest.approx(hf_vs_cut, abs=0.005)
    assert gapped.hf_ms2 == pytest.approx(cut.hf_ms2, rel=0.065)


def test_hf_pools_the_stretches_by_covered_time_and_lf_only_the_long_ones():
    """150 s and 90 s around a 5 s gap: HF from both stretches, LF from the 150 s one alone."""
    parts = [rsa_rr(150.0, seed=20), rsa_rr(90.0, seed=21)]
    rr, t_s = with_gaps(parts, [5.0])
    gapped = hrv_indices(rr, t_s=t_s, correct_artifacts=False)
    alone = [hrv_indices(p, correct_artifacts=False) for p in parts]
    assert np.isfinite(alone[0].lf_ms2) and math.isnan(alone[1].lf_ms2)
    # Band power is linear in the PSD: the pooled HF is the stretches' HF weighted by time.
    weights = np.array([a.duration_s for a in alone])
    expected_hf = float(np.dot(weights, [a.hf_ms2 for a in alone]) / weights.sum())
    assert gapped.hf_ms2 == pytest.approx(expected_hf, rel=1e-9)
    assert gapped.lf_ms2 == pytest.approx(alone[0].lf_ms2, rel=1e-9)
    assert math.isnan(gapped.lf_hf) and math.isnan(gapped.hf_nu)
    assert f"stretches of 120 s or more is 150 s (needs {MIN_LF_HF_S:.0f} s)" in gapped.reason
    assert "no LF/HF or n.u." in gapped.reason


def test_a_window_cut_into_short_stretches_has_no_spectrum_and_says_why():
    """Four 50 s stretches between 5 s gaps: 200 s recorded, no stretch long enough for HF."""
    parts = [rsa_rr(50.0, seed=30 + k) for k in range(4)]
    rr, t_s = with_gaps(parts, [5.0, 5.0, 5.0])
    gapped = hrv_indices(rr, t_s=t_s)
    assert gapped.reliable and gapped.gap_pct < MAX_ARTIFACT_PCT_SPECTRAL
    assert np.isfinite(gapped.rmssd_ms) and np.isfinite(gapped.pns_index)
    for name in ("vlf_ms2", "lf_ms2", "hf_ms2", "ln_hf", "lf_hf", "lf_nu", "hf_nu"):
        assert math.isnan(getattr(gapped, name)), name
    assert (
        f"no HF, LF or VLF: with the recording gaps over {MAX_SPECTRAL_GAP_S:.0f} s left out, "
        f"the longest unbroken stretch is 50 s (needs {MIN_HF_S:.0f} s)"
    ) in gapped.reason
    # The same beats without the gaps: one 200 s stretch with HF and LF.
    contiguous = hrv_indices(rr)
    assert np.isfinite(contiguous.hf_ms2) and np.isfinite(contiguous.lf_ms2)


@pytest.mark.parametrize("detrend", [None, SMOOTHNESS_PRIORS_LAMBDA])
@pytest.mark.parametrize("gap_s", [None, MAX_SPECTRAL_GAP_S - 0.5])
def test_a_window_without_a_long_gap_keeps_the_single_window_spectrum(kubios_rr_ms, detrend, gap_s):
    """No gap, or one the spline may bridge: one stretch, the single-window spectrum bit for bit."""
    rr, t_s = kubios_rr_ms, None
    if gap_s is not None:
        half = rr.size // 2
        rr, t_s = with_gaps([rr[:half], rr[half:]], [gap_s])
    result = hrv_indices(rr, t_s=t_s, detrend=detrend)
    series = beat_series(rr, t_s)
    keep = ~classify_artifacts(series.rr_ms).any
    even = resample(series.t_s[keep], series.rr_ms[keep])
    x = even.rr_ms if detrend is None else smoothness_priors_detrend(even.rr_ms, detrend)
    single = band_powers(x, even.rate_hz)
    spectral = ("lf_ms2", "hf_ms2", "lf_hf", "lf_nu", "hf_nu")
    assert [getattr(result, n) for n in spectral] == [getattr(single, n) for n in spectral]
    assert math.isnan(result.vlf_ms2)  # 5 minutes: no VLF (Task Force 1996)


def test_rolling_spectral_across_a_long_gap():
    """HF and LF chart points around a 100 s gap: NaN where the gap weighs, HF where it does not."""
    rr, t_s = with_gaps([rsa_rr(400.0, seed=11), rsa_rr(400.0, seed=12)], [100.0])
    gap_lo, gap_hi = (
        float(t_s[rr.size // 2 - 1]),
        float(t_s[rr.size // 2] - rr[rr.size // 2] / 1000),
    )
    spectral = analyze_session(rr, t_s=t_s).rolling_spectral
    inside = np.minimum(spectral.t_s, gap_hi) - np.maximum(spectral.t_s - 120.0, gap_lo)
    # Gap time counts against the 10 % spectrum limit (12 s of 120 s); below it, the window's
    # beats on one side of the gap (over 60 s) still give HF. LF needs 120 s covered.
    reach = MAX_ARTIFACT_PCT_SPECTRAL / 100.0 * 120.0
    split = (inside > MAX_SPECTRAL_GAP_S) & (inside < reach)
    assert np.count_nonzero(inside > reach + 1.0) >= 9 and np.count_nonzero(split) >= 1
    assert np.all(np.isnan(spectral.hf_ms2[inside > reach + 1.0]))
    assert np.all(np.isfinite(spectral.hf_ms2[split]))
    assert np.all(np.isnan(spectral.lf_ms2[inside > 1.0]))
    clear = inside <= 0.0
    assert np.all(np.isfinite(spectral.hf_ms2[clear]))
    assert np.all(np.isfinite(spectral.lf_ms2[clear]))


def test_rolling_hf_across_a_dropout_is_hrv_indices_of_the_window():
    """An 8 s dropout used to blank every HF point whose 120 s window held it (12 points)."""
    rr, t_s = with_gaps([rsa_rr(300.0, seed=40), rsa_rr(300.0, seed=41)], [8.0])
    series = beat_series(rr, t_s)
    keep = np.ones(rr.size, dtype=np.bool_)
    rolling = rolling_spectral(series, keep, SMOOTHNESS_PRIORS_LAMBDA)
    gap_lo = float(t_s[rr.size // 2 - 1])
    holds_gap = (rolling.t_s - 120.0 < gap_lo) & (rolling.t_s > gap_lo + 8.0)
    assert np.count_nonzero(holds_gap) >= 11
    assert np.all(np.isfinite(rolling.hf_ms2[holds_gap]))
    assert np.all(np.isnan(rolling.lf_ms2[holds_gap]))  # no 120 s stretch in a 120 s window
    for k in np.flatnonzero(holds_gap):
        lo, hi = np.searchsorted(t_s, [rolling.t_s[k] - 120.0, rolling.t_s[k]], side="right")
        direct = hrv_indices(rr[lo:hi], t_s=t_s[lo:hi], correct_artifacts=False)
        assert rolling.hf_ms2[k] == pytest.approx(direct.hf_ms2, rel=1e-9)
    # Windows clear of the dropout keep the session-wide spectrum.
    clear = (rolling.t_s < gap_lo) | (rolling.t_s - 120.0 > gap_lo + 8.0)
    assert np.all(np.isfinite(rolling.hf_ms2[clear]))


def test_rolling_autonomic_is_nan_across_a_gap():
    rr, t_s = with_gaps([rsa_rr(400.0, seed=11), rsa_rr(400.0, seed=12)], [100.0])
    gap_lo, gap_hi = (
        float(t_s[rr.size // 2 - 1]),
        float(t_s[rr.size // 2] - rr[rr.size // 2] / 1000),
    )
    autonomic = analyze_session(rr, t_s=t_s).rolling_autonomic
    # A PNS/SNS window (no spectrum) may reach less than MAX_ARTIFACT_PCT of its length into
    # the gap: gap time counts as unusable.
    reach = MAX_ARTIFACT_PCT / 100.0 * 300.0
    inside = np.minimum(autonomic.t_s, gap_hi) - np.maximum(autonomic.t_s - 300.0, gap_lo)
    touches = inside > reach + 1.0
    clear = inside <= 0.0
    assert touches.sum() >= 9
    for values in (autonomic.pns_index, autonomic.sns_index):
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
    package = Path(__file__).resolve().parents[3] / "hrv_relax" / "analysis"
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
