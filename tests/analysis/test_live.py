"""The live detector against the offline one, and on the large RSA of a relaxed client."""

import numpy as np
import pytest
from conftest import load_labelled

from hrv_relax.analysis import LiveHrv, detect_artifacts
from hrv_relax.analysis.live import LOOKAHEAD_BEATS


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
