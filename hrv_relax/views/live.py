"""What the live page shows for one session, computed from the store by the analysis engine.

Pages keep a `LiveFeed` per viewer and call its `refresh()` each second (`live_view()` computes
one view from scratch) and draw the result; no HRV arithmetic happens there.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import (
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
    ROLLING_TIME_STEP_S,
    ROLLING_TIME_WINDOW_S,
    SUBWINDOW_S,
)
from hrv_relax.analysis.indices import window_breathing_per_min
from hrv_relax.analysis.reasons import Reason, ReasonCode
from hrv_relax.analysis.relaxation import (
    SubWindows,
    relaxation_shift,
    session_variability,
    subwindows,
)
from hrv_relax.analysis.rolling import rolling_time_domain
from hrv_relax.analysis.series import BeatSeries, BoolArray, beat_series
from hrv_relax.records import Viewer
from hrv_relax.store import (
    BeatArrays,
    LiveStatus,
    MarkerRecord,
    SessionRecord,
    Store,
)
from hrv_relax.store.access import LiveRead, visible_live_read
from hrv_relax.store.beats import empty_beats
from hrv_relax.store.clock import utcnow

# `Span` is the analysis time-line span: the live page, the review page and the report draw
# phases and gaps with it.
__all__ = [
    "LIVE_WARMUP_BEATS",
    "NOW_WINDOW_S",
    "NO_BEATS_S",
    "STATUS_STALE_S",
    "LiveFeed",
    "LiveView",
    "Span",
    "live_view",
]

# The live window is fed its 60 s and this many beats before them, so that its artefact judge
# starts from the same running state as a window fed since the session began (the judge's
# state spans the last 61 judged beats and the 21 pair means before them).
LIVE_WARMUP_BEATS = 256
# The live breathing rate is read from the RR spectrum of the last two minutes: the spectrum
# needs one (hrv_indices' HF minimum), and two hold six breaths even at 3/min. The two minutes
# end on the last whole 5 s of the session clock at or before the newest beat, so the rate is
# read again every 5 s, not at each
# refresh: a 2-minute spectrum resolves 0.5 breaths/min, which a few seconds more or less of
# it do not change, and it is most of a refresh's analysis.
BREATHING_WINDOW_S = 120.0
BREATHING_EVERY_S = 5.0
# "Relaxation now" compares the last two minutes (four 30 s pieces) with the baseline: the
# two minutes up to the last whole 30 s piece since the baseline ended, on the grid of pieces
# the session's wander is measured on. It changes when a piece is complete (or the beats or
# flags it read change), not at every refresh.
NOW_WINDOW_S = 120.0
# Live status older than this means the recorder is not reporting (dead or cut off).
STATUS_STALE_S = 5.0
# RR values reach the store within ~2 s of their beat; no beat for longer than this while
# recording means no signal (no contact, link lost): the last figures are no longer "now".
NO_BEATS_S = 6.0
# Artefact flags are local (running medians over at most 61 beats or intervals): a refresh
# reclassifies only the last RECLASSIFY_BEATS beats, trusts that tail's flags from EDGE_BEATS
# on (the tail's own edge is seen by its first running medians), and checks the stretch
# between EDGE_BEATS and the last SETTLING_BEATS (whose flags new beats may still change)
# against the flags it kept: a difference there means new beats reached further back, and
# the whole session is reclassified, as it is in irregular rhythm, whose test pools beats
# from further away, and while the session is shorter than the tail. What was computed from
# beats before the first flag that changed is kept either way.
RECLASSIFY_BEATS = 768
EDGE_BEATS = 256
SETTLING_BEATS = 128


@dataclass(frozen=True, slots=True)
class LiveView:
    session: SessionRecord
    status: LiveStatus | None
    status_fresh: bool
    elapsed_s: float
    reading: LiveReading  # HR and RMSSD over the last 60 s, or NaN with the reason
    breathing_per_min: float  # breaths/min from the RR spectrum of the last 2 minutes, or NaN
    current_phase: str | None
    beat_t_s: npt.NDArray[np.float64]
    strap_bpm: npt.NDArray[np.float64]  # the strap's own heart rate at each beat
    rolling: RollingTimeDomain  # HR and RMSSD on 60 s windows every 5 s
    phases: tuple[Span, ...]
    baseline: HrvIndices | None  # the finished baseline (marked, or first 3 minutes), if reliable
    shift_now: RelaxationShift | None  # the last 2 minutes of whole 30 s pieces against it
    shift_why: Reason  # why there is no shift yet (when shift_now is None)
    gaps: tuple[Span, ...]
    events: tuple[MarkerRecord, ...]  # technique, pressure, region and note markers

    @property
    def recording(self) -> bool:
        return self.session.status == "recording"

    @property
    def shift_note(self) -> str:
        """Why there is no shift yet, in words."""
        return self.shift_why.text

    @property
    def window_full(self) -> bool:
        """Whether the live 60 s window is covered, so its artefact share means something."""
        why = self.reading.why
        return self.reading.supportable or why is None or why.code is not ReasonCode.FIRST_MINUTE

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


def _slice(
    series: BeatSeries, keep: BoolArray, start_s: float, end_s: float
) -> tuple[BeatSeries, BoolArray]:
    """The beats of (start_s, end_s] with two neighbours each side: what any window inside
    that span reads (the neighbours tell whether a gap precedes or follows it)."""
    lo, hi = np.searchsorted(series.t_s, [start_s, end_s], side="right")
    lo, hi = max(int(lo) - 2, 0), min(int(hi) + 2, series.n)
    return beat_series(series.rr_ms[lo:hi], series.t_s[lo:hi]), keep[lo:hi]


def _indices(series: BeatSeries, start_s: float, end_s: float) -> HrvIndices | None:
    lo, hi = np.searchsorted(series.t_s, [start_s, end_s], side="right")
    indices = hrv_indices(series.rr_ms[lo:hi], t_s=series.t_s[lo:hi], nonlinear=False)
    return indices if indices.reliable else None


def _pieces(series: BeatSeries, keep: BoolArray, start_s: float, end_s: float) -> SubWindows:
    return subwindows(*_slice(series, keep, start_s, end_s), start_s, end_s)


def _shift_note(
    base: Span | None, indices: HrvIndices | None, now_t: float, compared_s: float
) -> Reason:
    if base is None:
        return Reason(
            ReasonCode.BASELINE_RUNNING, "baseline still running: mark Massage when it ends"
        )
    if compared_s < base.end_s + NOW_WINDOW_S:
        return Reason(
            ReasonCode.BASELINE_PENDING,
            f"comparing with the baseline in {max(base.end_s + NOW_WINDOW_S - now_t, 0.0):.0f} s",
        )
    if indices is None:
        return Reason(
            ReasonCode.BASELINE_UNRELIABLE,
            "the baseline has too few clean beats to compare against",
        )
    return Reason(ReasonCode.FEW_RECENT_BEATS, "not enough clean beats in the last 2 minutes")


def _reads_to(t_s: npt.NDArray[np.float64], end_s: float) -> int:
    """The beats (and flags) a window ending at ``end_s`` reads lie before this index: those
    up to ``end_s`` and the two neighbours :func:`_slice` adds."""
    return int(np.searchsorted(t_s, end_s, side="right")) + 2


@dataclass(frozen=True, slots=True)
class _Baseline:
    """The finished baseline's figures, kept while the markers stay as they are."""

    span: Span
    indices: HrvIndices | None
    pieces: SubWindows
    reads_to: int  # computed from the beats (and flags) before this index


@dataclass(frozen=True, slots=True)
class _Now:
    """What "relaxation now" was as of one whole 30 s piece since the baseline."""

    base: _Baseline
    end_s: float  # the end of the last whole piece: the comparison's "now"
    shift: RelaxationShift | None
    reads_to: int  # computed from the beats (and flags) before this index


class LiveFeed:
    """One viewer's live view of one session, kept between refreshes.

    Holds the beats read so far, their artefact flags, the rolling HR and RMSSD, the live
    60 s window and the finished baseline's figures, so a refresh reads only the beats
    recorded since the last one (beats are stored in ``seq`` order) and analyses only what
    they change: its cost does not grow with the session. Memory is that of the session's
    beats (about 40 bytes each) and of its rolling series; new or changed markers drop the
    baseline's figures. A new feed computes everything from the store: :func:`live_view`.
    """

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        self._beats = empty_beats()
        self._series = beat_series(self._beats.rr_ms, self._beats.t_s)
        self._ectopy = np.zeros(0, dtype=np.bool_)  # any artefact class
        self._irregular = np.zeros(0, dtype=np.bool_)
        self._rolling = _no_rolling()
        self._live: LiveHrv | None = None
        self._reading = _empty()
        self._markers: tuple[MarkerRecord, ...] | None = None
        self._baseline: _Baseline | None = None
        self._now: _Now | None = None
        self._breathing: tuple[tuple[int, int], float] | None = None  # (its beats, its rate)

    @property
    def n_beats(self) -> int:
        """Beats held."""
        return len(self._beats)

    def refresh(self, store: Store, viewer: Viewer, *, now: dt.datetime | None = None) -> LiveView:
        """Read what is new for one of the viewer's sessions and return the live view.

        NotFoundError when the session does not exist or is not the viewer's to see.
        """
        last_seq = int(self._beats.seq[-1]) if len(self._beats) else -1
        read = visible_live_read(store, viewer, self.session_id, after_seq=last_seq)
        if read.markers != self._markers:
            self._markers = read.markers
            self._baseline = None
        if len(read.new_beats):
            self._add(read.new_beats)
        return self._view(read, now or utcnow())

    def _add(self, new: BeatArrays) -> None:
        old_n = len(self._beats)
        self._beats = BeatArrays(
            seq=np.concatenate((self._beats.seq, new.seq)),
            t_s=np.concatenate((self._beats.t_s, new.t_s)),
            rr_ms=np.concatenate((self._beats.rr_ms, new.rr_ms)),
            bpm=np.concatenate((self._beats.bpm, new.bpm)),
        )
        self._series = self._extended_series(old_n)
        changed = self._classify(old_n)
        # Figures kept from beats whose flags changed, or computed before the beats they read
        # were all there (a recorder stores beats up to ~2 s late), are computed again.
        if self._baseline is not None and changed < self._baseline.reads_to:
            self._baseline = None
        if self._now is not None and changed < self._now.reads_to:
            self._now = None
        self._roll(changed)
        self._feed_live(new, old_n)

    def _extended_series(self, old_n: int) -> BeatSeries:
        """The beat series with the new beats: only they are validated and linked (whether
        each follows the one before), from the last beat held on."""
        first = max(old_n - 1, 0)
        tail = beat_series(self._beats.rr_ms[first:], self._beats.t_s[first:])
        follows = tail.follows if old_n == 0 else tail.follows[1:]
        return BeatSeries(
            rr_ms=self._beats.rr_ms,
            t_s=self._beats.t_s,
            follows=np.concatenate((self._series.follows[:old_n], follows)),
        )

    def _classify(self, old_n: int) -> int:
        """Update the artefact flags; return the first beat whose flags may have changed."""
        rr = self._beats.rr_ms
        n = rr.size
        lo = n - RECLASSIFY_BEATS
        if lo < 0 or old_n - SETTLING_BEATS < lo + EDGE_BEATS:
            return self._classify_all(old_n)
        tail = classify_artifacts(rr[lo:])
        ectopy, irregular = tail.any[EDGE_BEATS:], tail.irregular[EDGE_BEATS:]
        trusted = lo + EDGE_BEATS
        check = slice(0, old_n - SETTLING_BEATS - trusted)
        kept = slice(trusted, old_n - SETTLING_BEATS)
        if (
            irregular.any()
            or self._irregular[trusted:].any()
            or not np.array_equal(ectopy[check], self._ectopy[kept])
        ):
            return self._classify_all(old_n)
        new_ectopy = np.concatenate((self._ectopy[:trusted], ectopy))
        new_irregular = np.concatenate((self._irregular[:trusted], irregular))
        # Only the tail was reclassified: nothing before it can differ.
        differs = np.flatnonzero(new_ectopy[trusted:old_n] != self._ectopy[trusted:old_n])
        self._ectopy, self._irregular = new_ectopy, new_irregular
        return trusted + int(differs[0]) if differs.size else old_n

    def _classify_all(self, old_n: int) -> int:
        """Classify every beat again; return the first beat whose flags changed (``old_n``
        when none of the beats held before did)."""
        classes = classify_artifacts(self._beats.rr_ms)
        differs = np.flatnonzero(
            (classes.any[:old_n] != self._ectopy) | (classes.irregular[:old_n] != self._irregular)
        )
        self._ectopy, self._irregular = classes.any, classes.irregular
        return int(differs[0]) if differs.size else old_n

    def _roll(self, changed: int) -> None:
        """Recompute the rolling windows that hold a beat from index ``changed`` on."""
        series, keep = self._series, ~self._ectopy
        if changed == 0 or self._rolling.t_s.size == 0:
            self._rolling = rolling_time_domain(series, keep, irregular=self._irregular)
            return
        start_s = float(series.t_s[0] - series.rr_ms[0] / 1000.0)
        # The windows ending after the beat before it: those holding it, and the windows
        # the kept series did not reach (it ended at the last beat then held).
        from_s = float(series.t_s[changed - 1])
        last_end_s = float(self._rolling.t_s[-1])
        if last_end_s < from_s and last_end_s + ROLLING_TIME_STEP_S > series.t_s[-1] + 1e-6:
            return  # no window holds a changed beat, and the next one has not ended yet
        first = int(np.searchsorted(series.t_s, from_s - ROLLING_TIME_WINDOW_S, side="right"))
        first = max(first - 2, 0)
        tail = rolling_time_domain(
            beat_series(series.rr_ms[first:], series.t_s[first:]),
            keep[first:],
            irregular=self._irregular[first:],
            start_s=start_s,
        )
        old, new = self._rolling.t_s < from_s, tail.t_s >= from_s
        self._rolling = RollingTimeDomain(
            *(
                np.concatenate((getattr(self._rolling, f)[old], getattr(tail, f)[new]))
                for f in ("t_s", "hr_bpm", "rmssd_ms", "artifact_pct")
            )
        )

    def _feed_live(self, new: BeatArrays, old_n: int) -> None:
        if self._live is None:
            t_s = self._beats.t_s
            first = int(np.searchsorted(t_s, t_s[-1] - ROLLING_TIME_WINDOW_S, side="right"))
            first = max(first - LIVE_WARMUP_BEATS, 0)
            self._live = LiveHrv()
            self._reading = self._live.push(self._beats.rr_ms[first:], t_s[first:])
        else:
            self._reading = self._live.push(new.rr_ms, new.t_s)

    def _finished_baseline(self, base_span: Span | None) -> _Baseline | None:
        if base_span is None:
            return None
        cached = self._baseline
        if cached is not None and cached.span == base_span:
            return cached
        self._baseline = _Baseline(
            base_span,
            _indices(self._series, base_span.start_s, base_span.end_s),
            _pieces(self._series, ~self._ectopy, base_span.start_s, base_span.end_s),
            _reads_to(self._beats.t_s, base_span.end_s),
        )
        return self._baseline

    def _last_piece_end(self, since_s: float, now_t: float, recording: bool) -> float:
        """The end of the last whole 30 s piece since ``since_s`` whose beats are stored.

        While recording, the beats of a piece just ended are still on their way to the store
        (up to ~2 s): the piece counts once two beats after it are stored (all the beats a
        window ending there reads), or once the recorder is ``NO_BEATS_S`` late with them.
        """
        end_s = since_s + math.floor((now_t - since_s) / SUBWINDOW_S + 1e-9) * SUBWINDOW_S
        waiting = (
            recording
            and now_t < end_s + NO_BEATS_S
            and len(self._beats) < _reads_to(self._beats.t_s, end_s)
        )
        return end_s - SUBWINDOW_S if waiting else end_s

    def _shift_now(self, base: _Baseline, indices: HrvIndices, end_s: float) -> _Now | None:
        """The two minutes up to ``end_s`` (a piece's end), against the baseline (None before
        there are two minutes of pieces since it)."""
        since_s = base.span.end_s
        if end_s - since_s < NOW_WINDOW_S:
            return None
        kept = self._now
        if kept is not None and kept.base is base and kept.end_s == end_s:
            return kept
        shift = None
        now_span = (end_s - NOW_WINDOW_S, end_s)
        now_indices = _indices(self._series, *now_span)
        if now_indices is not None:
            # The session analysis's rule: the drift allowed for comes from the session so
            # far, the baseline and everything since it (its first minutes left out).
            keep = ~self._ectopy
            since = _pieces(self._series, keep, since_s, end_s)
            shift = relaxation_shift(
                base.pieces,
                _pieces(self._series, keep, *now_span),
                indices,
                now_indices,
                variability=session_variability(base.pieces, [since]),
            )
        self._now = _Now(base, end_s, shift, _reads_to(self._beats.t_s, end_s))
        return self._now

    def _breathing_now(self, reading: LiveReading) -> float:
        """Breaths/min over the ``BREATHING_WINDOW_S`` up to the last whole
        ``BREATHING_EVERY_S`` of the session clock at or before the newest beat (its RR
        spectrum), while beats come in.

        NaN when the live reading itself is not supported (first minute, gaps, artefacts, no
        beats), in an irregular rhythm, or when the window has no clear breathing peak. Kept
        while the window holds the same beats (beats are stored in order, so the same
        indices are the same beats).
        """
        beats = self._beats
        if not reading.supportable or not len(beats) or reading.t_s != float(beats.t_s[-1]):
            return math.nan
        end_s = math.floor(reading.t_s / BREATHING_EVERY_S) * BREATHING_EVERY_S
        first, last = (
            int(i)
            for i in np.searchsorted(beats.t_s, [end_s - BREATHING_WINDOW_S, end_s], side="right")
        )
        kept = self._breathing
        if kept is None or kept[0] != (first, last):
            rate = window_breathing_per_min(beats.rr_ms[first:last], t_s=beats.t_s[first:last])
            kept = self._breathing = ((first, last), rate)
        return kept[1]

    def _view(self, read: LiveRead, now: dt.datetime) -> LiveView:
        session, beats, markers, status = read.session, self._beats, read.markers, read.status
        end = session.ended_at if session.status != "recording" else now
        elapsed_s = max(0.0, ((end or now) - session.started_at).total_seconds())
        phases = phase_spans(phase_marks(markers), elapsed_s)
        reading = self._reading if len(beats) else _empty()
        last_t = float(beats.t_s[-1]) if len(beats) else 0.0
        silent_s = elapsed_s - last_t
        if session.status == "recording" and len(beats) and silent_s > NO_BEATS_S:
            reading = _empty(f"no beats for {silent_s:.0f} s: check the strap")
        # The session clock starts at 0; live, a marked baseline counts only once it has ended.
        base_span = finished_baseline(phases, 0.0)
        # "Now" is the clock while recording (beats may have stopped), the last beat afterwards.
        now_t = elapsed_s if session.status == "recording" else last_t
        baseline, shift_now = None, None
        compared_s = (
            now_t
            if base_span is None
            else self._last_piece_end(base_span.end_s, now_t, session.status == "recording")
        )
        if len(beats):
            assert self._live is not None
            if reading.t_s == last_t:  # not replaced by "no beats for ..."
                reading = _irregular_reading(
                    reading, beats, self._ectopy, self._irregular, self._live.coverage_reason()
                )
            base = self._finished_baseline(base_span)
            baseline = base.indices if base is not None else None
            if base is not None and baseline is not None:
                kept = self._shift_now(base, baseline, compared_s)
                shift_now = kept.shift if kept is not None else None
        return LiveView(
            session=session,
            breathing_per_min=self._breathing_now(reading),
            status=status,
            status_fresh=status is not None
            and (now - status.updated_at).total_seconds() <= STATUS_STALE_S,
            elapsed_s=elapsed_s,
            reading=reading,
            current_phase=phases[-1].label if phases else None,
            beat_t_s=beats.t_s,
            strap_bpm=beats.bpm,
            rolling=self._rolling,
            phases=phases,
            baseline=baseline,
            shift_now=shift_now,
            shift_why=_shift_note(base_span, baseline, now_t, compared_s),
            gaps=tuple(Span("gap", m.t_s, m.end_t_s or m.t_s) for m in markers if m.kind == "gap"),
            events=tuple(m for m in markers if m.kind not in ("phase", "gap")),
        )


def live_view(
    store: Store, viewer: Viewer, session_id: int, *, now: dt.datetime | None = None
) -> LiveView:
    """What the live page shows for one of the viewer's sessions, computed from everything
    stored (NotFoundError when it is not theirs to see). Pages keep a :class:`LiveFeed`."""
    return LiveFeed(session_id).refresh(store, viewer, now=now)


def _irregular_reading(
    reading: LiveReading,
    beats: BeatArrays,
    ectopy: BoolArray,
    irregular: BoolArray,
    coverage_reason: Reason | None,
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
    first = int(np.searchsorted(beats.t_s, reading.t_s - ROLLING_TIME_WINDOW_S, side="right"))
    minute = slice(first, len(beats))
    if first >= len(beats):
        return reading
    clean = ~ectopy[minute]
    share_pct = 100.0 * float(np.mean(irregular[minute]))
    artefact_pct = 100.0 * float(np.mean(ectopy[minute]))
    if (
        share_pct <= MAX_IRREGULAR_PCT
        or artefact_pct > MAX_ARTIFACT_PCT
        or coverage_reason is not None
    ):
        return reading
    return replace(
        reading,
        hr_bpm=MS_PER_MINUTE / float(np.mean(beats.rr_ms[minute][clean])),
        rmssd_ms=math.nan,
        ln_rmssd=math.nan,
        artifact_pct=artefact_pct,
        supportable=True,
        why=Reason(
            ReasonCode.IRREGULAR_RHYTHM,
            f"irregular rhythm (possible atrial fibrillation) in {share_pct:.0f} % of beats",
        ),
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
        why=Reason(ReasonCode.NO_BEATS, reason),
    )


def _no_rolling() -> RollingTimeDomain:
    empty = np.empty(0, dtype=np.float64)
    return RollingTimeDomain(t_s=empty, hr_bpm=empty, rmssd_ms=empty, artifact_pct=empty)
