"""Recording from a strap through the real bleak path and an emulated BlueZ: every kind of frame,
link loss, a strap that goes silent, a strap left connected, two straps at once.

Each session is compared beat by beat with what the fake strap delivered.
"""

from __future__ import annotations

import asyncio

import pytest
from bluez.fixtures import fake_bluez_fixture, private_bus_fixture, wait_until  # noqa: F401
from bluez.frames import MALFORMED, Frame, hr_frame
from bluez.peripheral import HEART_RATE_SERVICE
from bluez.recording import (
    delivered_beats,
    start_recording,
    stored_beats,
)
from bluez.service import FakeBluez
from sqlalchemy import select

from hrv_relax.store import Store, get_session, read_live
from hrv_relax.store.schema import straps

pytestmark = pytest.mark.bluez

ADDRESS = "A0:9E:1A:00:00:01"
OTHER = "A0:9E:1A:00:00:02"
PERIOD_S = 0.05  # faster than a real strap's ~1 s: the collector does not care, the test does


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
    await wait_until(lambda: not strap.playing, 10, "the strap to send every frame")
    await asyncio.sleep(0.3)
    result = await rec.stop()

    sent = strap.sent()
    assert all(s.delivered for s in sent)
    assert stored_beats(store, rec.session_id) == delivered_beats(sent)
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
