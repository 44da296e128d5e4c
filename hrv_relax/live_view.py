"""What the live page shows for one session, computed from the store by the analysis engine.

Pages call `live_view()` once per refresh and draw the result; no HRV arithmetic happens there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import (
    HrvIndices,
    LiveHrv,
    LiveReading,
    RollingTimeDomain,
    detect_artifacts,
    hrv_indices,
)
from hrv_relax.analysis.rolling import rolling_time_domain
from hrv_relax.analysis.series import beat_series
from hrv_relax.store import (
    LiveStatus,
    MarkerRecord,
    SessionRecord,
    Store,
    get_session,
    list_markers,
    load_beats,
    read_live,
)
from hrv_relax.store.clock import utcnow

# The live tile reads the last 60 s; a little more history lets the artefact judge warm up.
LIVE_HISTORY_S = 120.0
# Live status older than this means the recorder is not reporting (dead or cut off).
STATUS_STALE_S = 5.0


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of the session's time line: a phase, or a gap in the recording."""

    label: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class LiveView:
    session: SessionRecord
    status: LiveStatus | None
    status_fresh: bool
    elapsed_s: float
    reading: LiveReading  # HR and RMSSD over the last 60 s, or NaN with the reason
    current_phase: str | None
    beat_t_s: npt.NDArray[np.float64]
    strap_bpm: npt.NDArray[np.float64]  # the strap's own heart rate at each beat
    rolling: RollingTimeDomain  # HR and RMSSD on 60 s windows every 5 s
    phases: tuple[Span, ...]
    baseline: HrvIndices | None  # the marked baseline phase, once it is complete
    gaps: tuple[Span, ...]
    events: tuple[MarkerRecord, ...]  # technique, pressure, region and note markers


def phase_spans(markers: Sequence[MarkerRecord], end_s: float) -> tuple[Span, ...]:
    """Each phase runs from its marker to the next phase marker, or to `end_s`."""
    marks = sorted((m for m in markers if m.kind == "phase"), key=lambda m: m.t_s)
    ends = [m.t_s for m in marks[1:]] + [end_s] if marks else []
    return tuple(Span(m.value, m.t_s, max(m.t_s, e)) for m, e in zip(marks, ends, strict=True))


def live_view(store: Store, session_id: int) -> LiveView:
    session = get_session(store, session_id)
    beats = load_beats(store, session_id)
    markers = list_markers(store, session_id)
    status = read_live(store, session_id)
    now = utcnow()
    end = session.ended_at if session.status != "recording" else now
    elapsed_s = max(0.0, ((end or now) - session.started_at).total_seconds())

    recent = beats.t_s > (beats.t_s[-1] - LIVE_HISTORY_S) if len(beats) else slice(0)
    reading = LiveHrv().push(beats.rr_ms[recent], beats.t_s[recent]) if len(beats) else _empty()
    if len(beats):
        series = beat_series(beats.rr_ms, beats.t_s)
        rolling = rolling_time_domain(series, ~detect_artifacts(beats.rr_ms))
    else:
        rolling = _no_rolling()
    phases = phase_spans(markers, elapsed_s)
    baseline = _baseline(phases, beats.rr_ms, beats.t_s)
    return LiveView(
        session=session,
        status=status,
        status_fresh=status is not None
        and (now - status.updated_at).total_seconds() <= STATUS_STALE_S,
        elapsed_s=elapsed_s,
        reading=reading,
        current_phase=phases[-1].label if phases else None,
        beat_t_s=beats.t_s,
        strap_bpm=beats.bpm,
        rolling=rolling,
        phases=phases,
        baseline=baseline,
        gaps=tuple(Span("gap", m.t_s, m.end_t_s or m.t_s) for m in markers if m.kind == "gap"),
        events=tuple(m for m in markers if m.kind not in ("phase", "gap")),
    )


def _baseline(
    phases: Sequence[Span], rr_ms: npt.NDArray[np.float64], t_s: npt.NDArray[np.float64]
) -> HrvIndices | None:
    """Indices of the marked baseline once a later phase has started; None before."""
    for span, _following in pairwise(phases):
        if span.label == "baseline":
            inside = (t_s > span.start_s) & (t_s <= span.end_s)
            indices = hrv_indices(rr_ms[inside], t_s=t_s[inside])
            return indices if indices.reliable else None
    return None


def _empty() -> LiveReading:
    return LiveReading(
        t_s=0.0,
        hr_bpm=math.nan,
        rmssd_ms=math.nan,
        ln_rmssd=math.nan,
        artifact_pct=0.0,
        n_beats=0,
        supportable=False,
        reason="no beats yet: is the strap on and moistened?",
    )


def _no_rolling() -> RollingTimeDomain:
    empty = np.empty(0, dtype=np.float64)
    return RollingTimeDomain(t_s=empty, hr_bpm=empty, rmssd_ms=empty, artifact_pct=empty)
