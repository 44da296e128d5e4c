"""Import parsers: every format with real recordings, broken files, and fuzzed text."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hrv_relax.formats import FormatError, detect_format, parse_recording
from hrv_relax.formats.recording import MAX_FILE_BYTES
from tests.conftest import reference

PSL = (
    "Phone timestamp;RR-interval [ms]\n"
    "2024-03-01T10:00:01.000;800\n"
    "2024-03-01T10:00:01.000;810\n"
    "2024-03-01T10:00:02.100;805\n"
    # 30 s without notifications: the strap lost contact, beats were lost.
    "2024-03-01T10:00:33.000;790\n"
    "2024-03-01T10:00:33.000;795\n"
)


def test_kubios_sample_is_plain_rr_text_in_ms() -> None:
    data = reference("kubios_sample", "rr_ms.txt").read_bytes()
    rec = parse_recording(data)
    expected = np.loadtxt(reference("kubios_sample", "rr_ms.txt"))
    assert rec.format == "rr-text" and rec.n_beats == 423
    np.testing.assert_array_equal(rec.rr_ms, expected)
    np.testing.assert_allclose(rec.t_s, np.cumsum(expected) / 1000)
    assert rec.started_at is None


def test_rr_text_in_seconds_with_decimal_commas_is_converted() -> None:
    rec = parse_recording(b"0,812\n0,798\n# a comment\n\n0,805\n")
    np.testing.assert_allclose(rec.rr_ms, [812, 798, 805])


@pytest.mark.parametrize(
    ("name", "beats", "first_rr"),
    [("exercise_rri.hrm", 4117, 1589.0), ("noisy_rri.hrm", 3581, 904.0)],
)
def test_polar_hrm(name: str, beats: int, first_rr: float) -> None:
    rec = parse_recording(reference("polar_hrm", name).read_bytes(), filename=name)
    assert rec.format == "polar-hrm" and rec.n_beats == beats and rec.rr_ms[0] == first_rr
    assert rec.started_at is not None and rec.started_at.year == 2008


def test_polar_plain_rr_file() -> None:
    rec = parse_recording(reference("polar_hrm", "rest_rri.txt").read_bytes())
    assert rec.format == "rr-text" and rec.n_beats == 910


@pytest.mark.parametrize(
    ("name", "beats", "product"),
    [
        ("garmin-fenix-5-run.fit", 113, "fenix5"),
        ("garmin-fenix-5-walk.fit", 62, "fenix5"),
        ("garmin-edge-820-bike.fit", 126, "edge_820"),
    ],
)
def test_garmin_fit_hrv_messages(name: str, beats: int, product: str) -> None:
    rec = parse_recording(reference("garmin_fit", name).read_bytes())
    assert rec.format == "fit" and rec.n_beats == beats and product in rec.description
    assert np.all((rec.rr_ms > 250) & (rec.rr_ms < 2000))
    assert rec.started_at is not None and rec.started_at.year == 2017


def test_day_long_nsr2db_record() -> None:
    data = gzip.decompress(reference("nsr2db", "nsr001_rr_ms.txt.gz").read_bytes())
    rec = parse_recording(data)
    assert rec.n_beats == 106_459 and rec.duration_s > 22 * 3600


def test_polar_sensor_logger_keeps_the_gap_and_the_phone_clock() -> None:
    rec = parse_recording(PSL.encode())
    assert rec.format == "polar-sensor-logger" and rec.n_beats == 5
    # Phone stamps without a zone are the importing computer's local time.
    first = dt.datetime(2024, 3, 1, 10, 0, 1).astimezone().astimezone(dt.UTC)
    assert rec.started_at == first - dt.timedelta(milliseconds=800)
    steps = np.diff(rec.t_s)
    assert steps[:2] == pytest.approx([0.810, 0.805])
    assert steps[2] > 25  # the lost beats stay a gap, not a 0.79 s step
    assert steps[3] == pytest.approx(0.795)


def test_csv_with_header_and_times_round_trips_our_export() -> None:
    data = b"t_s,rr_ms,bpm,artefact\n0.8000,800,75,0\n1.6100,810,74,0\n2.4000,790,76,1\n"
    rec = parse_recording(data)
    assert rec.format == "csv"
    np.testing.assert_allclose(rec.rr_ms, [800, 810, 790])
    np.testing.assert_allclose(rec.t_s, [0.8, 1.61, 2.4])


def test_csv_semicolons_and_seconds_column() -> None:
    rec = parse_recording(b"time;RR (s)\n1;0.9\n2;0.95\n")
    np.testing.assert_allclose(rec.rr_ms, [900, 950])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"800\n900\nabc\n", "line 3: RR interval 'abc' is not a number"),
        (b"800\n-900\n", "line 2: RR interval -900 ms is not positive"),
        (b"800\n0\n", "line 2: RR interval 0 ms is not positive"),
        (b"800\n900\n9\n", "line 3: RR interval 9 ms is impossibly short"),
        (b"800\n90000\n", "line 2: RR interval 90000 ms is impossibly long"),
        (b"800\nnan\n", "line 2: RR interval 'nan' is not a finite number"),
        (b"name,age\nAna,3\n", "line 1: no RR column"),
        (b"rr_ms,t_s\n800,1\n810\n", "line 3: 1 column(s), the header has 2"),
        (b"rr_ms,t_s\n800,1\n810,0.5\n", "line 3: beat time 0.5 s is not after"),
        (b"\x00\x01\x02binary", "binary file"),
        (PSL.replace(";810", ";x").encode(), "line 3: RR interval 'x' is not a number"),
        (PSL.replace("2024-03-01T10:00:02.100", "yesterday").encode(), "line 4: phone timestamp"),
        (b"[Params]\nInterval=5\n[HRData]\n70\n", "sampled every 5 s, not R-R"),
        (b"[Params]\nInterval=238\n", "[HRData] section is missing"),
    ],
)
def test_broken_files_name_the_line_or_the_problem(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=None) as caught:
        parse_recording(data)
    assert message in str(caught.value)


def test_truncated_and_damaged_fit_files() -> None:
    data = reference("garmin_fit", "garmin-fenix-5-run.fit").read_bytes()
    with pytest.raises(FormatError, match="truncated"):
        parse_recording(data[: len(data) // 2])
    damaged = bytearray(data)
    damaged[-1] ^= 0xFF  # the file checksum
    with pytest.raises(FormatError, match="damaged"):
        parse_recording(bytes(damaged))
    with pytest.raises(FormatError, match="not a FIT file"):
        parse_recording(b"hello", fmt="fit")


def test_truncated_hrm_ends_in_an_impossible_value() -> None:
    data = reference("polar_hrm", "noisy_rri.hrm").read_bytes()
    cut = data[: data.rindex(b"\n", 0, len(data) - 10) + 2]  # cut mid-number
    with pytest.raises(FormatError, match=r"line \d+: RR interval \d ms is impossibly short"):
        parse_recording(cut)


def test_huge_files_are_refused_before_parsing() -> None:
    with pytest.raises(FormatError, match="at most 64 MB"):
        parse_recording(b"8" * (MAX_FILE_BYTES + 1))


def test_wrong_format_chosen_explicitly_says_so() -> None:
    data = reference("polar_hrm", "noisy_rri.hrm").read_bytes()
    with pytest.raises(FormatError, match="not a Polar Sensor Logger RR file"):
        parse_recording(data, fmt="polar-sensor-logger")
    with pytest.raises(FormatError, match="unknown format"):
        parse_recording(data, fmt="excel")


def test_detection_by_content() -> None:
    assert detect_format(PSL.encode()) == "polar-sensor-logger"
    assert detect_format(b"[Params]\nInterval=238\n") == "polar-hrm"
    assert detect_format(b"812\n") == "rr-text"
    assert detect_format(b"rr_ms\n812\n") == "csv"
    assert detect_format(reference("garmin_fit", "garmin-fenix-5-walk.fit").read_bytes()) == "fit"


# --- Fuzz: any text either parses into plausible RR or fails with a FormatError -------------------

rr_lines = st.lists(
    st.one_of(
        st.integers(-2000, 20000).map(str),
        st.floats(0.05, 3.0).map(lambda v: f"{v:.3f}"),
        st.sampled_from(["", "# note", "abc", "1e400", "800,5", "NaN", " 812 ", "--"]),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(rr_lines, st.sampled_from(["auto", "rr-text", "csv", "polar-sensor-logger", "polar-hrm"]))
def test_fuzzed_text_never_crashes(lines: list[str], fmt: str) -> None:
    data = "\n".join(lines).encode()
    try:
        rec = parse_recording(data, fmt=fmt)
    except FormatError as exc:
        assert str(exc)
        return
    assert rec.n_beats > 0
    assert np.all((rec.rr_ms >= 100) & (rec.rr_ms <= 10_000))
    assert np.all(np.diff(rec.t_s) > 0)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
@example(b",")  # cells but no text: no header at all
def test_fuzzed_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(FormatError):
        parse_recording(data)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(300, 2000), min_size=1, max_size=200))
def test_rr_text_round_trip(rr_ms: list[float]) -> None:
    text = "".join(f"{v:.3f}\n" for v in rr_ms).encode()
    np.testing.assert_allclose(parse_recording(text).rr_ms, rr_ms, atol=5e-4)
