"""The live detector against the offline one, and on the large RSA of a relaxed client."""

import numpy as np
import pytest

from hrv_relax.analysis import AnalysisError, LiveHrv, detect_artifacts, hrv_indices
from hrv_relax.analysis.live import LOOKAHEAD_BEATS
from tests.support.reference import load_labelled


@pytest.mark.parametrize(
    ("period_beats", "amplitude_ms"), [(4, 80), (5, 120), (6, 160), (8, 160), (10, 250)]
)
def test_live_keeps_a_large_sinus_arrhythmia_on_screen(period_beats, amplitude_ms):
    """Deep slow breathing (6-15 a minute at 60 bpm, RSA up to +/- 25 %) is not artefact.

    Before the look-ahead, step-widened thresholds and an unbiased reference, +/- 16 % at a
    6- or 8-beat breath hid the live RMSSD behind "too many artefacts" (30-60 % flagged).
    """
    rng = np.random.default_rng(0)
    n = np.arange(600)
    rr = 1000.0 + amplitude_ms * np.sin(2 * np.pi * n / period_beats) + rng.normal(0, 5, n.size)
    live = LiveHrv()
    readings = [live.push(rr[i : i + 1]) for i in range(rr.size)]
    after_first_minute = [r for r in readings if r.t_s > 65.0]
    assert all(r.supportable for r in after_first_minute)
    assert max(r.artifact_pct for r in after_first_minute) == 0.0


# record: max 95th percentile of |live - offline| artefact % over the live 60 s windows;
# measured 3.2 and 5.3 points over the first 30,000 beats (median 0).
AGREEMENT = {"ltdb/14046.csv.gz": 4.0, "ltdb/14134.csv.gz": 6.0}


@pytest.mark.parametrize("record", sorted(AGREEMENT))
def test_live_artefact_share_follows_the_offline_detector(record):
    """Frequent ventricular ectopy: the live minute flags what the session analysis flags."""
    rr, _ = load_labelled(record)
    rr = rr[:30_000]
    t_s = np.cumsum(rr) / 1000.0
    offline = detect_artifacts(rr)
    live = LiveHrv()
    differences = []
    for i in range(0, rr.size, 10):
        reading = live.push(rr[i : i + 10])
        if reading.t_s < 120.0:
            continue
        lo, hi = np.searchsorted(t_s, [reading.t_s - 60.0, reading.t_s], side="right")
        judged = offline[lo : hi - LOOKAHEAD_BEATS]
        differences.append(abs(reading.artifact_pct - 100.0 * judged.mean()))
    assert np.median(differences) == 0.0
    assert np.percentile(differences, 95) <= AGREEMENT[record]


def _sinus(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 1000.0 + 25.0 * np.sin(np.arange(n) / 2.5) + rng.normal(0, 8, n)


@pytest.mark.parametrize("where", ["before", "after"])
def test_beats_beside_a_gap_are_judged_too(where):
    """Contact loss: an ectopic beat and its pause just before the gap, or a missed beat
    just after it, are artefacts live as offline (they used to enter RMSSD unjudged)."""
    before, after = _sinus(100, 1), _sinus(30, 2)  # the live minute holds both sides
    if where == "before":
        before[-2:] = [600.0, 1400.0]
    else:
        after[0] = 2000.0
    t_before = np.cumsum(before) / 1000.0
    t_after = t_before[-1] + 5.0 + np.cumsum(after) / 1000.0  # 5 s not recorded
    rr, t_s = np.concatenate([before, after]), np.concatenate([t_before, t_after])
    live = LiveHrv()
    reading = live.push(rr, t_s)
    lo = int(np.searchsorted(t_s, t_s[-1] - 60.0, side="right"))
    window = slice(lo, rr.size - LOOKAHEAD_BEATS)
    offline = hrv_indices(rr[window], t_s=t_s[window])
    assert reading.artifact_pct > 0
    assert reading.rmssd_ms == pytest.approx(offline.rmssd_ms, rel=0.1)
    assert reading.rmssd_ms < 40.0  # the ectopic pair or missed beat would add ~100 ms


def test_non_finite_input_is_refused():
    live = LiveHrv()
    with pytest.raises(AnalysisError):
        live.push([800.0, float("nan")])
    with pytest.raises(AnalysisError):
        live.push([800.0], t_s=[float("inf")])
