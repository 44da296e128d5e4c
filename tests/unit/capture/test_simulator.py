"""The simulated strap: realistic, deterministic, and speaking real 0x2A37 frames."""

from __future__ import annotations

import numpy as np

from hrv_relax.capture.simulator import ClientProfile, SessionPlan, frames_for, simulate_beats
from hrv_relax.heart_rate import parse_measurement

PLAN = SessionPlan(baseline_s=300, massage_s=1200, recovery_s=300)


def _rmssd(rr: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.diff(rr) ** 2)))


def test_same_seed_same_session_other_seed_other_session() -> None:
    profile = ClientProfile()
    a, _ = simulate_beats(PLAN, profile, seed=3)
    b, _ = simulate_beats(PLAN, profile, seed=3)
    c, _ = simulate_beats(PLAN, profile, seed=4)
    assert a == b
    assert a != c


def test_heart_rate_falls_and_rmssd_rises_during_massage() -> None:
    profile = ClientProfile(ectopic_per_hour=0, contact_losses_per_hour=0)
    beats, _ = simulate_beats(PLAN, profile, seed=1)
    t = np.array([b.t_s for b in beats])
    rr = np.array([b.rr_ms for b in beats])
    baseline = rr[t < 300]
    late_massage = rr[(t > 1200) & (t < 1500)]
    hr_drop = 60000 / baseline.mean() - 60000 / late_massage.mean()
    assert 3.0 < hr_drop < 12.0
    assert _rmssd(late_massage) > 1.15 * _rmssd(baseline)
    assert 40 < 60000 / rr.mean() < 100


def test_ectopic_beats_are_premature_then_compensated() -> None:
    profile = ClientProfile(ectopic_per_hour=120, contact_losses_per_hour=0)
    beats, _ = simulate_beats(PLAN, profile, seed=2)
    ectopic = [i for i, b in enumerate(beats) if b.ectopic]
    assert len(ectopic) > 20
    for i in ectopic[:10]:
        assert beats[i].rr_ms < 0.8 * beats[i - 1].rr_ms
        assert beats[i + 1].rr_ms > beats[i - 1].rr_ms


def test_frames_are_real_measurements_about_once_a_second_with_0_to_3_rr() -> None:
    profile = ClientProfile(contact_losses_per_hour=6)
    beats, losses = simulate_beats(PLAN, profile, seed=5)
    frames = list(frames_for(beats, losses, seed=5))
    assert abs(len(frames) - PLAN.total_s) < 5
    decoded = [parse_measurement(f.data) for f in frames]
    counts = {len(m.rr_ms) for m in decoded}
    assert counts <= {0, 1, 2, 3} and {1, 2} <= counts
    no_contact = [m for m in decoded if m.sensor_contact is False]
    assert losses and no_contact and all(m.bpm == 0 and not m.rr_ms for m in no_contact)
    sent = [rr for m in decoded for rr in m.rr_ms]
    assert 0.9 * len(beats) < len(sent) <= len(beats)


def test_a_tense_stretch_speeds_the_heart_and_shrinks_its_variability() -> None:
    calm = ClientProfile(relax_hr_drop_bpm=0.0, relax_rsa_gain=0.0, ectopic_per_hour=0.0)
    plan = SessionPlan(300.0, 900.0, 300.0, tense_s=(600.0, 1080.0))
    beats, _ = simulate_beats(plan, calm, seed=3)
    t = np.array([b.t_s for b in beats])
    rr = np.array([b.rr_ms for b in beats])

    def stretch(start: float, end: float) -> tuple[float, float]:
        inside = rr[(t >= start) & (t < end)]
        return 60000.0 / float(inside.mean()), float(np.sqrt(np.mean(np.diff(inside) ** 2)))

    hr_rest, rmssd_rest = stretch(60.0, 300.0)
    hr_tense, rmssd_tense = stretch(660.0, 1020.0)
    assert hr_tense - hr_rest > 6.0
    assert rmssd_tense < 0.7 * rmssd_rest
    assert plan.tension(599.0) == 0.0 and plan.tension(800.0) == 1.0 and plan.tension(1080.0) == 0.0
