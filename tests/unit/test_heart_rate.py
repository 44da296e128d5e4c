"""The 0x2A37 parser: golden frames from the GATT spec and real straps, malformed frames, fuzz."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hrv_relax.errors import HrvRelaxError, MalformedMeasurement
from hrv_relax.heart_rate import HeartRateMeasurement, encode_measurement, parse_measurement

GOLDEN = [
    # Polar H10: contact "not supported" (flags 0x10), 1 RR of 0x0338 = 824/1024 s.
    (bytes.fromhex("10 48 38 03"), HeartRateMeasurement(72, None, None, (804.6875,))),
    # Polar H7: contact supported and detected (0x16), two RR values.
    (
        bytes.fromhex("16 4b 1c 03 2a 03"),
        HeartRateMeasurement(75, True, None, (777.34375, 791.015625)),
    ),
    # Contact supported, not detected, no RR: 0 bpm is "no reading".
    (bytes.fromhex("04 00"), HeartRateMeasurement(0, False, None, ())),
    # Bit 1 alone (contact detected without "supported") means "not supported" per the spec.
    (bytes.fromhex("02 3c"), HeartRateMeasurement(60, None, None, ())),
    # uint16 heart rate 300 bpm, energy 513 kJ, one RR.
    (bytes.fromhex("19 2c 01 01 02 00 01"), HeartRateMeasurement(300, None, 513, (250.0,))),
    # Reserved bits 5-7 set: ignored, not rejected.
    (bytes.fromhex("e0 50"), HeartRateMeasurement(80, None, None, ())),
    # Garmin HRM-Dual bogus trailing RR (53/1024 s): the parser reports what was sent.
    (
        bytes.fromhex("10 46 60 03 35 00"),
        HeartRateMeasurement(70, None, None, (843.75, 51.7578125)),
    ),
    # Nine RR values: the most a default-MTU payload holds; the spec sets no maximum.
    (
        bytes.fromhex("10 5a") + bytes.fromhex("00 03") * 9,
        HeartRateMeasurement(90, None, None, (750.0,) * 9),
    ),
]

MALFORMED = [
    (b"", "empty"),
    (bytes.fromhex("00"), "too short"),
    (bytes.fromhex("01 48"), "uint16"),
    (bytes.fromhex("08 48 01"), "energy"),
    (bytes.fromhex("10 48"), "announce RR intervals but none follow"),
    (bytes.fromhex("10 48 38"), "2 bytes each"),
    (bytes.fromhex("18 48 01 00 38 03 01"), "2 bytes each"),
]


@pytest.mark.parametrize(("frame", "expected"), GOLDEN)
def test_golden_frames_parse_to_the_whole_record(
    frame: bytes, expected: HeartRateMeasurement
) -> None:
    assert parse_measurement(frame) == expected


# Reserved bits and "contact detected" without "supported" carry no meaning: not re-encoded.
CANONICAL = [(f, e) for f, e in GOLDEN if not f[0] & 0xE0 and f[0] & 0x06 != 0x02]


@pytest.mark.parametrize(("frame", "expected"), CANONICAL)
def test_encode_is_the_inverse_on_golden_frames(
    frame: bytes, expected: HeartRateMeasurement
) -> None:
    again = encode_measurement(
        expected.bpm,
        sensor_contact=expected.sensor_contact,
        energy_kj=expected.energy_kj,
        rr_ms=expected.rr_ms,
        force_uint16=bool(frame[0] & 0x01),
    )
    assert again == frame


@pytest.mark.parametrize(("frame", "message"), MALFORMED)
def test_malformed_frames_raise_a_clear_value_error(frame: bytes, message: str) -> None:
    with pytest.raises(MalformedMeasurement, match=message) as info:
        parse_measurement(frame)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, HrvRelaxError)


def test_accepts_bytearray_and_memoryview() -> None:
    frame = bytearray.fromhex("10 48 38 03")
    assert parse_measurement(frame) == parse_measurement(memoryview(bytes(frame)))


rr_raw = st.integers(min_value=0, max_value=0xFFFF)


@given(
    bpm=st.integers(min_value=0, max_value=0xFFFF),
    contact=st.sampled_from([None, True, False]),
    energy=st.none() | st.integers(min_value=0, max_value=0xFFFF),
    raws=st.lists(rr_raw, max_size=12),
    force16=st.booleans(),
)
def test_round_trip(
    bpm: int, contact: bool | None, energy: int | None, raws: list[int], force16: bool
) -> None:
    rr_ms = tuple(raw * 1000 / 1024 for raw in raws)
    frame = encode_measurement(
        bpm, sensor_contact=contact, energy_kj=energy, rr_ms=rr_ms, force_uint16=force16
    )
    assert parse_measurement(frame) == HeartRateMeasurement(bpm, contact, energy, rr_ms)


@given(st.binary(max_size=40))
def test_any_bytes_parse_or_raise_malformed(frame: bytes) -> None:
    try:
        m = parse_measurement(frame)
    except MalformedMeasurement as exc:
        assert str(exc)
        return
    assert 0 <= m.bpm <= 0xFFFF
    assert all(0 <= rr <= 0xFFFF * 1000 / 1024 for rr in m.rr_ms)


def test_encode_rejects_values_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="uint16"):
        encode_measurement(70_000)
    with pytest.raises(ValueError, match="RR interval"):
        encode_measurement(60, rr_ms=[70_000.0])
