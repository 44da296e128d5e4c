"""Stretches of a session marked with a technique or a pressure (pure: markers in, spans out).

A technique (or pressure) marker holds from its time until its own end time if it has one,
else until the next marker of the same kind, the next phase marker, or the end of the session,
whichever comes first: a new phase (e.g. recovery) ends the technique.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hrv_relax.records import MarkerRecord
from hrv_relax.vocabulary import MarkerKind

SEGMENT_KINDS = ("technique", "pressure")


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str
    value: str
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def marked_segments(markers: Sequence[MarkerRecord], end_s: float) -> tuple[Segment, ...]:
    """Technique and pressure segments in time order."""
    phase_starts = sorted(m.t_s for m in markers if m.kind == MarkerKind.PHASE)
    out: list[Segment] = []
    for kind in SEGMENT_KINDS:
        marks = sorted((m for m in markers if m.kind == kind and m.value), key=lambda m: m.t_s)
        for i, mark in enumerate(marks):
            stops = [end_s]
            stops += [t for t in phase_starts if t > mark.t_s][:1]
            stops += [m.t_s for m in marks[i + 1 :]][:1]
            if mark.end_t_s is not None:
                stops.append(mark.end_t_s)
            stop = min(stops)
            if stop > mark.t_s:
                out.append(Segment(kind, mark.value, mark.t_s, stop))
    return tuple(sorted(out, key=lambda s: (s.start_s, s.kind)))
