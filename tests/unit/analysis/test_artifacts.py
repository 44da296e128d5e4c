"""Artefact detection on the annotated development records (held-out ones: test_held_out.py).

Pinned just below the figures reached (docs/analysis.md); issue 4's goal is sensitivity
>= 0.95 at specificity >= 0.99. Reached on mitdb/100; close on 14046 (0.92); not on 14134
(0.78), whose fusion and late-coupled ventricular beats come nearly on time, nor in atrial
fibrillation (14149), where timing cannot single out ectopic beats and the windows are marked
unreliable. Truth: both beats labelled N and a plausible (250-2500 ms) interval.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrv_relax.analysis import classify_artifacts, detect_artifacts, hrv_indices, lipponen_tarvainen
from tests.support.analysis_scoring import score_record
from tests.support.reference import load_labelled

#: 90th percentile of the RMSSD change correction causes on all-N 2-min windows of 14046:
#: measured 0.041 (median 0; 83 % of windows unchanged). Above the goal of no added error:
#: a few sinus beats with an ectopic-like short-long-back signature are still flagged.
CLEAN_P90_ERROR = 0.045

# record: (min sensitivity, min specificity); measured 1.000/0.9991, 0.922/0.9930,
# 0.783/0.9966, 0.032/0.9933.
DETECTION = {
    "mitdb/100.csv": (0.99, 0.999),
    "ltdb/14046.csv.gz": (0.92, 0.992),
    "ltdb/14134.csv.gz": (0.78, 0.996),
    "ltdb/14149.csv.gz": (0.0, 0.992),
}


@pytest.mark.parametrize("record", sorted(DETECTION))
def test_detection_on_development_records(record):
    rr, labels = load_labelled(record)
    score = score_record(rr, labels)
    min_sens, min_spec = DETECTION[record]
    assert score.sensitivity >= min_sens
    assert score.specificity >= min_spec


def test_better_than_published_algorithm_on_ventricular_ectopy():
    rr, labels = load_labelled("ltdb/14046.csv.gz")
    abnormal = labels != "N"
    truth = abnormal | np.concatenate(([False], abnormal[:-1]))
    ours = detect_artifacts(rr)
    published = lipponen_tarvainen(rr).any
    assert (ours & truth).sum() > 2 * (published & truth).sum()
    assert (ours & ~truth).sum() < (published & ~truth).sum()


# record: (max median, max 90th percentile) RMSSD error in % on 5-min windows with <= 5 %
# abnormal beats; measured 0.00/1.00 (mitdb/100), 0.43/4.45 (14046), 8.49/19.8 (14134).
# Goal 2 % / 5 %: met on mitdb/100 and 14046; not on 14134 (missed fusion and late-coupled
# ventricular beats, whose timing is within the sinus range; 24 such windows).
LOW_WINDOW_ERROR = {
    "mitdb/100.csv": (0.1, 1.5),
    "ltdb/14046.csv.gz": (0.5, 4.8),
    "ltdb/14134.csv.gz": (9.0, 20.5),
}


@pytest.mark.parametrize("record", sorted(LOW_WINDOW_ERROR))
def test_rmssd_on_mostly_clean_windows(record):
    """5-min windows with <= 5 % abnormal beats: kept, and RMSSD near the true-NN RMSSD."""
    score = score_record(*load_labelled(record))
    max_median, max_p90 = LOW_WINDOW_ERROR[record]
    assert score.low_kept_fraction >= 0.90
    assert score.low_error_median_pct <= max_median
    assert score.low_error_p90_pct <= max_p90


def test_heavily_ectopic_windows_are_unreliable():
    for record in ("ltdb/14046.csv.gz", "ltdb/14134.csv.gz"):
        score = score_record(*load_labelled(record))
        assert score.high_windows > 10
        assert score.high_unreliable_fraction == 1.0  # 23 and 108 windows


def test_atrial_fibrillation_is_marked_unreliable():
    rr, _ = load_labelled("ltdb/14149.csv.gz")
    result = hrv_indices(rr[:500])
    assert not result.reliable
    assert "irregular rhythm" in result.reason
    assert np.isnan(result.rmssd_ms)


def test_correction_adds_no_error_on_clean_data():
    """2-min windows whose beats are all labelled N: corrected RMSSD stays with the truth."""
    rr, labels = load_labelled("ltdb/14046.csv.gz")
    errors = []
    for start in range(0, rr.size - 150, 150):
        part = slice(start, start + 150)
        if np.all(labels[part] == "N"):
            truth = hrv_indices(rr[part], correct_artifacts=False).rmssd_ms
            errors.append(abs(hrv_indices(rr[part]).rmssd_ms / truth - 1.0))
    assert len(errors) >= 20
    assert np.median(errors) == 0.0
    assert np.mean(np.asarray(errors) == 0.0) >= 0.8
    assert np.percentile(errors, 90) < CLEAN_P90_ERROR


def test_a_step_in_sinus_rate_is_not_ectopy():
    """A short beat before a lasting rise (a sigh, an arousal) is a rate change, not a pause."""
    rr = np.full(120, 760.0) + 8.0 * np.sin(np.arange(120) / 2.0)
    rr[60] = 735.0
    rr[61:] += 110.0  # the rise persists: no return after the "pause"
    assert not detect_artifacts(rr).any()


def test_trigeminy_with_varying_coupling_is_detected_not_called_irregular():
    """N N V repeated with coupling 60-75 % and full compensatory pauses (as in ltdb/14134)."""
    rng = np.random.default_rng(7)
    rr = []
    for _ in range(80):
        coupling = rng.uniform(0.60, 0.75) * 1000.0
        rr += [1000.0 + rng.normal(0, 8), coupling, 2000.0 - coupling]
    classes = classify_artifacts(np.asarray(rr))
    assert not classes.irregular.any()
    premature = np.arange(1, len(rr), 3)[1:-1]
    assert classes.ectopic[premature].all() and classes.ectopic[premature + 1].all()
    normal = np.arange(0, len(rr), 3)[1:]
    assert not classes.any[normal].any()


def test_atrial_fibrillation_stays_irregular_not_ectopic():
    rr, _ = load_labelled("ltdb/14149.csv.gz")
    classes = classify_artifacts(rr[:5000])
    assert classes.irregular.mean() > 0.9
    assert classes.any.mean() < 0.02


def test_classes_point_at_the_right_intervals():
    rr = np.full(200, 800.0) + 20.0 * np.sin(np.arange(200) / 3.0)
    rr[100], rr[101] = 560.0, 1040.0  # premature beat and compensatory pause
    rr[150] = 1600.0  # missed beat
    rr[50] = 120.0  # impossible
    classes = classify_artifacts(rr)
    assert classes.ectopic[100] and classes.ectopic[101]
    assert classes.missed[150]
    assert classes.implausible[50]
    clean = np.ones(200, bool)
    clean[[50, 51, 100, 101, 150]] = False
    assert not classes.any[clean].any()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(200.0, 3000.0), min_size=0, max_size=300))
def test_detector_shape_and_type(rr):
    flags = detect_artifacts(rr)
    assert flags.dtype == np.bool_
    assert flags.shape == (len(rr),)
    result = hrv_indices(rr)
    assert result.n_beats == len(rr)
    assert 0.0 <= result.artifact_pct <= 100.0
    assert result.reliable == (result.reason == "" or "no " in result.reason.split(":")[-1])


@pytest.mark.parametrize(
    ("period_beats", "amplitude_ms"),
    [(3.3, 80), (4, 55), (4, 80), (4, 120), (5, 160), (6, 160), (6, 250), (8, 250), (10, 350)],
)
def test_large_sinus_arrhythmia_is_neither_irregular_nor_ectopic(period_beats, amplitude_ms):
    """A relaxed client breathing 6-18 times a minute at 60 bpm, RSA up to +/- 35 %.

    Before the compensation and periodicity tests, a 4-beat RSA of +/- 5.5 % or more was
    called irregular rhythm, and before the step-widened thresholds +/- 16 % at a 6-beat
    breath flagged half the beats as ectopic.
    """
    rng = np.random.default_rng(1)
    n = np.arange(600)
    rr = 1000.0 + amplitude_ms * np.sin(2 * np.pi * n / period_beats) + rng.normal(0, 5, n.size)
    classes = classify_artifacts(rr)
    assert not classes.irregular.any()
    assert classes.any.mean() < 0.01


def test_sustained_bigeminy_is_flagged_and_the_window_unreliable():
    """Every beat plainly ectopic leaves no sinus step to widen the thresholds with."""
    rng = np.random.default_rng(3)
    rr = np.tile([600.0, 1400.0], 150) + rng.normal(0, 5, 300)
    assert detect_artifacts(rr).all()
    result = hrv_indices(rr)
    assert not result.reliable and np.isnan(result.rmssd_ms)


def test_a_beat_split_by_a_spurious_detection_is_extra():
    rng = np.random.default_rng(5)
    rr = list(1000.0 + 30.0 * np.sin(np.arange(300) / 2.5) + rng.normal(0, 8, 300))
    split_at = [40, 120, 200]
    for k in reversed(split_at):
        rr[k : k + 1] = [0.4 * rr[k], 0.6 * rr[k]]
    classes = classify_artifacts(np.asarray(rr))
    halves = np.array([k + i + offset for i, k in enumerate(split_at) for offset in (0, 1)])
    assert classes.extra[halves].all()
    assert classes.any.sum() <= halves.size + 2 * len(split_at)  # at most a neighbour each
