"""Recording through the emulator with the project's real Recorder and store, and comparing the
result beat by beat with what the fake strap delivered.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import select

from hrv_relax.capture.ble import BleStrap, LinkTiming
from hrv_relax.capture.recorder import Recorder, RecordingResult
from hrv_relax.store import Store, create_session, get_or_add_client, list_markers
from hrv_relax.store.schema import beats

from .peripheral import SentFrame

# Timings shortened through the collector's own parameters so a test takes seconds, not minutes.
FAST = LinkTiming(
    scan_round_s=2.0,
    connect_timeout_s=5.0,
    watchdog_s=1.0,
    backoff_s=(0.1, 0.2),
    disconnect_timeout_s=2.0,
)

BeatRow = tuple[float, int | None, bool | None]  # rr_ms, bpm, contact


def delivered_beats(sent: list[SentFrame]) -> list[BeatRow]:
    """Every beat in the frames the strap delivered, in order: what must be recorded."""
    return [beat for s in sent if s.delivered for beat in s.frame.expected_beats()]


def lost_beats(sent: list[SentFrame]) -> list[BeatRow]:
    return [beat for s in sent if not s.delivered for beat in s.frame.expected_beats()]


def stored_beats(store: Store, session_id: int) -> list[BeatRow]:
    with store.read() as conn:
        rows = conn.execute(
            select(beats.c.rr_ms, beats.c.bpm, beats.c.contact)
            .where(beats.c.session_id == session_id)
            .order_by(beats.c.seq)
        ).all()
    return [(r.rr_ms, r.bpm, r.contact) for r in rows]


def gap_count(store: Store, session_id: int) -> int:
    return sum(1 for m in list_markers(store, session_id) if m.kind == "gap")


@dataclass
class Recording:
    """A Recorder running on the test's loop against a real BleStrap."""

    session_id: int
    recorder: Recorder
    task: asyncio.Task[RecordingResult]

    async def stop(self) -> RecordingResult:
        self.recorder.stop("test")
        return await asyncio.wait_for(self.task, timeout=15)


def start_recording(
    store: Store, address: str, *, client: str = "Test Client", timing: LinkTiming = FAST
) -> Recording:
    client_id = get_or_add_client(store, client).id
    session_id = create_session(store, client_id, source="ble")
    recorder = Recorder(store, session_id, BleStrap(address, timing=timing))
    return Recording(session_id, recorder, asyncio.create_task(recorder.run()))
