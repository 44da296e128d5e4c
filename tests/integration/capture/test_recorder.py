"""The recorder: source -> store, markers while recording, malformed frames, crash safety."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from hrv_relax.capture.recorder import Recorder
from hrv_relax.capture.simulator import (
    ClientProfile,
    SessionPlan,
    SimulatedStrap,
    frames_for,
    simulate_beats,
)
from hrv_relax.capture.sources import LinkEvent, Notification, SourceEvent
from hrv_relax.errors import HrvRelaxError
from hrv_relax.heart_rate import encode_measurement, parse_measurement
from hrv_relax.store import (
    Store,
    add_client,
    add_marker,
    create_session,
    finish_session,
    get_session,
    heartbeat,
    list_markers,
    list_sessions,
    load_beats,
    open_store,
    read_live,
    request_stop,
    sweep_interrupted,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.schema import sessions


class ScriptedStrap:
    """A source that plays a fixed list of events on a virtual clock."""

    def __init__(self, events: list[SourceEvent]) -> None:
        self._events = events
        self._now = 0.0

    @property
    def kind(self) -> str:
        return "ble"

    @property
    def address(self) -> str | None:
        return "AA:BB:CC:DD:EE:FF"

    def now(self) -> float:
        return self._now

    async def events(self) -> AsyncIterator[SourceEvent]:
        for event in self._events:
            self._now = event.t_s
            await asyncio.sleep(0)
            yield event

    async def close(self) -> None:
        return None


def _record(store: Store, source: object, **kwargs: object) -> int:
    sid = create_session(store, add_client(store, "Test Client").id, source="simulated")
    recorder = Recorder(store, sid, source, **kwargs)  # type: ignore[arg-type]
    asyncio.run(recorder.run())
    return sid


def test_fast_simulated_session_stores_every_beat_the_strap_sent(store: Store) -> None:
    plan = SessionPlan(baseline_s=60, massage_s=240, recovery_s=60)
    profile = ClientProfile(contact_losses_per_hour=10)
    strap = SimulatedStrap(seed=9, plan=plan, profile=profile, realtime=False)
    sid = _record(store, strap, scheduled_phases=plan.phase_starts())
    beats, losses = simulate_beats(plan, profile, seed=9)
    sent = [rr for f in frames_for(beats, losses, 9) for rr in parse_measurement(f.data).rr_ms]
    stored = load_beats(store, sid)
    assert stored.rr_ms.tolist() == sent  # exactly once, exactly as sent, in order
    assert np.all(np.diff(stored.t_s) > 0)
    # Beat times follow the simulated truth to within the notification period.
    true_t = np.array([b.t_s for b in beats])
    true_rr = np.array([b.rr_ms for b in beats])
    lag = [
        np.min(np.abs(true_t[true_rr == rr] - t))
        for rr, t in zip(stored.rr_ms, stored.t_s, strict=True)
    ]
    assert max(lag) < 1.2
    session = get_session(store, sid)
    assert session.status == "complete"
    assert session.duration_s == pytest.approx(plan.total_s, abs=3)
    markers = list_markers(store, sid)
    assert [m.value for m in markers if m.kind == "phase"] == ["baseline", "massage", "recovery"]
    assert len([m for m in markers if m.kind == "gap"]) >= len(losses) - 1


def test_malformed_frames_are_counted_and_skipped(store: Store) -> None:
    good = encode_measurement(70, sensor_contact=True, rr_ms=[850.0])
    events: list[SourceEvent] = [
        LinkEvent(0.0, "connected", battery_pct=64, strap_name="Polar H10")
    ]
    for i in range(1, 11):
        events.append(Notification(i * 0.85, good))
        if i % 3 == 0:
            events.append(Notification(i * 0.85 + 0.01, bytes.fromhex("10 48 38")))
    events.append(Notification(9.5, b""))
    sid = _record(store, ScriptedStrap(events))
    assert len(load_beats(store, sid)) == 10
    live = read_live(store, sid)
    assert live is not None
    assert (live.frames_ok, live.frames_malformed, live.battery_pct) == (10, 4, 64)


def test_zero_bpm_frames_are_not_beats(store: Store) -> None:
    events: list[SourceEvent] = [
        Notification(1.0, encode_measurement(72, rr_ms=[830.0])),
        Notification(2.0, encode_measurement(0, sensor_contact=False, rr_ms=[830.0])),
        Notification(3.0, encode_measurement(72, rr_ms=[830.0])),
    ]
    sid = _record(store, ScriptedStrap(events))
    assert len(load_beats(store, sid)) == 2


def test_reconnect_is_recorded_as_a_gap_without_fake_beats(store: Store) -> None:
    frame = encode_measurement(75, rr_ms=[800.0])
    events: list[SourceEvent] = [Notification(0.8 * i, frame) for i in range(1, 6)]
    events.append(LinkEvent(4.5, "reconnecting"))
    events += [Notification(10.0 + 0.8 * i, frame) for i in range(5)]
    sid = _record(store, ScriptedStrap(events))
    beats = load_beats(store, sid)
    assert len(beats) == 10
    gaps = [m for m in list_markers(store, sid) if m.kind == "gap"]
    assert len(gaps) == 1
    # 800 ms is sent as 819/1024 s, hence the tolerance.
    assert gaps[0].t_s == pytest.approx(4.0, abs=0.01)
    assert gaps[0].end_t_s == pytest.approx(9.2, abs=0.01)


def test_markers_added_while_recording_and_stop_request_end_the_session(store: Store) -> None:
    strap = SimulatedStrap(seed=1, plan=SessionPlan(60, 60, 60), realtime=True)
    sid = create_session(store, add_client(store, "Live Client").id, source="simulated")
    recorder = Recorder(store, sid, strap, flush_interval_s=0.2)

    async def scenario() -> str:
        task = asyncio.create_task(recorder.run())
        await asyncio.sleep(1.5)
        add_marker(store, sid, "phase", "massage")
        add_marker(store, sid, "note", "client is chatting")
        request_stop(store, sid)
        result = await asyncio.wait_for(task, timeout=5)
        return result.stopped_by

    assert asyncio.run(scenario()) == "stop request"
    assert get_session(store, sid).status == "complete"
    assert {m.value for m in list_markers(store, sid)} >= {"massage", "client is chatting"}


def test_killed_recorder_keeps_its_beats_and_its_session_shows_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "kill.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hrv_relax",
            "--db",
            str(db),
            "record",
            "--simulate",
            "--seed",
            "7",
            "--client",
            "Kai",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    sid = int(proc.stdout.readline())
    store = open_store(db)
    deadline = time.monotonic() + 30
    while len(load_beats(store, sid)) < 8 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2.0)
    started = get_session(store, sid).started_at
    os.kill(proc.pid, signal.SIGKILL)
    killed_at_s = (utcnow() - started).total_seconds()
    proc.wait()

    kept = load_beats(store, sid)
    # Everything up to about a second before the kill is on disk.
    assert kept.t_s[-1] > killed_at_s - 1.6
    # ...and it is exactly what the simulated strap sent, in order.
    strap = SimulatedStrap(seed=7)
    beats, losses = simulate_beats(strap.plan, strap.profile, seed=7)
    sent = [rr for f in frames_for(beats, losses, 7) for rr in parse_measurement(f.data).rr_ms]
    assert kept.rr_ms.tolist() == sent[: len(kept)]

    assert get_session(store, sid).status == "recording"  # too soon to tell
    assert sweep_interrupted(store, now=utcnow() + dt.timedelta(seconds=15)) == 1
    session = next(s for s in list_sessions(store) if s.id == sid)
    assert session.status == "interrupted" and session.n_beats == len(kept)


class FailingStrap(ScriptedStrap):
    """Sends its events, then fails as a strap whose adapter vanished."""

    async def events(self) -> AsyncIterator[SourceEvent]:
        async for event in super().events():
            yield event
        raise HrvRelaxError("Bluetooth adapter disappeared")


def test_a_failing_strap_ends_the_session_with_its_beats_and_says_why(store: Store) -> None:
    frame = encode_measurement(75, rr_ms=[800.0])
    strap = FailingStrap([Notification(0.8 * i, frame) for i in range(1, 6)])
    sid = create_session(store, add_client(store, "Failing").id, source="ble")
    with pytest.raises(HrvRelaxError, match="adapter disappeared"):
        asyncio.run(Recorder(store, sid, strap).run())
    assert len(load_beats(store, sid)) == 5
    assert get_session(store, sid).status == "complete"


def test_a_zero_flush_interval_still_records(store: Store) -> None:
    frame = encode_measurement(75, rr_ms=[800.0])
    strap = ScriptedStrap([Notification(0.8 * i, frame) for i in range(1, 30)])
    sid = create_session(store, add_client(store, "Eager").id, source="ble")
    result = asyncio.run(
        asyncio.wait_for(Recorder(store, sid, strap, flush_interval_s=0.0).run(), timeout=20)
    )
    assert result.stats.beats == 29


def test_a_session_taken_over_by_another_recorder_stays_interrupted(store: Store) -> None:
    client = add_client(store, "Taken").id
    old = create_session(store, client, source="ble", strap_address="AA:BB")
    with store.write() as conn:  # its recorder stalled past the heartbeat limit
        conn.execute(
            sessions.update()
            .where(sessions.c.id == old)
            .values(heartbeat_at=utcnow() - dt.timedelta(seconds=60))
        )
    new = create_session(store, client, source="ble", strap_address="AA:BB")
    with store.write() as conn:  # the stalled recorder's delayed commit arrives
        assert heartbeat(conn, old) is True  # told to stop
        finish_session(conn, old)
    assert get_session(store, old).status == "interrupted"
    assert get_session(store, new).status == "recording"


def test_reading_sessions_does_not_write_when_nothing_is_stale(store: Store, db_path: Path) -> None:
    sid = create_session(store, add_client(store, "Reader").id, source="simulated")
    # A read-only connection fails on any write: listing sessions must not need one.
    read_only = open_store(f"sqlite:///file:{db_path}?mode=ro&uri=true", migrate=False)
    assert sweep_interrupted(read_only) == 0
    assert [s.id for s in list_sessions(read_only)] == [sid]
    read_only.close()
