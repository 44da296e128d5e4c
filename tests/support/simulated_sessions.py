"""Seeded resting sessions for calibrating the relaxation verdict, many at once.

Each session is a heart period built from the autonomic rhythms of the issue-13 range: a mean
heart rate, respiratory sinus arrhythmia (RSA) whose amplitude wanders by up to +/- 35 % and
whose rate drifts between 12 and 20 breaths/min, an LF (Mayer-wave) rhythm of 8-25 ms near
0.1 Hz, slow 1/f drift of the heart period with an SD of 10-40 ms over the session, and
correlated beat-to-beat noise (as the capture simulator). Beats follow the heart period:
each interval is the period at the beat that starts it. All sessions of a batch are stepped
beat by beat together, so a few hundred sessions take about a second.

A relaxation response, when asked for, starts at the phase start and is complete after a
ramp of 0.5-3 minutes: heart rate lower by ``hr_drop_bpm`` and the fast (RSA and beat-to-beat)
variation larger, so that RMSSD is higher by ``rmssd_gain``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

GRID_HZ = 4.0
DRIFT_MAX_HZ = 0.03  # the 1/f drift stays below the LF band
NOISE_AR = 0.7  # beat-to-beat noise is correlated, as in hrv_relax.capture.simulator
#: Successive differences grow with the interval at a fixed breathing rate (2 A sin(pi f RR)):
#: a heart rate 4 bpm lower lengthens RR by ~6 %, which alone raises RMSSD by ~3 %.
RMSSD_PER_RR = 0.5
STEP_RAMP_S = 30.0  # a step within a phase builds within seconds (as the capture simulator's)


@dataclass(frozen=True, slots=True)
class SimulatedSession:
    """One session: RR intervals (ms), beat times (s), and where its phase starts (s)."""

    rr_ms: np.ndarray
    t_s: np.ndarray
    phase_start_s: float
    end_s: float


def _pink(rng: np.random.Generator, n_sessions: int, n: int, sd_ms: np.ndarray) -> np.ndarray:
    """1/f noise on the grid, from 1/duration to DRIFT_MAX_HZ, scaled to an SD per session."""
    freqs = np.fft.rfftfreq(n, 1.0 / GRID_HZ)
    amp = np.zeros_like(freqs)
    band = (freqs > 0) & (freqs <= DRIFT_MAX_HZ)
    amp[band] = freqs[band] ** -0.5
    spectrum = amp * (
        rng.normal(size=(n_sessions, freqs.size)) + 1j * rng.normal(size=(n_sessions, freqs.size))
    )
    x = np.fft.irfft(spectrum, n, axis=1)
    x -= x.mean(axis=1, keepdims=True)
    return x * (sd_ms / x.std(axis=1))[:, None]


def _wander(rng: np.random.Generator, n_sessions: int, t: np.ndarray) -> np.ndarray:
    """A smooth random wave in [-1, 1]: three sines with periods of 1-10 minutes."""
    periods = rng.uniform(60.0, 600.0, size=(n_sessions, 3, 1))
    phases = rng.uniform(0.0, 2 * math.pi, size=(n_sessions, 3, 1))
    weights = rng.uniform(0.3, 1.0, size=(n_sessions, 3, 1))
    waves = (weights * np.sin(2 * math.pi * t / periods + phases)).sum(axis=1)
    return waves / weights.sum(axis=1)


def simulate_sessions(
    n_sessions: int,
    *,
    baseline_s: float,
    phase_s: np.ndarray | float,
    seed: int,
    hr_drop_bpm: float = 0.0,
    rmssd_gain: float = 0.0,
    drift_sd_ms: tuple[float, float] = (10.0, 40.0),
    onset_s: tuple[float, float] | None = None,
) -> list[SimulatedSession]:
    """``n_sessions`` sessions of a baseline and one phase (durations in s), seeded.

    With ``onset_s`` (a range, s into the phase) the response is a step within the phase
    instead: it starts at a uniform time in that range, is complete 30 s later and is held to
    the end (a client who tenses when the therapist moves to trigger points, or lets go late).
    """
    rng = np.random.default_rng(seed)
    phase = np.broadcast_to(np.asarray(phase_s, np.float64), (n_sessions,))
    total = baseline_s + phase
    n = math.ceil(float(total.max()) * GRID_HZ) + 8
    t = np.arange(n) / GRID_HZ
    hr0 = rng.uniform(55.0, 80.0, n_sessions)
    rsa_ms = rng.uniform(15.0, 50.0, n_sessions)
    depth = rng.uniform(0.0, 0.35, n_sessions)
    breath0 = rng.uniform(12.0, 20.0, n_sessions) / 60.0
    breath1 = rng.uniform(12.0, 20.0, n_sessions) / 60.0
    lf_ms = rng.uniform(8.0, 25.0, n_sessions)
    lf_hz = rng.uniform(0.08, 0.12, n_sessions)
    noise_ms = rng.uniform(3.0, 8.0, n_sessions)
    drift = _pink(rng, n_sessions, n, rng.uniform(*drift_sd_ms, n_sessions))
    ramp_s = rng.uniform(30.0, 180.0, n_sessions)
    start_s = np.full(n_sessions, float(baseline_s))
    if onset_s is not None:
        start_s += rng.uniform(*onset_s, n_sessions)
        ramp_s = np.full(n_sessions, STEP_RAMP_S)

    # Response progress 0..1 from its start over the ramp, then held.
    progress = np.clip((t[None, :] - start_s[:, None]) / ramp_s[:, None], 0.0, 1.0)
    hr = hr0[:, None] - hr_drop_bpm * progress
    mean_rr = 60_000.0 / hr
    rr_ratio = mean_rr / (60_000.0 / hr0[:, None])
    gain = 1.0 + progress * ((1.0 + rmssd_gain) / rr_ratio**RMSSD_PER_RR - 1.0)
    breath_hz = breath0[:, None] + (breath1 - breath0)[:, None] * t[None, :] / total[:, None]
    breath_phase = 2 * math.pi * np.cumsum(breath_hz, axis=1) / GRID_HZ
    breath_phase += rng.uniform(0, 2 * math.pi, (n_sessions, 1))
    rsa = rsa_ms[:, None] * (1.0 + depth[:, None] * _wander(rng, n_sessions, t[None, :]))
    lf = lf_ms[:, None] * np.sin(
        2 * math.pi * lf_hz[:, None] * t[None, :] + rng.uniform(0, 2 * math.pi, (n_sessions, 1))
    )
    slow = mean_rr + drift + lf  # the parts a relaxation does not scale
    fast = gain * rsa * np.sin(breath_phase)

    rows = np.arange(n_sessions)
    beat_t = np.zeros(n_sessions)
    noise = np.zeros(n_sessions)
    max_beats = int(float(total.max()) * 80.0 / 60.0 * 1.2) + 10
    out_rr = np.full((n_sessions, max_beats), np.nan)
    for k in range(max_beats):
        pos = np.minimum(beat_t * GRID_HZ, n - 1.5)  # finished sessions idle at the end
        i = pos.astype(np.intp)
        frac = pos - i
        s = slow[rows, i] * (1 - frac) + slow[rows, i + 1] * frac
        f = fast[rows, i] * (1 - frac) + fast[rows, i + 1] * frac
        g = gain[rows, i]
        noise = NOISE_AR * noise + rng.normal(0.0, 1.0, n_sessions) * noise_ms
        rr = s + f + g * noise
        out_rr[:, k] = rr
        beat_t = beat_t + rr / 1000.0
        if (beat_t > total).all():
            break
    sessions = []
    for s_i in range(n_sessions):
        rr = out_rr[s_i][np.isfinite(out_rr[s_i])]
        t_s = np.cumsum(rr) / 1000.0
        keep = t_s <= total[s_i]
        sessions.append(SimulatedSession(rr[keep], t_s[keep], baseline_s, float(total[s_i])))
    return sessions


def with_ectopics_and_gaps(
    session: SimulatedSession,
    rng: np.random.Generator,
    *,
    ectopic_per_hour: float = 30.0,
    n_gaps: int = 2,
) -> SimulatedSession:
    """The session with premature beats (65 % of the interval, then the compensatory pause)
    and strap contact lost ``n_gaps`` times for 5-20 s (those beats' times are known)."""
    rr = session.rr_ms.copy()
    n_ectopic = max(1, round(ectopic_per_hour * session.end_s / 3600.0))
    for i in rng.choice(np.arange(5, rr.size - 5), size=n_ectopic, replace=False):
        pair = rr[i] + rr[i + 1]
        rr[i] *= 0.65
        rr[i + 1] = pair - rr[i]
    t_s = np.cumsum(rr) / 1000.0
    kept = np.ones(rr.size, bool)
    for _ in range(n_gaps):
        lost_s = rng.uniform(30.0, session.end_s - 30.0)
        kept &= ~((t_s > lost_s) & (t_s < lost_s + rng.uniform(5.0, 20.0)))
    return SimulatedSession(rr[kept], t_s[kept], session.phase_start_s, session.end_s)
