"""Rolling series, live updates, phases and the relaxation shift."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_relax.analysis import (
    LiveHrv,
    PhaseMark,
    against_normal,
    analyze_session,
    detect_artifacts,
    hrv_indices,
    normal_range,
)
from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.live import LOOKAHEAD_BEATS
from hrv_relax.analysis.relaxation import subwindows
from hrv_relax.analysis.series import beat_series
from tests.support.reference import load_labelled


def synthetic_rr(minutes: float, hr_bpm: float, rsa_ms: float, seed: int) -> np.ndarray:
    """Sinus rhythm with respiratory sinus arrhythmia (0.25 Hz) and a little noise."""
    rng = np.random.default_rng(seed)
    mean_rr = 60_000.0 / hr_bpm
    n = int(minutes * 60_000.0 / mean_rr)
    t_s = np.arange(n) * mean_rr / 1000.0
    return mean_rr + rsa_ms * np.sin(2 * np.pi * 0.25 * t_s) + rng.normal(0.0, 3.0, n)


def test_rolling_time_domain_equals_window_by_window(nsr_rr_ms):
    rr = nsr_rr_ms[:5000]
    session = analyze_session(rr)
    rolling = session.rolling_time
    t_s = np.cumsum(rr) / 1000.0
    keep = ~detect_artifacts(rr)
    checked = 0
    for k in range(0, rolling.t_s.size, 11):
        lo, hi = np.searchsorted(t_s, [rolling.t_s[k] - 60.0, rolling.t_s[k]], side="right")
        if keep[lo:hi].all() and np.isfinite(rolling.rmssd_ms[k]):
            direct = hrv_indices(rr[lo:hi], correct_artifacts=False)
            assert rolling.rmssd_ms[k] == pytest.approx(direct.rmssd_ms, rel=1e-9)
            assert rolling.hr_bpm[k] == pytest.approx(direct.mean_hr_bpm, rel=1e-9)
            checked += 1
    assert checked > 20


def test_rolling_series_shapes_follow_the_issue_defaults():
    rr = synthetic_rr(20, 70, 40, seed=1)
    session = analyze_session(rr)
    assert np.allclose(np.diff(session.rolling_time.t_s), 5.0)
    assert np.allclose(np.diff(session.rolling_spectral.t_s), 10.0)
    assert np.allclose(np.diff(session.rolling_autonomic.t_s), 30.0)
    assert session.rolling_time.t_s[0] == pytest.approx(60.0)
    assert np.all(np.isfinite(session.rolling_spectral.hf_ms2))
    assert np.all(np.isfinite(session.rolling_autonomic.pns_index))


def test_live_matches_offline_rolling(nsr_rr_ms):
    rr = nsr_rr_ms[:3000]
    live = LiveHrv()
    readings = [live.push(rr[i : i + 3]) for i in range(0, rr.size, 3)]
    assert not readings[0].supportable
    assert "first minute" in readings[0].reason
    assert math.isnan(readings[0].rmssd_ms)
    session = analyze_session(rr)
    t_s = np.cumsum(rr) / 1000.0
    keep = ~session.artifacts
    compared = 0
    for reading in readings[100::50]:
        lo, hi = np.searchsorted(t_s, [reading.t_s - 60.0, reading.t_s], side="right")
        # Live judges a beat once two more have come: its window ends two beats back.
        hi -= LOOKAHEAD_BEATS
        if keep[max(lo - 3, 0) : hi].all() and reading.supportable:
            direct = hrv_indices(rr[lo:hi], correct_artifacts=False)
            assert reading.hr_bpm == pytest.approx(direct.mean_hr_bpm, rel=0.01)
            assert reading.rmssd_ms == pytest.approx(direct.rmssd_ms, rel=0.05)
            compared += 1
    assert compared > 10


def test_live_respects_gaps_and_artefacts():
    live = LiveHrv()
    rr = synthetic_rr(3, 60, 30, seed=2)
    live.push(rr)
    t_end = float(np.sum(rr)) / 1000.0
    noisy = np.tile([400.0, 1500.0], 40)
    reading = live.push(noisy, t_end + np.cumsum(noisy) / 1000.0)
    assert not reading.supportable
    assert "artefacts" in reading.reason


def _shift_session(phase_hr: float, phase_rsa: float):
    base = synthetic_rr(5, 72, 25, seed=3)
    phase = synthetic_rr(10, phase_hr, phase_rsa, seed=4)
    rr = np.concatenate([base, phase])
    marks = [PhaseMark(0.0, "Baseline"), PhaseMark(float(base.sum()) / 1000.0, "massage")]
    return analyze_session(rr, marks, past_baseline_ln_rmssd=[2.5, 2.7, 2.6, 2.8])


def test_relaxation_verdicts():
    relaxed = _shift_session(64, 45).phases[0].shift
    assert relaxed is not None
    assert relaxed.verdict == "more relaxed"
    assert relaxed.hr_bpm.ci_high < 0 < relaxed.ln_rmssd.ci_low
    assert relaxed.rmssd_pct > 30
    assert 0 < relaxed.ln_hf.ci_low < relaxed.ln_hf.delta < relaxed.ln_hf.ci_high
    assert 0 < relaxed.pns_index.ci_low < relaxed.pns_index.ci_high
    assert relaxed.sns_index.ci_low < relaxed.sns_index.ci_high < 0

    aroused = _shift_session(80, 12).phases[0].shift
    assert aroused is not None
    assert aroused.verdict == "more aroused"
    assert aroused.ln_hf.ci_high < 0
    assert aroused.pns_index.ci_high < 0 < aroused.sns_index.ci_low

    same = _shift_session(72, 25).phases[0].shift
    assert same is not None
    assert same.verdict == "no clear change"
    assert same.ln_hf.ci_low < 0 < same.ln_hf.ci_high
    assert same.pns_index.ci_low < 0 < same.pns_index.ci_high
    # The 60 s stress index is noisy: with 5 baseline pieces the interval may miss 0 narrowly.
    assert abs(same.sns_index.delta) < 0.5


def test_short_phase_has_hf_change_without_interval():
    base = synthetic_rr(3, 72, 25, seed=8)
    phase = synthetic_rr(1.5, 66, 40, seed=9)
    marks = [PhaseMark(0.0, "baseline"), PhaseMark(float(base.sum()) / 1000.0, "effleurage")]
    shift = analyze_session(np.concatenate([base, phase]), marks).phases[0].shift
    assert shift is not None
    assert shift.ln_hf.delta > 0
    assert math.isnan(shift.ln_hf.ci_low)
    assert shift.pns_index.delta > 0
    assert math.isnan(shift.pns_index.ci_low)


def test_default_baseline_is_first_three_minutes():
    session = analyze_session(synthetic_rr(10, 70, 30, seed=5))
    assert session.baseline.end_s - session.baseline.start_s == pytest.approx(180.0, abs=1.0)
    assert [p.phase for p in session.phases] == ["session"]
    assert session.usual is None
    assert session.baseline_vs_usual == "no history"


def test_every_whole_piece_up_to_a_mark_counts_and_none_past_the_last_beat():
    """A phase's last 30 s piece ends at the mark that closes it, after its last beat: it
    counts (pieces once stopped at the last beat, and the default 3-minute baseline had 5)."""
    rr_ms = synthetic_rr(20, 67, 30, seed=8)
    series = beat_series(rr_ms)
    keep = ~classify_artifacts(series.rr_ms).any
    start_s = float(series.t_s[0] - series.rr_ms[0] / 1000.0)
    for lo, hi, pieces in ((start_s, start_s + 180.0, 6), (600.0, 690.0, 3), (600.0, 719.0, 3)):
        assert not np.any(np.isclose(series.t_s, hi, atol=1e-3))
        got = subwindows(series, keep, lo, hi)
        np.testing.assert_allclose(got.end_s, lo + 30.0 * np.arange(1, pieces + 1))
    # The session's last phase ends at its last beat: no piece reaches past it.
    last = subwindows(series, keep, 900.0, float(series.t_s[-1]))
    assert last.end_s[-1] <= series.t_s[-1]
    assert last.end_s.size == int((series.t_s[-1] - 900.0) // 30.0)


def test_normal_range():
    usual = normal_range([3.0, 3.1, 3.2, 3.3, 3.4])
    assert usual is not None
    assert usual.mean_ln_rmssd == pytest.approx(3.2)
    # 90 % prediction interval: t(0.95, 4) 2.132 x SD 0.158 x sqrt(1.2) = 0.369.
    assert usual.high - usual.mean_ln_rmssd == pytest.approx(0.369, abs=1e-3)
    assert against_normal(2.8, usual) == "below normal"
    assert against_normal(3.0, usual) == "within normal"
    assert against_normal(3.6, usual) == "above normal"
    assert normal_range([3.0, 3.1, 3.2, 3.3]) is None


def test_short_window_gives_nan_with_reason():
    result = hrv_indices(synthetic_rr(1.5, 70, 30, seed=6))
    assert result.reliable
    assert np.isfinite(result.hf_ms2)
    assert math.isnan(result.lf_ms2) and math.isnan(result.vlf_ms2)
    assert "LF" in result.reason


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(50, 100), st.floats(5, 80))
def test_rolling_rmssd_never_exceeds_plausible_bounds(seed, hr_bpm, rsa_ms):
    rr = synthetic_rr(3, hr_bpm, rsa_ms, seed)
    rolling = analyze_session(rr).rolling_time
    finite = rolling.rmssd_ms[np.isfinite(rolling.rmssd_ms)]
    assert finite.size > 0
    # RMSSD of a sinusoid plus noise is bounded by its largest possible successive step.
    assert np.all(finite <= np.max(np.abs(np.diff(rr))) + 1e-9)


def test_analysis_error_is_a_project_error_and_a_value_error():
    from hrv_relax.analysis import AnalysisError
    from hrv_relax.errors import HrvRelaxError

    with pytest.raises(HrvRelaxError):
        hrv_indices([800.0, 810.0, 805.0], t_s=[0.8, 1.6])
    with pytest.raises(ValueError, match="t_s has 2 values"):
        analyze_session([800.0, 810.0, 805.0], t_s=[0.8, 1.6])
    with pytest.raises(AnalysisError):
        LiveHrv().push([800.0, 810.0], t_s=[0.8])


def test_rolling_series_blank_hrv_in_atrial_fibrillation():
    """The irregular-rhythm rule applies to the charts as to the phase figures: HR stays."""
    rr, _ = load_labelled("ltdb/14149.csv.gz")
    session = analyze_session(rr[5600:6400])  # 7.5 min, irregular throughout
    late = session.rolling_time.t_s > 65.0
    assert np.isfinite(session.rolling_time.hr_bpm[late]).all()
    assert np.isnan(session.rolling_time.rmssd_ms[late]).all()
    assert session.rolling_spectral.hf_ms2.size > 10
    assert np.isnan(session.rolling_spectral.hf_ms2).all()
    assert session.rolling_autonomic.pns_index.size >= 4
    assert np.isnan(session.rolling_autonomic.pns_index).all()
