"""Find heart-rate straps: advertising ones (service 0x180D filter) and ones this computer is
already connected to, which do not advertise (most straps stop while connected).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bleak import BleakAdapter, BleakScanner
from bleak.backends.device import BLEDevice

from hrv_relax.capture.ble.adapter import bluetooth_errors
from hrv_relax.capture.ble.gatt import HEART_RATE_SERVICE

log = logging.getLogger(__name__)

DEFAULT_SCAN_S = 5.0


@dataclass(frozen=True, slots=True)
class FoundStrap:
    """A strap seen by `scan`."""

    address: str  # a MAC address; on macOS a per-computer UUID, which is what --device takes
    name: str | None
    rssi_dbm: int | None  # None when it was not advertising (connected to this computer)
    connected_here: bool  # busy: held by another recording or app on this computer

    def to_json(self) -> dict[str, object]:
        return {
            "address": self.address,
            "name": self.name,
            "rssi": self.rssi_dbm,
            "busy": self.connected_here,
            "status": "connected to this computer" if self.connected_here else "advertising",
        }

    def describe(self) -> str:
        name = self.name or "(no name)"
        if self.connected_here:
            where = "busy: connected to this computer (another recording or app)"
        else:
            where = f"{self.rssi_dbm} dBm" if self.rssi_dbm is not None else "in range"
        return f"{self.address}  {name:<24}  {where}"


async def scan(timeout_s: float = DEFAULT_SCAN_S) -> list[FoundStrap]:
    """Heart-rate straps in range, strongest signal first, then busy ones."""
    with bluetooth_errors():
        seen = await BleakScanner.discover(
            timeout=timeout_s, return_adv=True, service_uuids=[HEART_RATE_SERVICE]
        )
        connected = await connected_straps()
    found: dict[str, FoundStrap] = {}
    for device, adv in seen.values():
        found[device.address] = FoundStrap(
            device.address, adv.local_name or device.name, adv.rssi, connected_here=False
        )
    for device in connected:
        rssi = found[device.address].rssi_dbm if device.address in found else None
        found[device.address] = FoundStrap(device.address, device.name, rssi, connected_here=True)
    return sorted(found.values(), key=_strongest_first)


def _strongest_first(strap: FoundStrap) -> tuple[bool, int]:
    return (strap.connected_here, -(strap.rssi_dbm if strap.rssi_dbm is not None else -999))


async def connected_straps() -> list[BLEDevice]:
    """Heart-rate straps the OS holds a connection to (they do not advertise meanwhile)."""
    try:
        adapter = await BleakAdapter.get()
        return await adapter.get_connected_devices([HEART_RATE_SERVICE])
    except NotImplementedError:  # a platform backend without the query (bleak < 3.1 style)
        return []


async def find_strap(address: str, timeout_s: float) -> BLEDevice | None:
    """The strap with this address: already connected here, or advertising within `timeout_s`."""
    wanted = address.upper()
    for device in await connected_straps():
        if device.address.upper() == wanted:
            log.info("%s is already connected to this computer: taking it over", address)
            return device
    return await BleakScanner.find_device_by_filter(
        lambda device, _adv: device.address.upper() == wanted,
        timeout=timeout_s,
        service_uuids=[HEART_RATE_SERVICE],
    )
