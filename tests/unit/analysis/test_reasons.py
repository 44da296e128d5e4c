"""Why a figure is NaN comes as a code with its text, decided where the NaN is."""

import datetime as dt
import math

import numpy as np

from hrv_relax.analysis import LiveHrv, hrv_indices
from hrv_relax.analysis.reasons import Reason, ReasonCode
from hrv_relax.store import BeatArrays, MarkerRecord
from hrv_relax.views.review import phase_spectrum
from hrv_relax.views.summary import from_json, summarize, to_json
from tests.support.breathing_rr import breathing_rr


def test_a_window_too_short_says_so_by_code_and_in_words():
    result = hrv_indices(np.full(5, 1000.0), nonlinear=False)
    assert result.reasons[0] == Reason(ReasonCode.TOO_SHORT, "too short: 5 beats over 5 s recorded")
    assert result.reason.startswith("too short: 5 beats over 5 s recorded")


def test_the_live_first_minute_is_a_code():
    live = LiveHrv()
    reading = live.push(np.full(10, 1000.0))
    assert reading.why is not None and reading.why.code is ReasonCode.FIRST_MINUTE
    assert reading.reason == "first minute: 10 s of 60 s recorded"


def test_slow_breathing_is_why_a_phase_has_no_spectrum_and_survives_the_cache():
    """Slow breathing withholds HF: the spectrum note is that reason, not the whole note."""
    sim = breathing_rr(4, [(0.0, 12.0), (300.0, 6.0), (900.0, 6.0)])
    n = sim.rr_ms.size
    beats = BeatArrays(np.arange(n), sim.t_s, sim.rr_ms, np.full(n, np.nan))
    when = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    markers = [
        MarkerRecord(1, 1, 0.0, None, "phase", "baseline", when),
        MarkerRecord(2, 1, 300.0, None, "phase", "massage", when),
    ]
    result, figures = summarize(beats, markers)
    massage = from_json(to_json(figures)).main
    assert massage is not None and math.isnan(massage.hf_ms2)
    assert ReasonCode.SLOW_BREATHING in {r.code for r in massage.reasons}
    why = phase_spectrum(beats, massage, result.phases[0].artifacts)
    assert isinstance(why, str)
    assert why.startswith("no spectrum, slow breathing (~6/min): HF, LF/HF and PNS/SNS do not")
