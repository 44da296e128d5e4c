"""What the live page shows for one session, computed from the store by the analysis engine.

Pages call `live_view()` once per refresh and draw the result; no HRV arithmetic happens there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import (
    ArtifactClasses,
    HrvIndices,
    LiveHrv,
    LiveReading,
    RelaxationShift,
    RollingTimeDomain,
    Span,
    classify_artifacts,
    finished_baseline,
    hrv_indices,
    phase_marks,
    phase_spans,
)
from hrv_relax.analysis.constants import (
    MAX_ARTIFACT_PCT,
    MAX_IRREGULAR_PCT,
    MS_PER_MINUTE,
    ROLLING_TIME_WINDOW_S,
)
from hrv_relax.analysis.relaxation import relaxation_shift, session_variability, subwindows
from hrv_relax.analysis.rolling import rolling_time_domain
from hrv_relax.analysis.series import BeatSeries, beat_series
from hrv_relax.store import (
    BeatArrays,
    LiveStatus,
    MarkerRecord,
    SessionRecord,
    Store,
)
from hrv_relax.store.access import (
    Viewer,
    visible_beats,
    visible_live,
    visible_markers,
    visible_session,
)
from hrv_relax.store.clock import utcnow

# `Span` is the analysis time-line span: the live page, the review page and the report draw
# phases and gaps with it.
__all__ = [
    "LIVE_HISTORY_S",
    "NOW_WINDOW_S",
    "NO_BEATS_S",
    "STATUS_STALE_S",
    "LiveView",
    "Span",
    "live_view",
]

# The live tile reads the last 60 s; a little more history lets the artefact judge warm up.
LIVE_HISTORY_S = 120.0
# "Relaxation now" compares the last two minutes (four 30 s pieces) with the baseline.
NOW_WINDOW_S = 120.0
# Live status older than this means the recorder is not reporting (dead or cut off).
STATUS_STALE_S = 5.0
# RR values reach the store within ~2 s of their beat; no beat for longer than this while
# recording means no signal (no contact, link lost): the last figures are no longer "now".
NO_BEATS_S = 6.0


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
    baseline: HrvIndices | None  # the finished baseline (marked, or first 3 minutes), if reliable
    shift_now: RelaxationShift | None  # the last 2 minutes against the baseline
    shift_note: str  # why there is no shift yet
    gaps: tuple[Span, ...]
    events: tuple[MarkerRecord, ...]  # technique, pressure, region and note markers

    @property
    def recording(self) -> bool:
        return self.session.status == "recording"

    @property
    def window_full(self) -> bool:
        """Whether the live 60 s window is covered, so its artefact share means something."""
        return self.reading.supportable or not self.reading.reason.startswith("first minute")

    @property
    def strap_reading_bpm(self) -> int | None:
        """The strap's current heart rate, while recording with skin contact; else None."""
        status = self.status
        if not self.recording or status is None or not self.status_fresh:
            return None
        if status.contact is False or not status.bpm:
            return None
        return status.bpm

    @property
    def link(self) -> str | None:
        """The strap link as last reported, or None when the recorder is silent."""
        return self.status.link if self.status is not None and self.status_fresh else None


def _indices(series: BeatSeries, start_s: float, end_s: float) -> HrvIndices | None:
    inside = (series.t_s > start_s) & (series.t_s <= end_s)
    indices = hrv_indices(series.rr_ms[inside], t_s=series.t_s[inside], nonlinear=False)
    return indices if indices.reliable else None


def _shift_note(base: Span | None, indices: HrvIndices | None, last_t: float) -> str:
    if base is None:
        return "baseline still running: mark Massage when it ends"
    if last_t < base.end_s + NOW_WINDOW_S:
        return f"comparing with the baseline in {base.end_s + NOW_WINDOW_S - last_t:.0f} s"
    if indices is None:
        return "the baseline has too few clean beats to compare against"
    return "not enough clean beats in the last 2 minutes"


def live_view(store: Store, viewer: Viewer, session_id: int) -> LiveView:
    """What the live page shows for one of the viewer's sessions (NotFoundError else)."""
    session = visible_session(store, viewer, session_id)
    beats = visible_beats(store, viewer, session_id)
    markers = visible_markers(store, viewer, session_id)
    status = visible_live(store, viewer, session_id)
    now = utcnow()
    end = session.ended_at if session.status != "recording" else now
    elapsed_s = max(0.0, ((end or now) - session.started_at).total_seconds())

    phases = phase_spans(phase_marks(markers), elapsed_s)
    recent = beats.t_s > (beats.t_s[-1] - LIVE_HISTORY_S) if len(beats) else slice(0)
    live = LiveHrv()
    reading = live.push(beats.rr_ms[recent], beats.t_s[recent]) if len(beats) else _empty()
    silent_s = elapsed_s - (float(beats.t_s[-1]) if len(beats) else 0.0)
    if session.status == "recording" and len(beats) and silent_s > NO_BEATS_S:
        reading = _empty(f"no beats for {silent_s:.0f} s: check the strap")

    last_t = float(beats.t_s[-1]) if len(beats) else 0.0
    # The session clock starts at 0; live, a marked baseline counts only once it has ended.
    base_span = finished_baseline(phases, 0.0)
    # "Now" is the clock while recording (beats may have stopped), the last beat afterwards.
    now_t = elapsed_s if session.status == "recording" else last_t
    rolling, baseline, shift_now = _no_rolling(), None, None
    if len(beats):
        series = beat_series(beats.rr_ms, beats.t_s)
        classes = classify_artifacts(beats.rr_ms)
        keep = ~classes.any
        rolling = rolling_time_domain(series, keep, irregular=classes.irregular)
        if reading.t_s == float(beats.t_s[-1]):  # not replaced by "no beats for ..."
            reading = _irregular_reading(reading, beats, classes, live.coverage_reason())
        if base_span is not None:
            baseline = _indices(series, base_span.start_s, base_span.end_s)
        if baseline is not None and base_span is not None:
            now_span = (max(now_t - NOW_WINDOW_S, base_span.end_s), now_t)
            now_indices = _indices(series, *now_span)
            if now_indices is not None and now_span[1] - now_span[0] >= NOW_WINDOW_S:
                base_pieces = subwindows(series, keep, base_span.start_s, base_span.end_s)
                # The session analysis's rule: the drift allowed for comes from the session
                # so far, the baseline and everything since it (its first minutes left out).
                since = subwindows(series, keep, base_span.end_s, now_t)
                shift_now = relaxation_shift(
                    base_pieces,
                    subwindows(series, keep, *now_span),
                    baseline,
                    now_indices,
                    variability=session_variability(base_pieces, [since]),
                )
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
        shift_now=shift_now,
        shift_note=_shift_note(base_span, baseline, now_t),
        gaps=tuple(Span("gap", m.t_s, m.end_t_s or m.t_s) for m in markers if m.kind == "gap"),
        events=tuple(m for m in markers if m.kind not in ("phase", "gap")),
    )


def _irregular_reading(
    reading: LiveReading, beats: BeatArrays, classes: ArtifactClasses, coverage_reason: str
) -> LiveReading:
    """Heart rate without RMSSD when the last minute is mostly irregular rhythm.

    The session analysis's rule: in atrial fibrillation beat-to-beat variation is not
    autonomic (more than :data:`MAX_IRREGULAR_PCT` % of beats irregular), while its
    intervals are not artefacts, so the heart rate of the clean beats still stands, as in
    :func:`~hrv_relax.analysis.hrv_indices`. Readings the window cannot support for other
    reasons stay as they are: the first minute and gaps (``coverage_reason``, from the live
    window), no beats, and more than
    :data:`MAX_ARTIFACT_PCT` % artefacts (noise such as spurious detections can look
    irregular too).
    """
    minute = beats.t_s > reading.t_s - ROLLING_TIME_WINDOW_S
    if not minute.any():
        return reading
    clean = minute & ~classes.any
    share_pct = 100.0 * float(np.mean(classes.irregular[minute]))
    artefact_pct = 100.0 * float(np.mean(classes.any[minute]))
    if share_pct <= MAX_IRREGULAR_PCT or artefact_pct > MAX_ARTIFACT_PCT or coverage_reason:
        return reading
    return replace(
        reading,
        hr_bpm=MS_PER_MINUTE / float(np.mean(beats.rr_ms[clean])),
        rmssd_ms=math.nan,
        ln_rmssd=math.nan,
        artifact_pct=artefact_pct,
        supportable=True,
        reason=f"irregular rhythm (possible atrial fibrillation) in {share_pct:.0f} % of beats",
    )


def _empty(reason: str = "no beats yet: is the strap on and moistened?") -> LiveReading:
    return LiveReading(
        t_s=0.0,
        hr_bpm=math.nan,
        rmssd_ms=math.nan,
        ln_rmssd=math.nan,
        artifact_pct=0.0,
        n_beats=0,
        supportable=False,
        reason=reason,
    )


def _no_rolling() -> RollingTimeDomain:
    empty = np.empty(0, dtype=np.float64)
    return RollingTimeDomain(t_s=empty, hr_bpm=empty, rmssd_ms=empty, artifact_pct=empty)
