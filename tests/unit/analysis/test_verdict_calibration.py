"""The relaxation verdict's claim, checked by simulation (issue 13) and on a real recording.

Sessions with no true change across the realistic range (tests/support/simulated_sessions.py)
must get "no clear change" in at least 95 % of phases, and their 95 % intervals must hold zero
in at least 93 %; a true relaxation of the size massage studies report must be found in at
least 80 % of 25-min phases against a 5-min baseline. Each session goes through what
``analyze_session`` does for its verdict (artefact detection, 30 s pieces, the session's
variogram, the shift); one test checks that path equals ``analyze_session`` itself. The
slow-breathing rule on top of it (never "more aroused" on RMSSD alone when breathing slowed)
needs each phase's breathing rate and is left out here: it can only turn "more aroused" into
"no clear change", so the false-positive figures are an upper bound.
The figures printed in docs/analysis.md come from these conditions and seeds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pytest
from scipy.stats import binomtest

from hrv_relax.analysis import PhaseMark, analyze_session
from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.constants import DEFAULT_BASELINE_S
from hrv_relax.analysis.relaxation import (
    Change,
    heart_changes,
    session_variability,
    subwindows,
    verdict,
)
from hrv_relax.analysis.series import beat_series
from tests.support.reference import load_rr_text
from tests.support.simulated_sessions import (
    SimulatedSession,
    simulate_sessions,
    with_ectopics_and_gaps,
)

N_SESSIONS = 400
N_LIVE = 200
MARKED_BASELINE_S = 300.0


@dataclass(frozen=True)
class Shift:
    """The verdict part of a phase's shift."""

    hr_bpm: Change
    ln_rmssd: Change
    verdict: str


def shift_of(session: SimulatedSession) -> Shift:
    """The verdict of the session's one phase, as analyze_session computes it."""
    series = beat_series(session.rr_ms, session.t_s)
    keep = ~classify_artifacts(series.rr_ms).any
    start_s = float(series.t_s[0] - series.rr_ms[0] / 1000.0)
    base = subwindows(series, keep, start_s, session.phase_start_s)
    phase = subwindows(series, keep, session.phase_start_s, session.end_s)
    hr, ln_rmssd = heart_changes(base, phase, session_variability(base, [phase]))
    return Shift(hr, ln_rmssd, verdict(hr, ln_rmssd)[0])


@dataclass(frozen=True)
class Outcome:
    """Verdict shares and interval coverage over a batch of sessions."""

    relaxed: float
    aroused: float
    hr_covers_zero: float
    ln_rmssd_covers_zero: float

    @property
    def clear(self) -> float:
        return self.relaxed + self.aroused


@functools.cache
def outcome(
    baseline_s: float,
    phase_min: tuple[float, float],
    seed: int,
    hr_drop: float,
    gain: float,
    *,
    onset_s: tuple[float, float] | None = None,
) -> Outcome:
    rng = np.random.default_rng(seed)
    phase_s = rng.uniform(phase_min[0] * 60.0, phase_min[1] * 60.0, N_SESSIONS)
    sessions = simulate_sessions(
        N_SESSIONS,
        baseline_s=baseline_s,
        phase_s=phase_s,
        seed=seed,
        hr_drop_bpm=hr_drop,
        rmssd_gain=gain,
        onset_s=onset_s,
    )
    shifts = [shift_of(s) for s in sessions]
    verdicts = np.array([s.verdict for s in shifts])
    hr = np.array([(s.hr_bpm.ci_low, s.hr_bpm.ci_high) for s in shifts])
    ln = np.array([(s.ln_rmssd.ci_low, s.ln_rmssd.ci_high) for s in shifts])
    return Outcome(
        relaxed=float(np.mean(verdicts == "more relaxed")),
        aroused=float(np.mean(verdicts == "more aroused")),
        hr_covers_zero=float(np.mean((hr[:, 0] <= 0) & (hr[:, 1] >= 0))),
        ln_rmssd_covers_zero=float(np.mean((ln[:, 0] <= 0) & (ln[:, 1] >= 0))),
    )


@pytest.mark.parametrize(
    "baseline_s", [DEFAULT_BASELINE_S, MARKED_BASELINE_S], ids=["3-min", "5-min"]
)
def test_no_true_change_gives_no_clear_change(baseline_s):
    null = outcome(baseline_s, (10.0, 30.0), seed=13, hr_drop=0.0, gain=0.0)
    print(null)
    assert null.clear <= 0.05
    assert null.hr_covers_zero >= 0.93
    assert null.ln_rmssd_covers_zero >= 0.93


def test_no_true_change_with_ectopic_beats_and_strap_gaps():
    """30 premature beats an hour and two 5-20 s contact losses: pieces go missing, the
    variogram works on the positions that remain (4.5 % clear here; 3.6 % over 4,000 sessions
    on seeds 100-119, whose seed-to-seed SD at 200 sessions is 1.3 points: as many sessions as
    the other conditions, so that the 5 % goal is not a coin toss)."""
    rng = np.random.default_rng(21)
    phase_s = rng.uniform(600.0, 1800.0, N_SESSIONS)
    sessions = simulate_sessions(
        N_SESSIONS, baseline_s=DEFAULT_BASELINE_S, phase_s=phase_s, seed=21
    )
    words = [shift_of(with_ectopics_and_gaps(s, rng)).verdict for s in sessions]
    assert np.mean(np.array(words) != "no clear change") <= 0.05


def test_true_relaxation_is_found():
    effect = outcome(MARKED_BASELINE_S, (25.0, 25.0), seed=14, hr_drop=4.0, gain=0.25)
    print(effect)
    assert effect.relaxed >= 0.80
    assert effect.aroused <= 0.01


@pytest.mark.parametrize(
    ("baseline_s", "hr_drop", "gain", "at_least"),
    [
        (DEFAULT_BASELINE_S, 4.0, 0.25, 0.75),
        (MARKED_BASELINE_S, 2.0, 0.25, 0.60),
        (MARKED_BASELINE_S, 2.0, 0.12, 0.20),
    ],
    ids=["3-min baseline", "-2 bpm", "-2 bpm and +12 %"],
)
def test_power_documented(baseline_s, hr_drop, gain, at_least):
    effect = outcome(baseline_s, (25.0, 25.0), seed=15, hr_drop=hr_drop, gain=gain)
    print(effect)
    assert effect.relaxed >= at_least
    assert effect.aroused <= 0.01


@pytest.mark.parametrize(
    ("seed", "hr_drop", "gain", "found", "opposite"),
    [
        (31, -9.0, -0.6, "aroused", "relaxed"),
        (32, 9.0, 0.6, "relaxed", "aroused"),
    ],
    ids=["tensed", "let go"],
)
def test_a_step_within_the_phase_is_found(seed, hr_drop, gain, found, opposite):
    """A client who tenses (the simulator's tense stretch: +9 bpm, RSA and beat noise -60 %)
    or lets go as much, 3-8 minutes into a 25-min phase and held to its end: a step inside the
    stretch the variogram is measured on, which must not count as the session's wander (it
    widened the interval to +/- 11 bpm, and about 1 in 5 were found; a step at exactly 3
    minutes falls where the build-up is left out, and was found before too)."""
    step = outcome(MARKED_BASELINE_S, (25.0, 25.0), seed, hr_drop, gain, onset_s=(180.0, 480.0))
    print(step)
    assert getattr(step, found) >= 0.80
    assert getattr(step, opposite) <= 0.01


def test_fast_path_is_what_analyze_session_computes():
    for session in simulate_sessions(4, baseline_s=300.0, phase_s=900.0, seed=16, hr_drop_bpm=3):
        marks = [PhaseMark(0.0, "baseline"), PhaseMark(session.phase_start_s, "massage")]
        full = analyze_session(session.rr_ms, marks, t_s=session.t_s).phases[0].shift
        assert full is not None
        fast = shift_of(session)
        assert (full.hr_bpm, full.ln_rmssd) == (fast.hr_bpm, fast.ln_rmssd)
        # The one rule on top, which needs the breathing rate: slowed breathing is no arousal.
        if not full.reason.startswith("breathing slowed"):
            assert full.verdict == fast.verdict


def live_verdicts(baseline_s: float, seed: int, hr_drop: float, gain: float) -> dict[int, Outcome]:
    """The live tile's rule 5, 15 and 30 min after the baseline: the last 2 min against it,
    the drift from the session so far (tests/integration/views/test_live_view.py pins that the
    live view computes exactly this)."""
    sessions = simulate_sessions(
        N_LIVE,
        baseline_s=baseline_s,
        phase_s=1800.0,
        seed=seed,
        hr_drop_bpm=hr_drop,
        rmssd_gain=gain,
    )
    found: dict[int, list[tuple[str, bool, bool]]] = {5: [], 15: [], 30: []}
    for session in sessions:
        series = beat_series(session.rr_ms, session.t_s)
        keep = ~classify_artifacts(series.rr_ms).any
        base = subwindows(series, keep, 0.0, baseline_s)
        for minutes, out in found.items():
            now_s = baseline_s + 60.0 * minutes
            wander = session_variability(base, [subwindows(series, keep, baseline_s, now_s)])
            hr, ln = heart_changes(base, subwindows(series, keep, now_s - 120.0, now_s), wander)
            covered = (hr.ci_low <= 0 <= hr.ci_high, ln.ci_low <= 0 <= ln.ci_high)
            out.append((verdict(hr, ln)[0], *covered))
    outcomes = {}
    for minutes, out in found.items():
        words = np.array([o[0] for o in out])
        outcomes[minutes] = Outcome(
            relaxed=float(np.mean(words == "more relaxed")),
            aroused=float(np.mean(words == "more aroused")),
            hr_covers_zero=float(np.mean([o[1] for o in out])),
            ln_rmssd_covers_zero=float(np.mean([o[2] for o in out])),
        )
    return outcomes


@pytest.mark.parametrize(
    "baseline_s", [DEFAULT_BASELINE_S, MARKED_BASELINE_S], ids=["3-min", "5-min"]
)
def test_live_tile_with_no_true_change(baseline_s):
    for minutes, null in live_verdicts(baseline_s, seed=19, hr_drop=0.0, gain=0.0).items():
        print(minutes, null)
        assert null.clear <= 0.05, minutes
        assert min(null.hr_covers_zero, null.ln_rmssd_covers_zero) >= 0.93, minutes


def test_live_tile_finds_a_held_relaxation():
    """Power of a 2-min window, as docs/analysis.md states it (30 % 5 min in, when the
    build-up still counts as wander; 55.5-60.5 % later)."""
    live = live_verdicts(MARKED_BASELINE_S, seed=20, hr_drop=4.0, gain=0.25)
    print(live)
    assert live[15].relaxed >= 0.45 and live[30].relaxed >= 0.45
    assert all(o.aroused <= 0.01 for o in live.values())


def _five_minute_levels(rr_ms: np.ndarray, t_s: np.ndarray, keep: np.ndarray, start_s: float):
    """Heart rate (bpm) and lnRMSSD of each 5-min window of a 30-min stretch."""
    levels = []
    for k in range(6):
        inside = (t_s > start_s + 300.0 * k) & (t_s <= start_s + 300.0 * (k + 1)) & keep
        diffs = np.diff(rr_ms[inside])
        levels.append((60_000.0 / rr_ms[inside].mean(), 0.5 * np.log(np.mean(diffs**2))))
    return np.array(levels)


@pytest.mark.parametrize("baseline_s", [DEFAULT_BASELINE_S, MARKED_BASELINE_S])
def test_stable_stretches_of_a_real_day_get_no_clear_verdicts(baseline_s):
    """nsr2db/nsr001, 22.5 h: 30-min stretches every 5 min, split into baseline and phase.

    Stable means: at most 2 % artefacts, and the six 5-min windows' heart rates within 8 bpm
    and lnRMSSD within 0.4 of each other (no walking, no waking). Looser (10 bpm, 0.5), the
    stretches take in sleep-stage and activity changes, and 8-13 % get a clear verdict.

    Stable still admits real changes of a few bpm (from 12:20 h: 74 bpm in the first 5
    minutes, 67-72 in the 20 after, "more relaxed"), and 43 stretches cannot pin a rate to
    5 %: with a true 5 %, 3 or more of 43 come up 37 % of the time. So the goal is checked as
    a binomial test: the stretches must not show the rate above 5 % (6 or more of 43 would,
    p = 0.019; 5 would not, p = 0.062). The simulations above, 400 sessions a condition, are
    what pins the rate.
    """
    rr_ms = load_rr_text("nsr2db/nsr001_rr_ms.txt.gz")
    series = beat_series(rr_ms)
    keep = ~classify_artifacts(rr_ms).any
    verdicts, covered = [], []
    for start_s in np.arange(0.0, float(series.t_s[-1]) - 1800.0, 300.0):
        stretch = (series.t_s > start_s) & (series.t_s <= start_s + 1800.0)
        if np.mean(~keep[stretch]) > 0.02:
            continue
        levels = _five_minute_levels(rr_ms, series.t_s, keep, start_s)
        if np.ptp(levels[:, 0]) > 8.0 or np.ptp(levels[:, 1]) > 0.4:
            continue
        base = subwindows(series, keep, start_s, start_s + baseline_s)
        phase = subwindows(series, keep, start_s + baseline_s, start_s + 1800.0)
        hr, ln_rmssd = heart_changes(base, phase, session_variability(base, [phase]))
        verdicts.append(verdict(hr, ln_rmssd)[0])
        covered.append(hr.ci_low <= 0 <= hr.ci_high and ln_rmssd.ci_low <= 0 <= ln_rmssd.ci_high)
    assert len(verdicts) >= 40
    clear = int(np.sum(np.array(verdicts) != "no clear change"))
    assert binomtest(clear, len(verdicts), 0.05, alternative="greater").pvalue > 0.05, clear
    assert np.mean(covered) >= 0.93
