"""Import RR recordings made elsewhere: Polar Sensor Logger, Polar .hrm, plain RR text (Elite HRV,
Kubios), CSV with a header, Garmin FIT. Pure: bytes in, a checked :class:`Recording` out.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

from hrv_relax.errors import FormatError
from hrv_relax.formats.csv_table import parse_csv
from hrv_relax.formats.garmin_fit import looks_like as looks_like_fit
from hrv_relax.formats.garmin_fit import parse_fit
from hrv_relax.formats.polar_hrm import looks_like as looks_like_hrm
from hrv_relax.formats.polar_hrm import parse_polar_hrm
from hrv_relax.formats.polar_sensor_logger import looks_like as looks_like_psl
from hrv_relax.formats.polar_sensor_logger import parse_polar_sensor_logger
from hrv_relax.formats.recording import MAX_FILE_BYTES, Recording
from hrv_relax.formats.rr_text import parse_rr_text
from hrv_relax.formats.text_lines import decode_text

PARSERS: dict[str, Callable[[bytes], Recording]] = {
    "polar-sensor-logger": parse_polar_sensor_logger,
    "polar-hrm": parse_polar_hrm,
    "rr-text": parse_rr_text,
    "csv": parse_csv,
    "fit": parse_fit,
}
FORMATS = ("auto", *PARSERS)
FORMAT_HELP = {
    "auto": "detect from the file's content",
    "polar-sensor-logger": "Polar Sensor Logger RR (Phone timestamp;RR-interval [ms])",
    "polar-hrm": "Polar .hrm R-R recording",
    "rr-text": "one RR interval per line, ms or s (Elite HRV, Kubios, Polar)",
    "csv": "CSV with a header naming an RR column (rr_ms, RR, IBI...)",
    "fit": "Garmin FIT with hrv messages",
}

__all__ = [
    "FORMATS",
    "FORMAT_HELP",
    "FormatError",
    "Recording",
    "detect_format",
    "parse_recording",
    "read_recording_file",
]


def detect_format(data: bytes, filename: str = "") -> str:
    """The format of a file, from its content (the file name's extension only breaks ties)."""
    if looks_like_fit(data[:12]) or (filename.lower().endswith(".fit") and b"\x00" in data[:64]):
        return "fit"
    text = decode_text(data[:4096])
    if looks_like_hrm(text):
        return "polar-hrm"
    if looks_like_psl(text):
        return "polar-sensor-logger"
    first = next((s for s in (ln.strip() for ln in text.splitlines()) if s and s[0] != "#"), None)
    if first is not None and _is_number(first):
        return "rr-text"
    return "csv"


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def too_large(n_bytes: int) -> FormatError:
    return FormatError(
        f"the file is {n_bytes / 2**20:.0f} MB; at most {MAX_FILE_BYTES // 2**20} MB is "
        "read (split a multi-day recording)"
    )


def read_recording_file(path: Path) -> bytes:
    """A recording file's bytes, its size checked before any is read (and while reading)."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise too_large(size)
        # A pipe or a device says 0 and may never end: read one byte past the limit at most.
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    return data


def parse_recording(data: bytes, *, filename: str = "", fmt: str = "auto") -> Recording:
    """Read an RR recording; raise :class:`FormatError` naming the line or problem."""
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    if not data or data.isspace():
        raise FormatError("the file is empty")
    chosen = detect_format(data, filename) if fmt == "auto" else fmt
    try:
        return PARSERS[chosen](data)
    except csv.Error as exc:
        raise FormatError(f"read as {chosen}: not valid delimited text ({exc})") from None
    except FormatError as exc:
        if fmt == "auto":
            raise FormatError(f"read as {chosen}: {exc}") from None
        raise
