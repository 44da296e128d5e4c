"""Heart Rate Measurement (0x2A37) frames as a strap sends them, written independently of the
project's encoder so the end-to-end tests do not check the parser against itself.

Layout (Bluetooth SIG Heart Rate Service 1.0): flags, heart rate (uint8, or uint16 with flag bit 0),
energy expended (uint16 kJ, flag bit 3), RR intervals (uint16 in 1/1024 s, flag bit 4).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Frame:
    """One notification and what a correct collector must make of it."""

    data: bytes
    bpm: int | None = None  # None: malformed, no beats expected
    rr_raw: tuple[int, ...] = ()  # 1/1024 s
    contact: bool | None = None

    @property
    def malformed(self) -> bool:
        return self.bpm is None

    def expected_beats(self) -> list[tuple[float, int, bool | None]]:
        """(rr_ms, bpm, contact) for each beat this frame carries; none for a 0 bpm frame."""
        if self.bpm is None or self.bpm == 0:
            return []
        return [(raw * 1000 / 1024, self.bpm, self.contact) for raw in self.rr_raw]


def hr_frame(
    bpm: int,
    rr_raw: tuple[int, ...] = (),
    *,
    contact: bool | None = None,
    energy_kj: int | None = None,
    uint16: bool = False,
    reserved_bits: int = 0,
) -> Frame:
    flags = reserved_bits & 0xE0
    body = b""
    if uint16:
        flags |= 0x01
        body += struct.pack("<H", bpm)
    else:
        body += struct.pack("<B", bpm)
    if contact is not None:
        flags |= 0x04 | (0x02 if contact else 0)
    if energy_kj is not None:
        flags |= 0x08
        body += struct.pack("<H", energy_kj)
    if rr_raw:
        flags |= 0x10
        body += struct.pack(f"<{len(rr_raw)}H", *rr_raw)
    return Frame(bytes([flags]) + body, bpm, rr_raw, contact)


def malformed(data: bytes) -> Frame:
    return Frame(data)


# Malformed frames seen in the wild or in other libraries' tests.
MALFORMED = (
    malformed(b""),  # empty payload
    malformed(b"\x16"),  # flags only
    malformed(b"\x01\x48"),  # uint16 flag with one heart-rate byte
    malformed(b"\x10\x48"),  # RR flag with no RR bytes
    malformed(b"\x10\x48\x00\x03\x01"),  # odd number of RR bytes
)


def beat_stream(n_frames: int, *, start_raw: int = 820, seed: int = 1) -> list[Frame]:
    """Plausible frames: mostly one RR, sometimes two or none, contact bits as a Polar H7 sends.

    Every RR value is unique within the stream, so a lost or duplicated beat cannot hide.
    """
    frames = []
    raw = start_raw
    for i in range(n_frames):
        count = (1, 1, 2, 1, 0, 1, 3)[(i + seed) % 7]
        rrs = []
        for _ in range(count):
            raw += 1
            rrs.append(raw)
        bpm = round(60 * 1024 / raw)
        frames.append(hr_frame(bpm, tuple(rrs), contact=True))
    return frames
