"""Live alerts for the therapist, with hysteresis so they never flicker.

Each alert has a raise level and a lower clear level, and a condition must hold for a while
before the alert appears or goes away. The arousal alert follows the finding that light or
painful pressure raises arousal during massage (Diego & Field 2009, doi:10.1080/00207450802336832):
heart rate up and RMSSD down, clearly, against the last few minutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hrv_relax.analysis import RollingTimeDomain
from hrv_relax.analysis.constants import MAX_ARTIFACT_PCT

Severity = Literal["warning", "info"]

BATTERY_LOW_PCT = 15  # raise below; clear above BATTERY_OK_PCT
BATTERY_OK_PCT = 20
# The live figures pause above the analysis' own limit; the alert shows from the same level.
ARTIFACTS_HIGH_PCT = MAX_ARTIFACT_PCT
ARTIFACTS_OK_PCT = MAX_ARTIFACT_PCT / 2
# Arousal: the last minute against the median of the three minutes before it. 4 bpm and
# 0.15 lnRMSSD (about 14 %) are above the smallest worthwhile changes of 1 bpm and 0.1.
AROUSAL_HR_RISE_BPM = 4.0
AROUSAL_LN_RMSSD_DROP = 0.15
AROUSAL_CLEAR_FRACTION = 0.5  # clears when both changes fall below half the raise levels
AROUSAL_REFERENCE_S = (240.0, 60.0)  # reference stretch: from 4 to 1 minute ago
RAISE_AFTER_S = 3.0  # a condition must hold this long before its alert shows...
CLEAR_AFTER_S = 5.0  # ...and be gone this long before the alert goes


@dataclass(frozen=True, slots=True)
class Alert:
    key: str
    severity: Severity
    title: str
    advice: str


@dataclass(frozen=True, slots=True)
class AlertInputs:
    """What the alerts look at, at one moment (`now_s` on any steadily increasing clock)."""

    now_s: float
    recording: bool
    link: str | None  # None: the recorder is not reporting
    contact: bool | None
    battery_pct: int | None
    artifact_pct: float
    in_massage: bool
    hr_rise_bpm: float  # last minute minus reference; NaN when unknown
    ln_rmssd_drop: float  # reference minus last minute; NaN when unknown


@dataclass(frozen=True, slots=True)
class _Rule:
    alert: Alert
    raise_when: Callable[[AlertInputs], bool]
    clear_when: Callable[[AlertInputs], bool]


def _nan_safe(value: float) -> float:
    return value if math.isfinite(value) else 0.0


RULES = (
    _Rule(
        Alert(
            "recorder",
            "warning",
            "Recorder not reporting",
            "The figures are paused. If this lasts, stop the session and start a new one.",
        ),
        lambda i: i.recording and i.link is None,
        lambda i: not i.recording or i.link is not None,
    ),
    _Rule(
        Alert("link", "warning", "Strap not connected", "Reconnecting; is the strap in range?"),
        lambda i: i.recording and i.link in ("reconnecting", "connecting"),
        lambda i: not i.recording or i.link in (None, "connected", "simulated"),
    ),
    _Rule(
        Alert(
            "contact", "warning", "No skin contact", "Moisten the electrodes or tighten the strap."
        ),
        lambda i: i.recording and i.contact is False,
        lambda i: i.contact is not False,
    ),
    _Rule(
        Alert("battery", "info", "Strap battery low", "Replace or charge it after this session."),
        lambda i: i.battery_pct is not None and i.battery_pct < BATTERY_LOW_PCT,
        lambda i: i.battery_pct is None or i.battery_pct > BATTERY_OK_PCT,
    ),
    _Rule(
        Alert(
            "artifacts",
            "warning",
            "Too many artefacts",
            "Figures are paused until the signal is clean: strap moving or client shifting?",
        ),
        lambda i: i.artifact_pct > ARTIFACTS_HIGH_PCT,
        lambda i: i.artifact_pct < ARTIFACTS_OK_PCT,
    ),
    _Rule(
        Alert(
            "arousal",
            "warning",
            "Client may be tensing",
            "Heart rate up and RMSSD down over the last minute: consider adjusting pressure.",
        ),
        lambda i: (
            i.in_massage
            and _nan_safe(i.hr_rise_bpm) >= AROUSAL_HR_RISE_BPM
            and _nan_safe(i.ln_rmssd_drop) >= AROUSAL_LN_RMSSD_DROP
        ),
        lambda i: (
            not i.in_massage
            or _nan_safe(i.hr_rise_bpm) < AROUSAL_CLEAR_FRACTION * AROUSAL_HR_RISE_BPM
            or _nan_safe(i.ln_rmssd_drop) < AROUSAL_CLEAR_FRACTION * AROUSAL_LN_RMSSD_DROP
        ),
    ),
)


class AlertTracker:
    """Keeps which alerts are showing for one session across refreshes."""

    def __init__(self) -> None:
        self._active: set[str] = set()
        self._since: dict[str, float] = {}  # when the pending raise or clear condition began

    def update(self, inputs: AlertInputs) -> tuple[Alert, ...]:
        for rule in RULES:
            key = rule.alert.key
            showing = key in self._active
            pending = rule.clear_when(inputs) if showing else rule.raise_when(inputs)
            if not pending:
                self._since.pop(key, None)
                continue
            began = self._since.setdefault(key, inputs.now_s)
            if inputs.now_s - began >= (CLEAR_AFTER_S if showing else RAISE_AFTER_S):
                self._active.symmetric_difference_update({key})
                self._since.pop(key, None)
        return tuple(rule.alert for rule in RULES if rule.alert.key in self._active)


def arousal_change(rolling: RollingTimeDomain) -> tuple[float, float]:
    """(HR rise in bpm, lnRMSSD drop) of the latest 60 s window against the minutes before it."""
    if rolling.t_s.size == 0:
        return math.nan, math.nan
    now = rolling.t_s[-1]
    far, near = AROUSAL_REFERENCE_S
    ref = (rolling.t_s >= now - far) & (rolling.t_s <= now - near)
    ref_hr = rolling.hr_bpm[ref]
    ref_rmssd = rolling.rmssd_ms[ref]
    ref_hr = ref_hr[np.isfinite(ref_hr)]
    ref_rmssd = ref_rmssd[np.isfinite(ref_rmssd) & (ref_rmssd > 0)]
    last_hr, last_rmssd = float(rolling.hr_bpm[-1]), float(rolling.rmssd_ms[-1])
    hr_rise = last_hr - float(np.median(ref_hr)) if ref_hr.size else math.nan
    drop = (
        float(np.median(np.log(ref_rmssd))) - math.log(last_rmssd)
        if ref_rmssd.size and last_rmssd > 0
        else math.nan
    )
    return hr_rise, drop
