"""Seeded RR intervals whose breathing rate is known at every moment.

The heart period is a mean, respiratory sinus arrhythmia (RSA) at a breathing rate that follows
a given course (breaths/min at given times, linear in between), a Mayer-wave (LF) rhythm near
0.1 Hz and correlated beat-to-beat noise, as the capture simulator builds it. Each interval is
the period at the moment its beat starts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

GRID_HZ = 8.0
NOISE_AR = 0.7


@dataclass(frozen=True, slots=True)
class BreathingRr:
    """RR intervals (ms), their end times (s) and the true breathing rate on a fine grid."""

    rr_ms: np.ndarray
    t_s: np.ndarray
    grid_s: np.ndarray
    rate_per_min: np.ndarray

    def true_rate(self, start_s: float, end_s: float) -> float:
        """Mean breathing rate (breaths/min) over (start_s, end_s]."""
        inside = (self.grid_s > start_s) & (self.grid_s <= end_s)
        return float(np.mean(self.rate_per_min[inside]))


def breathing_rr(
    seed: int,
    course: Sequence[tuple[float, float]],
    *,
    hr_bpm: float | None = None,
    rsa_ms: float | None = None,
    slow_rsa_gain: float = 1.0,
    lf_ms: float | None = None,
    noise_ms: float | None = None,
) -> BreathingRr:
    """RR intervals for ``course``: (time s, breaths/min) points, the last time the end.

    Unset parameters are drawn from healthy resting ranges (HR 55-80 bpm, RSA 15-50 ms,
    LF 8-25 ms at 0.08-0.12 Hz, noise 3-8 ms). ``slow_rsa_gain`` scales the RSA at 6/min
    relative to 15/min (linearly in between): slow breathing enlarges RSA (Lehrer 2014).
    """
    rng = np.random.default_rng(seed)
    hr = rng.uniform(55.0, 80.0) if hr_bpm is None else hr_bpm
    rsa = rng.uniform(15.0, 50.0) if rsa_ms is None else rsa_ms
    lf = rng.uniform(8.0, 25.0) if lf_ms is None else lf_ms
    noise_sd = rng.uniform(3.0, 8.0) if noise_ms is None else noise_ms
    lf_hz = rng.uniform(0.08, 0.12)
    times = np.array([c[0] for c in course], np.float64)
    rates = np.array([c[1] for c in course], np.float64)
    end_s = float(times[-1])
    grid = np.arange(0.0, end_s + 5.0, 1.0 / GRID_HZ)
    rate = np.interp(grid, times, rates)
    phase = 2 * math.pi * np.cumsum(rate / 60.0) / GRID_HZ + rng.uniform(0, 2 * math.pi)
    gain = 1.0 + (slow_rsa_gain - 1.0) * np.clip((15.0 - rate) / 9.0, 0.0, 1.0)
    period = (
        60_000.0 / hr
        + rsa * gain * np.sin(phase)
        + lf * np.sin(2 * math.pi * lf_hz * grid + rng.uniform(0, 2 * math.pi))
    )
    rr: list[float] = []
    t = 0.0
    noise = 0.0
    while t < end_s:
        noise = NOISE_AR * noise + rng.normal(0.0, noise_sd)
        value = float(np.interp(t, grid, period)) + noise
        rr.append(value)
        t += value / 1000.0
    rr_ms = np.asarray(rr)
    return BreathingRr(rr_ms, np.cumsum(rr_ms) / 1000.0, grid, rate)
