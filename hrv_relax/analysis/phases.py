"""Phases of a session and the baseline every later phase is compared with (pure).

A *phase* is a stretch of the session the therapist marked with one tap: "baseline", "massage",
"recovery". A phase marker only says when a phase starts; the phase runs until the next phase
marker, or to the end of the recording. Technique, pressure, region, note and gap markers are
not phases and leave the phases alone.

The relaxation shift (docs/analysis.md, "Relaxation shift") compares every later phase with the
*baseline*: the phase marked "baseline" (any case), or, when none is marked, the first 3 minutes
of the session (`DEFAULT_BASELINE_S`). Three minutes of rest before hands-on work is the
baseline of the massage HRV studies (Diego & Field 2009), and it gives six 30 s pieces for the
interval of the shift. After the session, the baseline is whatever the markers say. Live, a
marked baseline is only a reference once it has ended (`finished_baseline`): the relaxation
tile never compares against a baseline that is still growing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from hrv_relax.analysis.constants import DEFAULT_BASELINE_S

#: The phase name (compared ignoring case and surrounding blanks) of a marked baseline.
BASELINE = "baseline"
#: The marker kind that starts a phase; other kinds (technique, pressure, ...) are not phases.
PHASE_KIND = "phase"
#: The name of the baseline when none is marked: the first `DEFAULT_BASELINE_S` seconds.
DEFAULT_BASELINE_NAME = "first 3 minutes"
#: The name of the one later phase when no marked phase runs past the default baseline.
REST_OF_SESSION = "session"


@dataclass(frozen=True, slots=True)
class PhaseMark:
    """Phase ``phase`` starts at ``t_s`` seconds, on the clock of the beat times.

    Without recorded beat times that clock is ``cumsum(rr_ms) / 1000``: 0 is the start of the
    first interval. A phase named "baseline" (any case) is the reference for the shifts.
    """

    t_s: float
    phase: str


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the session's time line, from ``start_s`` to ``end_s`` (seconds).

    For a phase, ``label`` is the phase's name and ``end_s >= start_s``; the live view draws gaps
    in the recording with the same type, labelled "gap".
    """

    label: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class SessionPhases:
    """A whole session's baseline, and the later phases compared with it, in time order."""

    baseline: Span
    later: tuple[Span, ...]


class StoredMarker(Protocol):
    """A marker as the store keeps it: any ``kind``; for a phase marker ``value`` is the phase."""

    @property
    def t_s(self) -> float: ...

    @property
    def kind(self) -> str: ...

    @property
    def value(self) -> str: ...


def is_baseline(phase: str) -> bool:
    """Whether ``phase`` names the baseline ("baseline", in any case, blanks around ignored)."""
    return phase.strip().lower() == BASELINE


def phase_marks(markers: Iterable[StoredMarker]) -> tuple[PhaseMark, ...]:
    """The phase markers among stored markers, as phase marks; other kinds are left out."""
    return tuple(PhaseMark(m.t_s, m.value) for m in markers if m.kind == PHASE_KIND)


def phase_spans(marks: Iterable[PhaseMark], end_s: float) -> tuple[Span, ...]:
    """Every marked phase in time order, from its mark to the next mark, or to ``end_s``.

    Marks may come in any order; marks at the same time keep their given order, and all but the
    last of them give zero-length phases. A phase runs to the next mark even when that mark is
    after ``end_s``; the last mark, if at or after ``end_s``, gives a zero-length phase there.
    """
    ordered = sorted(marks, key=lambda m: m.t_s)
    ends = [m.t_s for m in ordered[1:]] + [end_s] if ordered else []
    return tuple(
        Span(m.phase, m.t_s, max(m.t_s, end)) for m, end in zip(ordered, ends, strict=True)
    )


def default_baseline(start_s: float, end_s: float = math.inf) -> Span:
    """The first 3 minutes from ``start_s``, cut at ``end_s`` if the recording ends sooner."""
    end = min(start_s + DEFAULT_BASELINE_S, end_s)
    return Span(DEFAULT_BASELINE_NAME, start_s, max(start_s, end))


def _marked_baseline(spans: Sequence[Span]) -> int | None:
    """The position of the first phase named baseline, or None."""
    return next((i for i, span in enumerate(spans) if is_baseline(span.label)), None)


def baseline_span(spans: Sequence[Span], start_s: float, end_s: float) -> Span:
    """The baseline of a recording from ``start_s`` to ``end_s``, given its `phase_spans`.

    The first phase named baseline, however short; with none, the first 3 minutes.
    """
    marked = _marked_baseline(spans)
    return spans[marked] if marked is not None else default_baseline(start_s, end_s)


def finished_baseline(spans: Sequence[Span], start_s: float) -> Span | None:
    """The baseline live: None while a marked baseline is still running (no later phase yet).

    With no marked baseline it is the first 3 minutes from ``start_s``, whole even before they
    are over: its end is known, so the live view can tell when the comparison will start.
    """
    marked = _marked_baseline(spans)
    if marked is None:
        return default_baseline(start_s)
    return spans[marked] if marked + 1 < len(spans) else None


def later_phases(spans: Sequence[Span], baseline: Span) -> tuple[Span, ...]:
    """The phases after ``baseline``, in time order: the parts of ``spans`` after it ends.

    Phases that end by then (those before a marked baseline, the baseline itself) and phases
    with no time left in them are left out; one that straddles the end of the default baseline
    keeps only its part after it.
    """
    clipped = (Span(span.label, max(span.start_s, baseline.end_s), span.end_s) for span in spans)
    return tuple(span for span in clipped if span.end_s > span.start_s)


def session_phases(marks: Iterable[PhaseMark], start_s: float, end_s: float) -> SessionPhases:
    """The baseline and later phases of a recording from ``start_s`` to ``end_s``.

    When no marked phase runs past the baseline, the rest of the recording after it is one
    later phase named "session" (none if the baseline takes the whole recording).
    """
    spans = phase_spans(marks, end_s)
    baseline = baseline_span(spans, start_s, end_s)
    later = later_phases(spans, baseline)
    if not later and end_s > baseline.end_s:
        later = (Span(REST_OF_SESSION, baseline.end_s, end_s),)
    return SessionPhases(baseline, later)
