"""Run one session: events from a source -> decoded beats -> the store, crash-safe.

The recorder commits at least every `flush_interval_s` (default 0.5 s), so a killed process loses
at most that much, and writes a heartbeat with every commit so readers can tell a dead recorder's
session (see hrv_relax.store.sessions.STALE_HEARTBEAT_S). A malformed frame is counted, logged and
skipped; it never stops a recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from hrv_relax.beat_timing import BeatTimeline
from hrv_relax.errors import MalformedMeasurement
from hrv_relax.heart_rate import parse_measurement
from hrv_relax.sources import BeatSource, LinkEvent, Notification, SourceEvent
from hrv_relax.store import (
    Beat,
    Store,
    append_beats,
    finish_session,
    heartbeat,
    insert_marker,
    write_live,
)
from hrv_relax.store import next_seq as store_next_seq
from hrv_relax.store.sessions import session_started_at
from hrv_relax.store.straps import attach_strap, upsert_strap

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.5  # real time between commits: bounds what a killed recorder loses
MAX_PENDING_BEATS = 2000  # commit early when replaying fast


@dataclass(slots=True)
class RecorderStats:
    frames_ok: int = 0
    frames_malformed: int = 0
    beats: int = 0
    gaps: int = 0
    commits: int = 0


@dataclass(slots=True)
class _Pending:
    beats: list[Beat] = field(default_factory=list)
    gaps: list[tuple[float, float]] = field(default_factory=list)
    phases: list[tuple[float, str]] = field(default_factory=list)
    strap: tuple[str | None, str | None] | None = None  # (name, body location) newly learnt


@dataclass(frozen=True, slots=True)
class RecordingResult:
    session_id: int
    stats: RecorderStats
    stopped_by: str  # "duration", "stop request", "source ended", "signal"


class Recorder:
    """Records one session from one source. Call `run()`; `stop()` ends it cleanly from anywhere."""

    def __init__(
        self,
        store: Store,
        session_id: int,
        source: BeatSource,
        *,
        flush_interval_s: float = FLUSH_INTERVAL_S,
        scheduled_phases: Sequence[tuple[float, str]] = (),
    ) -> None:
        self.store = store
        self.session_id = session_id
        self.source = source
        self.stats = RecorderStats()
        self._flush_interval_s = flush_interval_s
        self._timeline = BeatTimeline()
        self._pending = _Pending()
        self._scheduled = sorted(scheduled_phases)
        self._stop_reason: str | None = None
        self._stopped = asyncio.Event()
        self._origin_s = 0.0
        self._link = "connecting"
        self._bpm: int | None = None
        self._contact: bool | None = None
        self._battery: int | None = None
        self._last_frame: bytes | None = None
        self._session_t_s = 0.0
        self._seq = 0
        self._started_at = dt.datetime.now(dt.UTC)

    def stop(self, reason: str = "signal") -> None:
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stopped.set()

    async def run(self, duration_s: float | None = None) -> RecordingResult:
        with self.store.write() as conn:
            self._seq = store_next_seq(conn, self.session_id)
            self._started_at = session_started_at(conn, self.session_id)
        self._origin_s = self.source.now()
        queue: asyncio.Queue[SourceEvent | None] = asyncio.Queue()
        pump = asyncio.create_task(self._pump(queue))
        last_flush = time.monotonic()
        try:
            while not self._stopped.is_set():
                timeout = max(0.0, self._flush_interval_s - (time.monotonic() - last_flush))
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=timeout)
                except TimeoutError:
                    pass
                else:
                    if event is None:
                        self.stop("source ended")
                    else:
                        self._handle(event)
                if duration_s is not None and self._session_t_s >= duration_s:
                    self.stop("duration")
                due = time.monotonic() - last_flush >= self._flush_interval_s
                if due or len(self._pending.beats) >= MAX_PENDING_BEATS:
                    if self._flush():
                        self.stop("stop request")
                    last_flush = time.monotonic()
        finally:
            await self.source.close()
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
            self._flush(final=True)
        return RecordingResult(self.session_id, self.stats, self._stop_reason or "signal")

    async def _pump(self, queue: asyncio.Queue[SourceEvent | None]) -> None:
        # The source's callback side only enqueues; all decoding happens in run().
        try:
            async for event in self.source.events():
                queue.put_nowait(event)
        finally:
            queue.put_nowait(None)

    def _handle(self, event: SourceEvent) -> None:
        t_s = event.t_s - self._origin_s
        self._session_t_s = max(self._session_t_s, t_s)
        self._due_phases()
        if isinstance(event, LinkEvent):
            self._on_link(event)
            return
        self._on_notification(event, t_s)

    def _on_link(self, event: LinkEvent) -> None:
        if event.strap_name is not None or event.body_location is not None:
            self._pending.strap = (event.strap_name, event.body_location)
        if event.link != self._link:
            log.debug("session %s: link %s %s", self.session_id, event.link, event.detail)
        if event.link == "reconnecting":
            self._timeline.mark_gap()
        self._link = event.link
        if event.battery_pct is not None:
            self._battery = event.battery_pct

    def _on_notification(self, event: Notification, t_s: float) -> None:
        try:
            measurement = parse_measurement(event.data)
        except MalformedMeasurement as exc:
            self.stats.frames_malformed += 1
            log.warning("session %s: skipped a malformed frame: %s", self.session_id, exc)
            return
        self.stats.frames_ok += 1
        self._last_frame = event.data
        self._contact = measurement.sensor_contact
        self._bpm = measurement.bpm or None
        if measurement.bpm == 0:
            return  # no reading: whatever RR it carries is not a beat
        placement = self._timeline.place(t_s, measurement.rr_ms)
        if placement.gap is not None:
            self._pending.gaps.append((placement.gap.start_t_s, placement.gap.end_t_s))
        for beat_t, rr in zip(placement.t_s, measurement.rr_ms, strict=True):
            self._pending.beats.append(
                Beat(self._seq, beat_t, rr, measurement.bpm, measurement.sensor_contact)
            )
            self._seq += 1

    def _due_phases(self) -> None:
        while self._scheduled and self._scheduled[0][0] <= self._session_t_s:
            self._pending.phases.append(self._scheduled.pop(0))

    def _flush(self, *, final: bool = False) -> bool:
        """Commit pending beats, markers, live status and heartbeat; True if asked to stop."""
        pending, self._pending = self._pending, _Pending()
        with self.store.write() as conn:
            append_beats(conn, self.session_id, pending.beats)
            for start, end in pending.gaps:
                insert_marker(conn, self.session_id, "gap", "", t_s=start, end_t_s=end)
            for t_s, phase in pending.phases:
                insert_marker(conn, self.session_id, "phase", phase, t_s=t_s)
            address = self.source.address
            if address is not None and (pending.strap is not None or self.stats.commits == 0):
                name, location = pending.strap or (None, None)
                strap_id = upsert_strap(
                    conn, address, name=name, battery_pct=self._battery, body_location=location
                )
                attach_strap(conn, self.session_id, strap_id)
            stop = heartbeat(conn, self.session_id)
            write_live(
                conn,
                self.session_id,
                link="stopped" if final else self._link,
                bpm=self._bpm,
                contact=self._contact,
                battery_pct=self._battery,
                frames_ok=self.stats.frames_ok,
                frames_malformed=self.stats.frames_malformed,
                last_frame=self._last_frame,
            )
            if final:
                # The session ends with its last data; for a fast replay that is not "now".
                ended_at = self._started_at + dt.timedelta(seconds=self._session_t_s)
                finish_session(conn, self.session_id, ended_at=ended_at)
        self.stats.beats += len(pending.beats)
        self.stats.gaps += len(pending.gaps)
        self.stats.commits += 1
        return stop
