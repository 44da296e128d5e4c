"""Run one session: events from a source -> decoded beats -> the store, crash-safe.

The recorder commits at least every `flush_interval_s` (default 0.5 s), so a killed process loses at
most that much, and writes a heartbeat with every commit so readers can tell a dead recorder's
session (see hrv_relax.store.sessions.STALE_HEARTBEAT_S). A malformed frame is counted, logged and
skipped; it never stops a recording. While the database is unreachable, commits go to a local
journal (hrv_relax.capture.journal) and reach the database, in order and once, when it is back. A
database that refuses writes (disk full, read-only file) stops the recording with a clear error.
Recorders of one SQLite file that commit at the same moment share one transaction
(hrv_relax.capture.group_commit).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from hrv_relax.capture.beat_timing import BeatTimeline
from hrv_relax.capture.commit import LiveUpdate, RecorderCommit, StrapSeen
from hrv_relax.capture.group_commit import GroupCommitter
from hrv_relax.capture.journal import Batch, Journal, flush_leftovers
from hrv_relax.capture.sources import BeatSource, LinkEvent, Notification, SourceEvent
from hrv_relax.config import buffer_dir
from hrv_relax.errors import MalformedMeasurement, StoreError, StoreUnavailableError
from hrv_relax.heart_rate import parse_measurement
from hrv_relax.store import Beat, Store
from hrv_relax.store import next_seq as store_next_seq
from hrv_relax.store.sessions import claim_strap, session_started_at

log = logging.getLogger(__name__)

FLUSH_INTERVAL_S = 0.5  # real time between commits: bounds what a killed recorder loses
MAX_PENDING_BEATS = 2000  # commit early when replaying fast
DURATION_GRACE_S = 2.0  # see Recorder._duration_reached
# While the database is unreachable: first retry after 1 s, then doubling up to 8 s, so a
# restarted server is written to within seconds without hammering a dead network.
RETRY_MIN_S = 1.0
RETRY_MAX_S = 8.0
FINAL_WAIT_S = 15.0  # at the end, how long to keep trying before leaving beats in the journal


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
    journaled_beats: int = 0  # left in the local journal: the database was unreachable at the end
    kept: str = ""  # where they are, for a person (Journal.where_kept: on disk or memory only)


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
        journal_dir: Path | None = None,
        final_wait_s: float = FINAL_WAIT_S,
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
        self._journal_dir = journal_dir
        self._journal: Journal | None = None
        self._final_wait_s = final_wait_s
        self._retry_s = 0.0
        self._retry_at = 0.0
        self._strap_update: tuple[str | None, str | None] | None = None
        self._committer: GroupCommitter | None = None

    def stop(self, reason: str = "signal") -> None:
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stopped.set()

    async def run(self, duration_s: float | None = None) -> RecordingResult:
        with self.store.write() as conn:
            self._seq = store_next_seq(conn, self.session_id)
            self._started_at = session_started_at(conn, self.session_id)
            if self.source.address is not None:
                claim_strap(conn, self.session_id, self.source.address)
        root = self._journal_dir or buffer_dir()
        flush_leftovers(self.store, root)
        journal = self._journal = Journal(root, self.store.url, self.session_id)
        committer = self._committer = GroupCommitter(self.store)
        self._origin_s = self.source.now()
        queue: asyncio.Queue[SourceEvent | None] = asyncio.Queue()
        pump = asyncio.create_task(self._pump(queue))
        last_flush = time.monotonic()
        failed = False
        source_error: BaseException | None = None
        try:
            while not self._stopped.is_set():
                timeout = self._flush_interval_s - (time.monotonic() - last_flush)
                event = await _next_event(queue, timeout)
                if event is None:
                    self.stop("source ended")
                elif event is not _NO_EVENT:
                    self._handle(event)
                if duration_s is not None and self._duration_reached(duration_s):
                    self.stop("duration")
                due = time.monotonic() - last_flush >= self._flush_interval_s
                if due or len(self._pending.beats) >= MAX_PENDING_BEATS:
                    if self._flush():
                        self.stop("stop request")
                    last_flush = time.monotonic()
        except StoreError as exc:
            failed = True
            journal.append(self._take_batch(final=False))
            raise StoreError(
                f"session {self.session_id} stopped: {exc}"
                + (f" ({journal.where_kept()})" if journal.pending else "")
            ) from exc
        finally:
            source_error = await self._stop_source(pump)
            try:
                if not failed:
                    # The session ends properly even when the strap failed: its beats are kept.
                    await self._final_flush()
            finally:
                journal.close()
                committer.close()
        if source_error is not None:
            raise source_error
        return RecordingResult(
            self.session_id,
            self.stats,
            self._stop_reason or "signal",
            journal.pending_beats,
            journal.where_kept() if journal.pending else "",
        )

    def _duration_reached(self, duration_s: float) -> bool:
        """After the first notification at or past the duration, or by the source's clock.

        The clock check ends a session whose strap fell silent; its grace lets a notification
        due at the duration arrive first (a fast replay's clock runs ahead of its queue).
        """
        if self._session_t_s >= duration_s:
            return True
        return self.source.now() - self._origin_s >= duration_s + DURATION_GRACE_S

    async def _stop_source(self, pump: asyncio.Task[None]) -> BaseException | None:
        """Close the source and its pump; return the error that ended the source, if any."""
        error: BaseException | None = None
        try:
            await self.source.close()
        except Exception as exc:
            error = exc
        pump.cancel()
        try:
            await pump
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            error = error or exc
        if error is not None:
            log.warning("session %s: the strap stopped: %s", self.session_id, error)
        return error

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

    def _take_batch(self, *, final: bool) -> Batch:
        pending, self._pending = self._pending, _Pending()
        if pending.strap is not None:
            self._strap_update = pending.strap  # kept until a commit gets through
        # The session ends with its last data; for a fast replay that is not "now".
        ended_at = self._started_at + dt.timedelta(seconds=self._session_t_s)
        return Batch(
            self.session_id,
            tuple(pending.beats),
            tuple(pending.gaps),
            tuple(pending.phases),
            ended_at if final else None,
        )

    def _flush(self, *, final: bool = False) -> bool:
        """Commit pending beats, markers, live status and heartbeat; True if asked to stop.

        Journaled batches go first, in order. If the database is unreachable the batch joins
        the journal and False is returned; any other store error is raised (the batch kept).
        """
        return self._deliver(self._take_batch(final=final), final=final)

    def _deliver(self, batch: Batch | None, *, final: bool) -> bool:
        assert self._journal is not None
        journal = self._journal
        if batch is not None and journal.pending:
            journal.append(batch)  # behind the batches still waiting: order is kept
            batch = None
        if journal.pending and not final and time.monotonic() < self._retry_at:
            return False
        # Journaled batches may have landed in a commit whose confirmation was lost: replay.
        replay = bool(journal.pending)
        try:
            stop = self._commit(
                journal.pending if replay else [batch] if batch else [], final=final, replay=replay
            )
        except StoreError as exc:
            if batch is not None:
                journal.append(batch)
            if not isinstance(exc, StoreUnavailableError):
                raise
            self._retry_s = min(max(2 * self._retry_s, RETRY_MIN_S), RETRY_MAX_S)
            self._retry_at = time.monotonic() + self._retry_s
            log.warning(
                "session %s: %s; %s, next try in %.0f s",
                self.session_id,
                exc,
                journal.where_kept(),
                self._retry_s,
            )
            return False
        if journal.pending:
            # As loud as the "unreachable" warning it answers: whoever saw that sees this.
            log.warning(
                "session %s: database back, wrote %d journaled beats",
                self.session_id,
                journal.pending_beats,
            )
            journal.clear()
        self._retry_s = 0.0
        return stop

    async def _final_flush(self) -> None:
        """The last commit; while the database is unreachable, retry for `final_wait_s`."""
        assert self._journal is not None
        self._flush(final=True)
        deadline = time.monotonic() + self._final_wait_s
        while self._journal.pending and time.monotonic() < deadline:
            await asyncio.sleep(max(0.0, min(self._retry_at, deadline) - time.monotonic()))
            self._deliver(None, final=True)

    def _commit(self, batches: Sequence[Batch], *, final: bool, replay: bool) -> bool:
        """Write `batches`, the strap, live status and heartbeat in one transaction."""
        assert self._committer is not None
        address = self.source.address
        strap = None
        if address is not None and (self._strap_update is not None or self.stats.commits == 0):
            name, location = self._strap_update or (None, None)
            strap = StrapSeen(address, name, location, self._battery)
        live = LiveUpdate(
            link="stopped" if final else self._link,
            bpm=self._bpm,
            contact=self._contact,
            battery_pct=self._battery,
            frames_ok=self.stats.frames_ok,
            frames_malformed=self.stats.frames_malformed,
            last_frame=self._last_frame,
        )
        stop = self._committer.commit(
            RecorderCommit(self.session_id, tuple(batches), live, strap, replay)
        )
        self._strap_update = None
        self.stats.beats += sum(len(b.beats) for b in batches)
        self.stats.gaps += sum(len(b.gaps) for b in batches)
        self.stats.commits += 1
        return stop


# A marker for "no event before the flush was due" (None already means "the source ended").
_NO_EVENT: Final = LinkEvent(0.0, "none")
MIN_WAIT_S = 0.001  # asyncio.wait_for with timeout 0 cancels the read before it can succeed


async def _next_event(
    queue: asyncio.Queue[SourceEvent | None], timeout_s: float
) -> SourceEvent | None:
    """The next event, or _NO_EVENT if none arrives within `timeout_s`."""
    if not queue.empty():
        return queue.get_nowait()
    try:
        return await asyncio.wait_for(queue.get(), timeout=max(timeout_s, MIN_WAIT_S))
    except TimeoutError:
        return _NO_EVENT
