"""Pure: a LiveView -> the words and numbers of each live tile (never a number without support)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hrv_relax.analysis.reasons import Reason, ReasonCode
from hrv_relax.records import SessionRecord
from hrv_relax.views.live import LiveView
from hrv_relax.vocabulary import MarkerKind

NO_VALUE = "—"
#: Why a shift is not shown yet that only time would have fixed.
WAITING_FOR_BASELINE = frozenset({ReasonCode.BASELINE_RUNNING, ReasonCode.BASELINE_PENDING})
ARROWS = {"more relaxed": "↓ calmer", "more aroused": "↑ tenser", "no clear change": "→ steady"}
# One word per stored session status: the picker, the tiles and the sessions table use these.
STATUS_WORDS = {"recording": "Recording", "complete": "Ended", "interrupted": "Ended early"}
STATUS_DETAIL = {
    "complete": "stopped as asked",
    "interrupted": "the recorder stopped unexpectedly",
}


def status_word(session: SessionRecord) -> str:
    """The session's state in one word or two, with "simulated" for a simulated strap."""
    word = STATUS_WORDS.get(session.status, session.status)
    return f"{word} · simulated" if session.source == "simulated" else word


def _ended_note(why: Reason | None) -> str:
    """A missing figure's reason, said of a session that is over (nothing is still coming)."""
    if why is None:
        return ""
    if why.code is ReasonCode.FIRST_MINUTE:
        return "the session ended within its first minute"
    return f"at the end: {why.text}"


@dataclass(frozen=True, slots=True)
class Tile:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    note: str = ""  # why a value is missing, in plain words
    tone: str = "neutral"  # "good", "neutral" or "attention": the tile's accent


def heart_rate_tile(view: LiveView) -> Tile:
    helptext = (
        "Mean heart rate of the clean beats in the last 60 s (beats per minute). "
        "A falling heart rate during massage is part of a relaxation response."
    )
    r = view.reading
    if r.supportable and not math.isnan(r.hr_bpm):
        return Tile("Heart rate", f"{r.hr_bpm:.0f} bpm", help=helptext, note=_final(view))
    strap = view.strap_reading_bpm
    if strap is not None:
        # Heart rate needs only ~10 s (Task Force 1996); the strap's own reading fills the
        # first minute, labelled as such.
        return Tile("Heart rate", f"{strap} bpm", help=helptext, note=f"strap reading; {r.reason}")
    return Tile("Heart rate", NO_VALUE, help=helptext, note=_reason(view, r.why))


def _final(view: LiveView) -> str:
    return "" if view.recording else "the session's last minute"


def _reason(view: LiveView, why: Reason | None) -> str:
    if view.recording:
        return why.text if why is not None else ""
    return _ended_note(why)


def rmssd_tile(view: LiveView) -> Tile:
    helptext = (
        "RMSSD: root mean square of successive differences between clean beats over the last "
        "60 s, in ms (Task Force 1996). Higher means more parasympathetic (rest) activity; "
        "60 s windows agree with 5-minute lnRMSSD (Esco & Flatt 2014). Below it, the "
        "breathing rate of the last 2 minutes (updated every 5 s), read from the heartbeats: "
        "slower breathing is a sign of relaxation, and it lowers RMSSD by itself."
    )
    r = view.reading
    breathing = breathing_text(view.breathing_per_min)
    if not r.supportable or math.isnan(r.rmssd_ms):
        return Tile(
            "RMSSD (60 s)", NO_VALUE, delta=breathing, help=helptext, note=_reason(view, r.why)
        )
    return Tile(
        "RMSSD (60 s)", f"{r.rmssd_ms:.0f} ms", delta=breathing, help=helptext, note=_final(view)
    )


def breathing_text(breathing_per_min: float) -> str | None:
    """E.g. "breathing ~6/min"; None when the rate is not known."""
    if not math.isfinite(breathing_per_min):
        return None
    return f"breathing ~{breathing_per_min:.0f}/min"


def relaxation_tile(view: LiveView) -> Tile:
    shift = view.shift_now
    helptext = (
        "The last 2 minutes against the baseline, cut into 30 s pieces from the baseline's end "
        "(updated as each piece completes): change in heart rate "
        "and in RMSSD, with the review's 95 % interval, which allows for how this session's "
        "heart has wandered so far (neighbouring pieces alike, slow drift). 'Calmer' needs "
        "heart rate down or RMSSD up beyond that (and by at least 1 bpm or 10 % lnRMSSD), "
        "without the other measure pointing the other way; 'tenser' is the mirror case. "
        "It says what changed, not why: rest alone raises HRV."
    )
    if shift is None:
        note = view.shift_note
        if not view.recording:
            note = (
                "the session ended before 2 minutes after the baseline could be compared"
                if view.shift_why.code in WAITING_FOR_BASELINE
                else f"at the end: {note}"
            )
        return Tile("Relaxation vs baseline", NO_VALUE, help=helptext, note=note)
    hr, pct = shift.hr_bpm.delta, shift.rmssd_pct
    amount = f"HR {hr:+.0f} bpm · RMSSD {pct:+.0f} %"
    tone = {"more relaxed": "good", "more aroused": "attention"}.get(shift.verdict, "neutral")
    return Tile(
        "Relaxation vs baseline",
        ARROWS[shift.verdict],
        delta=amount,
        help=f"{helptext} Now: {shift.reason}.",
        tone=tone,
    )


def phase_tile(view: LiveView) -> Tile:
    minutes, seconds = divmod(int(view.elapsed_s), 60)
    phase = (view.current_phase or "no phase marked").capitalize()
    took = "elapsed" if view.recording else "long"
    return Tile("Phase", phase, delta=f"{minutes}:{seconds:02d} {took}")


def signal_tile(view: LiveView) -> Tile:
    helptext = (
        "Strap connection, skin contact, battery and the share of beats flagged as artefacts."
    )
    if not view.recording:
        word = STATUS_WORDS.get(view.session.status, view.session.status)
        return Tile("Signal", word, help=helptext, note=STATUS_DETAIL.get(view.session.status, ""))
    status = view.status
    if status is None or not view.status_fresh:
        return Tile(
            "Signal",
            "Recorder silent",
            help=helptext,
            note="The recorder is not reporting: figures are paused.",
            tone="attention",
        )
    if status.link in ("reconnecting", "connecting"):
        return Tile(
            "Signal", "Connecting", help=helptext, note="Waiting for the strap.", tone="attention"
        )
    if status.contact is False:
        return Tile(
            "Signal", "No contact", help=helptext, note="Moisten the electrodes.", tone="attention"
        )
    parts = []
    if status.battery_pct is not None:
        parts.append(f"battery {status.battery_pct} %")
    parts.append(f"artefacts {view.reading.artifact_pct:.0f} %")
    link = "Simulated" if status.link == "simulated" else "Good"
    return Tile("Signal", link, delta=", ".join(parts), help=helptext, tone="good")


def live_tiles(view: LiveView) -> tuple[tuple[Tile, ...], tuple[Tile, ...]]:
    """The big tiles read from across the room, and the smaller status tiles."""
    return (
        (heart_rate_tile(view), rmssd_tile(view), relaxation_tile(view)),
        (signal_tile(view), phase_tile(view)),
    )


def current_choices(view: LiveView) -> dict[str, str]:
    """The phase, technique, pressure and region marked last: what is going on now."""
    current: dict[str, str] = {e.kind: e.value for e in view.events}
    if view.current_phase:
        current[MarkerKind.PHASE] = view.current_phase
    return current
