"""Recording from a strap through the real bleak path and an emulated BlueZ: every kind of frame,
link loss, a strap that goes silent, a strap left connected, two straps at once.

Each session is compared beat by beat with what the fake strap delivered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from sqlalchemy import select

from hrv_relax.capture.recorder import RecordingResult
from hrv_relax.store import Store, get_session, read_live
from hrv_relax.store.schema import straps
from tests.support.bluez.fixtures import (  # noqa: F401
    fake_bluez_fixture,
    private_bus_daemon_fixture,
    private_bus_fixture,
    wait_until,
)
from tests.support.bluez.frames import MALFORMED, Frame, beat_stream, hr_frame
from tests.support.bluez.peripheral import HEART_RATE_SERVICE, FakeStrap, SentFrame
from tests.support.bluez.recording import (
    FAST,
    Recording,
    delivered_beats,
    gap_count,
    lost_beats,
    start_recording,
    stored_beats,
)
from tests.support.bluez.service import FakeBluez

pytestmark = pytest.mark.bluez

ADDRESS = "A0:9E:1A:00:00:01"
OTHER = "A0:9E:1A:00:00:02"
PERIOD_S = 0.05  # faster than a real strap's ~1 s: the collector does not care, the test does


async def _play_in_background(
    fake_bluez: FakeBluez, store: Store, n_frames: int
) -> tuple[FakeStrap, Recording]:
    strap = fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4")
    rec = start_recording(store, ADDRESS)
    await wait_until(lambda: strap.notifying, 10, "the collector to subscribe")
    strap.play(beat_stream(n_frames), PERIOD_S)
    return strap, rec


async def _frames_sent(strap: FakeStrap, n: int) -> None:
    await wait_until(lambda: len(strap.sent()) >= n, 20, f"{n} frames to be sent")


async def _finish_and_compare(
    strap: FakeStrap, rec: Recording, store: Store, *, gaps: int = 0
) -> tuple[list[SentFrame], RecordingResult]:
    """Let the strap finish, stop recording, and check the session beat by beat."""
    await wait_until(lambda: not strap.playing, 20, "the strap to finish")
    await asyncio.sleep(0.3)  # the recorder's next commit
    result = await rec.stop()
    sent = strap.sent()
    # With gaps the strap really beat on while nobody listened; without, nothing was missed.
    assert bool(lost_beats(sent)) == bool(gaps)
    assert stored_beats(store, rec.session_id) == delivered_beats(sent)
    assert gap_count(store, rec.session_id) == gaps
    return sent, result


def every_kind_of_frame() -> list[Frame]:
    return [
        hr_frame(72, (853,), contact=True),  # one RR, contact supported and detected
        hr_frame(71, tuple(range(860, 869)), contact=True),  # nine RR: a full 20-byte payload
        hr_frame(258, (238,), uint16=True),  # uint16 heart rate, contact not supported
        hr_frame(65, (940, 950), energy_kj=1234, contact=False),  # energy, contact lost
        *MALFORMED[:2],
        hr_frame(0, (), contact=False),  # no reading: not a beat
        hr_frame(0, (977,), contact=False),  # no reading: its RR is not a beat either
        hr_frame(66, (), contact=True),  # heart rate without RR
        hr_frame(67, (990,), contact=True, reserved_bits=0xE0),  # reserved flag bits ignored
        *MALFORMED[2:],
        hr_frame(68, (1001,), contact=True),  # recording goes on after malformed frames
    ]


async def _record_every_kind(fake_bluez: FakeBluez, store: Store) -> None:
    strap = fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4", battery_pct=73, body_location=1)
    rec = start_recording(store, ADDRESS)
    await wait_until(lambda: strap.notifying, 10, "the collector to subscribe")
    frames = every_kind_of_frame()
    strap.play(frames, PERIOD_S)
    sent, result = await _finish_and_compare(strap, rec, store)
    assert len(delivered_beats(sent)) == 1 + 9 + 1 + 2 + 1 + 1
    assert result.stats.frames_malformed == len(MALFORMED)
    assert result.stats.frames_ok == len(frames) - len(MALFORMED)
    assert strap.hr_reads == 0  # 0x2A37 is never read: BlueZ would deliver it twice

    with store.read() as conn:
        row = conn.execute(select(straps).where(straps.c.address == ADDRESS)).one()
    assert (row.name, row.battery_pct, row.body_location) == ("Polar H10 A1B2C3D4", 73, "chest")
    assert get_session(store, rec.session_id).status == "complete"
    live = read_live(store, rec.session_id)
    assert live is not None and live.battery_pct == 73 and live.link == "stopped"
    assert live.frames_malformed == len(MALFORMED)
    # The collector scanned with the heart-rate service filter, applied by BlueZ.
    assert any(HEART_RATE_SERVICE in f.get("UUIDs", []) for f in fake_bluez.discovery_filters)


def test_records_every_kind_of_frame_beat_by_beat(fake_bluez: FakeBluez, store: Store) -> None:
    asyncio.run(_record_every_kind(fake_bluez, store))


async def _link_loss_and_vanishing(fake_bluez: FakeBluez, store: Store) -> list[float]:
    strap, rec = await _play_in_background(fake_bluez, store, 150)
    # 1: the link drops (out of range); the strap advertises again a second later.
    await _frames_sent(strap, 30)
    strap.link_lost(readvertise_after_s=1.0)
    await wait_until(lambda: strap.connects == 2 and strap.notifying, 10, "reconnection 1")
    # 2: BlueZ forgets the strap entirely (long out of range), then it comes back.
    await _frames_sent(strap, len(strap.sent()) + 20)
    strap.forget()
    await asyncio.sleep(1.0)
    strap.reappear()
    await wait_until(lambda: strap.connects == 3 and strap.notifying, 10, "reconnection 2")
    sent, _ = await _finish_and_compare(strap, rec, store, gaps=2)
    assert len(lost_beats(sent)) > 10
    return strap.reconnect_latencies_s()


def test_link_loss_and_reconnect_lose_and_duplicate_no_beats(
    fake_bluez: FakeBluez, store: Store
) -> None:
    latencies = asyncio.run(_link_loss_and_vanishing(fake_bluez, store))
    assert len(latencies) == 2
    # The bound: reconnected within 5 s of the strap advertising again.
    assert max(latencies) < 5.0, latencies
    print(f"reconnect latency after advertising again: {[round(x, 3) for x in latencies]} s")


async def _silent_strap(fake_bluez: FakeBluez, store: Store) -> float:
    strap, rec = await _play_in_background(fake_bluez, store, 120)
    await _frames_sent(strap, 30)
    strap.stall()  # BlueZ still says connected; no disconnect is ever reported
    stalled_at = time.monotonic()
    await wait_until(lambda: strap.connects == 2 and strap.notifying, 10, "the watchdog")
    recovered_s = time.monotonic() - stalled_at
    await _finish_and_compare(strap, rec, store, gaps=1)
    return recovered_s


def test_watchdog_reconnects_a_strap_that_goes_silent_without_disconnecting(
    fake_bluez: FakeBluez, store: Store
) -> None:
    recovered_s = asyncio.run(_silent_strap(fake_bluez, store))
    # Watchdog 1 s (shortened for the test; 5 s by default) plus tear-down and reconnection.
    assert 1.0 <= recovered_s < 3.0, recovered_s
    print(f"silent strap reconnected {recovered_s:.2f} s after it went quiet (watchdog 1 s)")


async def _left_connected(fake_bluez: FakeBluez, store: Store) -> None:
    strap = fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4")
    strap.hold_connection()  # a recorder crashed; BlueZ keeps the link and the strap is silent
    rec = start_recording(store, ADDRESS)
    await wait_until(lambda: strap.notifying, 10, "the collector to take the link over")
    strap.play(beat_stream(20), PERIOD_S)
    await wait_until(lambda: not strap.playing, 10, "the strap to finish")
    await asyncio.sleep(0.3)
    await rec.stop()
    assert strap.connects == 1  # taken over, not reconnected
    assert stored_beats(store, rec.session_id) == delivered_beats(strap.sent())


def test_takes_over_a_strap_left_connected_by_a_crashed_recorder(
    fake_bluez: FakeBluez, store: Store
) -> None:
    asyncio.run(_left_connected(fake_bluez, store))


async def _two_straps(fake_bluez: FakeBluez, store: Store) -> None:
    room1 = fake_bluez.add_strap(ADDRESS, "Polar H10 ROOM1")
    room2 = fake_bluez.add_strap(OTHER, "Garmin HRM-Dual ROOM2", battery_pct=40)
    rec1 = start_recording(store, ADDRESS, client="Client One")
    rec2 = start_recording(store, OTHER, client="Client Two")
    await wait_until(lambda: room1.notifying and room2.notifying, 10, "both straps")
    room1.play(beat_stream(80, start_raw=700), PERIOD_S)
    room2.play(beat_stream(80, start_raw=1000, seed=4), PERIOD_S)
    await _frames_sent(room1, 40)
    await rec1.stop()  # room 1's session ends; room 2 records on
    await wait_until(lambda: not room1.connected, 5, "room 1's strap to be released")
    assert room2.connected
    await wait_until(lambda: not room2.playing, 10, "room 2's strap to finish")
    await asyncio.sleep(0.3)
    await rec2.stop()

    sent1, sent2 = room1.sent(), room2.sent()
    assert stored_beats(store, rec1.session_id) == delivered_beats(sent1)
    assert lost_beats(sent1)  # sent after room 1 stopped recording
    assert stored_beats(store, rec2.session_id) == delivered_beats(sent2)
    assert all(s.delivered for s in sent2)
    live1, live2 = read_live(store, rec1.session_id), read_live(store, rec2.session_id)
    assert live1 is not None and live2 is not None and live2.battery_pct == 40


def test_two_straps_record_at_once_and_stop_independently(
    fake_bluez: FakeBluez, store: Store
) -> None:
    asyncio.run(_two_straps(fake_bluez, store))


async def _bluetooth_off_and_on(fake_bluez: FakeBluez, store: Store) -> None:
    strap, rec = await _play_in_background(fake_bluez, store, 100)
    await _frames_sent(strap, 25)
    fake_bluez.set_powered(False)  # the therapist's laptop toggles Bluetooth off...
    await asyncio.sleep(1.0)
    fake_bluez.set_powered(True)  # ...and on again: the session goes on by itself
    await wait_until(lambda: strap.connects == 2 and strap.notifying, 10, "reconnection")
    await _finish_and_compare(strap, rec, store, gaps=1)


def test_bluetooth_switched_off_and_on_mid_session_resumes_recording(
    fake_bluez: FakeBluez, store: Store
) -> None:
    asyncio.run(_bluetooth_off_and_on(fake_bluez, store))


async def _battery_drains(fake_bluez: FakeBluez, store: Store) -> None:
    strap = fake_bluez.add_strap(ADDRESS, "Polar H10 A1B2C3D4", battery_pct=80)
    rec = start_recording(store, ADDRESS, timing=dataclasses.replace(FAST, battery_poll_s=0.5))
    await wait_until(lambda: strap.notifying, 10, "the collector to subscribe")
    strap.play(beat_stream(40), PERIOD_S)
    strap.set_battery(79)
    await wait_until(
        lambda: getattr(read_live(store, rec.session_id), "battery_pct", None) == 79,
        5,
        "the new battery level in the live status",
    )
    await _finish_and_compare(strap, rec, store)


def test_battery_is_read_again_while_recording(fake_bluez: FakeBluez, store: Store) -> None:
    asyncio.run(_battery_drains(fake_bluez, store))
