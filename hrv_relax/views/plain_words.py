"""Figures in plain words, for clients: the headline of a session and its changes."""

from __future__ import annotations

import math

from hrv_relax.analysis import Change
from hrv_relax.views.summary import SessionFigures, ShiftFigures

#: Changes smaller than this are "held steady" in words (the figures still show them).
STEADY_HR_BPM = 0.5
STEADY_RMSSD_PCT = 3.0


def _moved(delta: float, steady: float, unit: str, *, pct: bool = False) -> str:
    if not math.isfinite(delta):
        return "could not be measured"
    if abs(delta) < steady:
        return "held steady"
    amount = f"{abs(delta):.0f} %" if pct else f"{abs(delta):.0f} {unit}"
    return f"{'rose' if delta > 0 else 'fell'} {amount}"


def shift_sentence(shift: ShiftFigures, during: str) -> str:
    """E.g. "Your heart rate fell 7 bpm and your RMSSD rose 35 % during the massage"."""
    hr = _moved(shift.hr_bpm.delta, STEADY_HR_BPM, "bpm")
    rmssd = _moved(shift.rmssd_pct, STEADY_RMSSD_PCT, "", pct=True)
    return f"Your heart rate {hr} and your RMSSD {rmssd} {during}"


VERDICT_ENDINGS = {
    "more relaxed": "a clear relaxation response.",
    "more aroused": (
        "your body was more alert than at rest (light pressure, discomfort or talking can do this)."
    ),
    "no clear change": "no clear change beyond the natural ups and downs of the session.",
}


def headline(figures: SessionFigures) -> str:
    """The session in one or two sentences, the verdict last."""
    main = figures.main
    if figures.n_beats == 0:
        return "This session has no heartbeats recorded."
    if main is None or main.shift is None:
        return (
            "This session has no phase after the resting baseline, so there is nothing to "
            "compare it with yet."
        )
    shift = main.shift
    if math.isnan(shift.hr_bpm.ci_low) and math.isnan(shift.ln_rmssd.ci_low):
        why = figures.baseline.note or main.note or shift.reason
        return (
            f"There were too few clean heartbeats to say how the {main.phase} changed your "
            f"heart rhythm ({why})."
        )
    # Without phase markers the analysis compares the rest of the session with its start.
    during = "after the first 3 minutes" if main.phase == "session" else f"during the {main.phase}"
    return f"{shift_sentence(shift, during)}: {VERDICT_ENDINGS.get(shift.verdict, shift.verdict)}"


def change_text(change: Change, unit: str, digits: int = 1) -> str:
    """A change with its 95 % interval, e.g. "-7.1 bpm (95 % CI -8.3 to -5.9)"."""
    if not math.isfinite(change.delta):
        return "not computable"
    text = f"{change.delta:+.{digits}f} {unit}".rstrip()
    if math.isfinite(change.ci_low) and math.isfinite(change.ci_high):
        text += f" (95 % CI {change.ci_low:+.{digits}f} to {change.ci_high:+.{digits}f})"
    else:
        text += " (no interval: too few clean 30 s pieces)"
    return text


def number(value: float, unit: str = "", digits: int = 0) -> str:
    """A figure with its unit, or an em dash when it could not be computed."""
    if not math.isfinite(value):
        return "—"
    return f"{value:.{digits}f} {unit}".rstrip()


def rmssd_change_text(ln_change: Change) -> str:
    """A lnRMSSD change as a percentage of RMSSD with its interval, e.g. "+35 % (95 % CI ...)"."""
    if not math.isfinite(ln_change.delta):
        return "not computable"
    text = f"{100 * math.expm1(ln_change.delta):+.0f} %"
    if math.isfinite(ln_change.ci_low) and math.isfinite(ln_change.ci_high):
        low, high = (100 * math.expm1(v) for v in (ln_change.ci_low, ln_change.ci_high))
        text += f" (95 % CI {low:+.0f} to {high:+.0f})"
    else:
        text += " (no interval: too few clean 30 s pieces)"
    return text
