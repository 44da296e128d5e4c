"""GATT facts a heart-rate strap offers (Bluetooth SIG assigned numbers), and the small values it
is read for. Pure: no bleak here.
"""

from __future__ import annotations


def _sig_uuid(short: int) -> str:
    # 16-bit SIG numbers live in the Bluetooth base UUID, which is how bleak names them.
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


HEART_RATE_SERVICE = _sig_uuid(0x180D)
HEART_RATE_MEASUREMENT = _sig_uuid(0x2A37)  # notify only: never read it (BlueZ would duplicate)
BODY_SENSOR_LOCATION = _sig_uuid(0x2A38)
BATTERY_SERVICE = _sig_uuid(0x180F)
BATTERY_LEVEL = _sig_uuid(0x2A19)

# Body Sensor Location values (Heart Rate Service 1.0, section 3.2).
BODY_LOCATIONS = ("other", "chest", "wrist", "finger", "hand", "ear lobe", "foot")
MAX_BATTERY_PCT = 100


def body_location(value: bytes) -> str | None:
    """Name the Body Sensor Location byte; None when the value is missing or unknown."""
    if len(value) != 1 or value[0] >= len(BODY_LOCATIONS):
        return None
    return BODY_LOCATIONS[value[0]]


def battery_pct(value: bytes) -> int | None:
    """The Battery Level percentage; None when the strap sends something that is not one."""
    if len(value) != 1 or value[0] > MAX_BATTERY_PCT:
        return None
    return value[0]
