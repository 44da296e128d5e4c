"""Figures in plain words, for clients: the headline of a session and its changes."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from hrv_relax.analysis import Change
from hrv_relax.views.history import TimelinePoint
from hrv_relax.views.summary import SessionFigures, ShiftFigures

#: Changes smaller than this are "about the same" in words (the figures still show them).
STEADY_HR_BPM = 0.5
STEADY_RMSSD_PCT = 3.0


def _compared(delta: float, steady: float, unit: str) -> str:
    """ "4 bpm lower", "25 % higher", "about the same" or "not measurable"."""
    if not math.isfinite(delta):
        return "not measurable"
    if abs(delta) < steady:
        return "about the same"
    return f"{abs(delta):.0f} {unit} {'higher' if delta > 0 else 'lower'}"


def _signed(value: float) -> str:
    """A signed figure: whole numbers, one decimal near zero (never "-0")."""
    return f"{value:+.0f}" if abs(value) >= 0.95 else f"{value:+.1f}"


def _ranges(shift: ShiftFigures) -> str:
    """Both changes' 95 % ranges, signed: "heart rate -6 to -2 bpm and RMSSD +8 to +44 %"."""
    parts = []
    hr = shift.hr_bpm
    if math.isfinite(hr.ci_low) and math.isfinite(hr.ci_high):
        parts.append(f"heart rate {_signed(hr.ci_low)} to {_signed(hr.ci_high)} bpm")
    ln = shift.ln_rmssd
    if math.isfinite(ln.ci_low) and math.isfinite(ln.ci_high):
        low, high = (100 * math.expm1(v) for v in (ln.ci_low, ln.ci_high))
        parts.append(f"RMSSD {_signed(low)} to {_signed(high)} %")
    return " and ".join(parts)


#: Whose heart it was, for the person reading: the client herself, or her therapist.
YOUR = "your"


def shift_sentence(
    shift: ShiftFigures, during: str, than: str, against: str, whose: str = YOUR
) -> str:
    """What was measured, e.g. "During the massage your heart rate was 4 bpm lower and your
    RMSSD 25 % higher than while resting before it" (`whose`: "your" or "Dana's")."""
    hr = _compared(shift.hr_bpm.delta, STEADY_HR_BPM, "bpm")
    rmssd = _compared(shift.rmssd_pct, STEADY_RMSSD_PCT, "%")
    # A client reads "your ... and your ..."; staff read "Dana's ... and RMSSD ...".
    also = f"{whose} RMSSD" if whose == YOUR else "RMSSD"
    if hr.endswith(("higher", "lower")) and rmssd.endswith(("higher", "lower")):
        return f"{during} {whose} heart rate was {hr} and {also} {rmssd} {than}"
    return f"{during}, compared with {against}, {whose} heart rate was {hr} and {also} {rmssd}"


def possessive(name: str) -> str:
    """ "Dana Example's", "Chris's": how staff pages speak about a client."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


#: The verdict in words: how sure, never why (rest on the table alone raises HRV,
#: Sripongngam 2015), never against other people.
VERDICT_ENDINGS = {
    "more relaxed": "a clear change toward rest, beyond this session's natural ups and downs.",
    "more aroused": (
        "a clear change toward alertness, beyond this session's natural ups and downs "
        "(light pressure, discomfort or talking can do this)."
    ),
    "no clear change": "no clear change, within this session's natural ups and downs.",
}


def headline(figures: SessionFigures, whose: str = YOUR) -> str:
    """The session in one or two sentences: what changed, how sure, the verdict last.

    `whose` is "your" for the client (and her take-home report) and "Dana's" for staff.
    """
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
        # A phase's note says why it is unreliable; a reliable phase's notes are about other
        # figures (no VLF, no LF/HF), not about why there is no comparison.
        unreliable = [p.note for p in (figures.baseline, main) if not p.reliable and p.note]
        why = unreliable[0] if unreliable else shift.reason
        return (
            f"There were too few clean heartbeats to say how the heart rhythm during the "
            f"{main.phase} compared with the rest before it ({why})."
        )
    # Without phase markers the analysis compares the rest of the session with its start.
    if main.phase == "session":
        words = ("After the first 3 minutes", "than during them", "the first 3 minutes")
    else:
        words = (f"During the {main.phase}", "than while resting before it", "the rest before it")
    ending = VERDICT_ENDINGS.get(shift.verdict, shift.verdict)
    return f"{shift_sentence(shift, *words, whose=whose)}: {ending}"


def how_sure(figures: SessionFigures) -> str:
    """The headline's figures with their 95 % ranges, and what "clear" means; "" without."""
    main = figures.main
    shift = main.shift if main is not None else None
    ranges = _ranges(shift) if shift is not None else ""
    if not ranges:
        return ""
    return (
        f"How sure: the 95 % ranges of the changes are {ranges}. They allow for how this "
        "session's heart wandered at rest; a change is clear only when its range leaves out "
        "zero and it is at least 1 bpm or 10 % of RMSSD."
    )


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


def client_history_sentence(points: Sequence[TimelinePoint]) -> str:
    """A client's sessions in words, counted by verdict: "You have had 6 sessions since ..."."""
    if not points:
        return "You have no finished sessions yet."
    verdicts = Counter(p.verdict for p in points)
    relaxed, alert = verdicts["more relaxed"], verdicts["more aroused"]
    other = len(points) - relaxed - alert
    plural = "s" if len(points) != 1 else ""
    parts = [f"in {relaxed} you were clearly more relaxed during the massage than before it"]
    if alert:
        parts.append(f"in {alert} clearly more alert")
    if other:
        parts.append(f"in {other} there was no clear change")
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return (
        f"You have had {len(points)} session{plural} since "
        f"{points[0].started_at:%-d %B %Y}. Of these, {listed}."
    )
