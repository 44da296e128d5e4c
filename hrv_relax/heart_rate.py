"""GATT Heart Rate Measurement (characteristic 0x2A37): parse; encode for the simulator and tests.

Layout (Bluetooth SIG Heart Rate Service 1.0, little-endian): flags (uint8), heart rate (uint8 or
uint16), optional Energy Expended (uint16, kJ), optional RR intervals (uint16 each, 1/1024 s,
oldest first, as many as the remaining bytes hold).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

from hrv_relax.errors import MalformedMeasurement

# Flag bits of the first byte (Heart Rate Service spec, section 3.1.1.1).
FLAG_HR_UINT16 = 0x01
FLAG_CONTACT_DETECTED = 0x02
FLAG_CONTACT_SUPPORTED = 0x04
FLAG_ENERGY_PRESENT = 0x08
FLAG_RR_PRESENT = 0x10

RR_UNITS_PER_SECOND = 1024  # RR resolution is 1/1024 s
MAX_UINT16 = 0xFFFF
MAX_UINT8 = 0xFF


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    """One decoded 0x2A37 notification.

    `bpm` 0 means the strap has no reading (no contact, no clean signal): it is not a beat.
    `sensor_contact` is None when the strap does not report contact (flag bits 2..1 = 0x or 01).
    `rr_ms` holds the RR intervals in arrival order (oldest first), exact: raw * 1000 / 1024.
    """

    bpm: int
    sensor_contact: bool | None = None
    energy_kj: int | None = None
    rr_ms: tuple[float, ...] = ()


def rr_raw_to_ms(raw: int) -> float:
    """Convert an RR count in 1/1024 s to milliseconds (exact in binary floating point)."""
    return raw * 1000.0 / RR_UNITS_PER_SECOND


def rr_ms_to_raw(rr_ms: float) -> int:
    """Convert milliseconds to the nearest RR count in 1/1024 s."""
    return round(rr_ms * RR_UNITS_PER_SECOND / 1000.0)


def parse_measurement(data: bytes | bytearray | memoryview) -> HeartRateMeasurement:
    """Decode one Heart Rate Measurement notification; raise MalformedMeasurement if malformed."""
    frame = bytes(data)
    if not frame:
        raise MalformedMeasurement("empty heart rate frame: expected at least flags and heart rate")
    flags = frame[0]
    hr_size = 2 if flags & FLAG_HR_UINT16 else 1
    offset = 1
    if len(frame) < offset + hr_size:
        width = "uint16" if hr_size == 2 else "uint8"
        raise MalformedMeasurement(
            f"heart rate frame too short: flags 0x{flags:02x} announce a {width} heart rate "
            f"but the frame has {len(frame)} byte(s)"
        )
    bpm = int.from_bytes(frame[offset : offset + hr_size], "little")
    offset += hr_size

    energy_kj: int | None = None
    if flags & FLAG_ENERGY_PRESENT:
        if len(frame) < offset + 2:
            raise MalformedMeasurement(
                f"heart rate frame too short: flags 0x{flags:02x} announce energy expended "
                f"but only {len(frame) - offset} byte(s) follow the heart rate"
            )
        energy_kj = int.from_bytes(frame[offset : offset + 2], "little")
        offset += 2

    rr_ms: tuple[float, ...] = ()
    if flags & FLAG_RR_PRESENT:
        rest = len(frame) - offset
        if rest == 0:
            raise MalformedMeasurement(
                f"heart rate frame flags 0x{flags:02x} announce RR intervals but none follow"
            )
        if rest % 2:
            raise MalformedMeasurement(
                f"heart rate frame has {rest} RR byte(s): RR intervals are 2 bytes each"
            )
        raws = struct.unpack_from(f"<{rest // 2}H", frame, offset)
        rr_ms = tuple(rr_raw_to_ms(raw) for raw in raws)
    # Trailing bytes without the RR flag are tolerated: reserved for future use by the spec.

    return HeartRateMeasurement(
        bpm=bpm,
        sensor_contact=_contact_from_flags(flags),
        energy_kj=energy_kj,
        rr_ms=rr_ms,
    )


def _contact_from_flags(flags: int) -> bool | None:
    # Bits 2..1: 0x / 01 = feature not supported, 10 = supported but no contact, 11 = in contact.
    if not flags & FLAG_CONTACT_SUPPORTED:
        return None
    return bool(flags & FLAG_CONTACT_DETECTED)


def encode_measurement(
    bpm: int,
    *,
    sensor_contact: bool | None = None,
    energy_kj: int | None = None,
    rr_ms: Iterable[float] = (),
    force_uint16: bool = False,
) -> bytes:
    """Encode a Heart Rate Measurement frame; the inverse of `parse_measurement`.

    RR values are rounded to the nearest 1/1024 s, as a strap does. The heart rate uses uint8
    unless it exceeds 255 or `force_uint16` is set.
    """
    if not 0 <= bpm <= MAX_UINT16:
        raise ValueError(f"heart rate {bpm} bpm does not fit a uint16")
    rr_values = list(rr_ms)
    raws = [rr_ms_to_raw(value) for value in rr_values]
    for value, raw in zip(rr_values, raws, strict=True):
        if not 0 <= raw <= MAX_UINT16:
            raise ValueError(f"RR interval {value} ms does not fit a uint16 in 1/1024 s")
    flags = 0
    uint16 = force_uint16 or bpm > MAX_UINT8
    if uint16:
        flags |= FLAG_HR_UINT16
    if sensor_contact is not None:
        flags |= FLAG_CONTACT_SUPPORTED
        if sensor_contact:
            flags |= FLAG_CONTACT_DETECTED
    body = bytearray()
    body += bpm.to_bytes(2 if uint16 else 1, "little")
    if energy_kj is not None:
        if not 0 <= energy_kj <= MAX_UINT16:
            raise ValueError(f"energy {energy_kj} kJ does not fit a uint16")
        flags |= FLAG_ENERGY_PRESENT
        body += energy_kj.to_bytes(2, "little")
    if raws:
        flags |= FLAG_RR_PRESENT
        body += struct.pack(f"<{len(raws)}H", *raws)
    return bytes([flags]) + bytes(body)
