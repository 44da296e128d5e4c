"""Scanning for straps, and Bluetooth being unusable, through the real bleak path and an emulated
BlueZ.
"""

from __future__ import annotations

import asyncio

import pytest

from hrv_relax.capture.ble import BleStrap, BluetoothUnavailable, FoundStrap, scan
from tests.support.bluez.bus import PrivateSystemBus
from tests.support.bluez.fixtures import (  # noqa: F401
    fake_bluez_fixture,
    private_bus_daemon_fixture,
    private_bus_fixture,
)
from tests.support.bluez.peripheral import HEART_RATE_SERVICE, uuid16
from tests.support.bluez.service import FakeBluez

pytestmark = pytest.mark.bluez

H10 = "A0:9E:1A:00:00:01"
HRM = "C4:00:00:00:00:02"
THERMOMETER = "D0:00:00:00:00:03"


def test_scan_lists_heart_rate_straps_only(fake_bluez: FakeBluez) -> None:
    fake_bluez.add_strap(H10, "Polar H10 A1B2C3D4", rssi_dbm=-55)
    fake_bluez.add_strap(HRM, "HRM-Dual:123456", rssi_dbm=-80)
    fake_bluez.add_strap(
        THERMOMETER, "Thermo", advertised_uuids=(uuid16(0x1809),), heart_rate=False
    )
    straps = asyncio.run(scan(timeout_s=0.6))

    assert [s.address for s in straps] == [H10, HRM]  # strongest first, no thermometer
    near = straps[0]
    assert near.name == "Polar H10 A1B2C3D4" and not near.connected_here
    assert near.rssi_dbm is not None and -60 <= near.rssi_dbm <= -50
    assert near.to_json() == {
        "address": H10,
        "name": "Polar H10 A1B2C3D4",
        "rssi": near.rssi_dbm,
        "busy": False,
        "status": "advertising",
    }
    assert near.describe().startswith(f"{H10}  Polar H10 A1B2C3D4")
    assert "dBm" in near.describe()
    # The filter was BlueZ's (SetDiscoveryFilter), not only a check in our code.
    assert fake_bluez.discovery_filters[0]["UUIDs"] == [HEART_RATE_SERVICE]
    assert not fake_bluez.discovering  # the scan stopped discovery when done


def test_scan_marks_a_strap_already_connected_to_this_computer_as_busy(
    fake_bluez: FakeBluez,
) -> None:
    fake_bluez.add_strap(H10, "Polar H10 A1B2C3D4").hold_connection()
    straps = asyncio.run(scan(timeout_s=0.3))
    assert straps == [FoundStrap(H10, "Polar H10 A1B2C3D4", None, connected_here=True)]
    assert straps[0].to_json()["busy"] is True
    assert "busy" in straps[0].describe()


async def _first_event(strap: BleStrap) -> object:
    try:
        async for event in strap.events():
            return event
    finally:
        await strap.close()
    return None


def test_bluetooth_turned_off_is_one_clear_error(fake_bluez: FakeBluez) -> None:
    fake_bluez.add_strap(H10, "Polar H10 A1B2C3D4")
    fake_bluez.set_powered(False)
    with pytest.raises(BluetoothUnavailable, match="Bluetooth is turned off: turn it on"):
        asyncio.run(scan(timeout_s=0.3))
    with pytest.raises(BluetoothUnavailable, match="Bluetooth is turned off"):
        asyncio.run(_first_event(BleStrap(H10)))


def test_bluez_not_running_is_one_clear_error(private_bus: PrivateSystemBus) -> None:
    private_bus.assert_in_use()  # a bus without org.bluez on it: bluetoothd is not running
    with pytest.raises(BluetoothUnavailable, match="BlueZ\\) is not running"):
        asyncio.run(scan(timeout_s=0.3))
