"""Text files as numbered lines, and numbers as people write them in RR exports.

Lines are decoded one at a time from the file's bytes, never the whole text at once: a 64 MB
file of short lines as one list of strings took gigabytes. A parser reads lines until it has
`MAX_BEATS` intervals and stops there.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Iterator, Sequence

import numpy as np

from hrv_relax.errors import FormatError

# "0,812" is a decimal comma (Kubios and spreadsheets in many locales), never a thousands mark
# in an RR file: no RR interval reaches 1,000 s.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
#: RR values below this (median) are seconds, not milliseconds: no heart beats 100 times a second.
SECONDS_BELOW = 20.0
#: No line of an RR export is this long (a header names a few columns): longer is not one.
MAX_LINE_CHARS = 4096
_UTF8_BOM = codecs.BOM_UTF8
_CHECK_CHUNK = 1 << 20


def at_line(line_no: int, message: str) -> FormatError:
    """A FormatError for a problem on one (1-based) line of a text file."""
    return FormatError(f"line {line_no}: {message}")


def decode_text(data: bytes) -> str:
    """Decode a short piece of a text export (the head a format is detected from)."""
    if not data.strip():
        raise FormatError("the file is empty")
    if b"\x00" in data[:4096]:
        raise FormatError("this is a binary file, not text (a Garmin .fit? choose format 'fit')")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def text_encoding(data: bytes) -> str:
    """UTF-8 when the whole file is valid UTF-8, else Latin-1; checked a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHECK_CHUNK):
            decoder.decode(view[start : start + _CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def raw_lines(data: bytes) -> Iterator[str]:
    """Every line of a text export, decoded, without its line break (for csv.reader too)."""
    if b"\x00" in data[:4096]:
        raise FormatError("this is a binary file, not text (a Garmin .fit? choose format 'fit')")
    encoding = text_encoding(data)
    # A file from classic Mac OS ends its lines with CR alone.
    sep = b"\n" if b"\n" in data or b"\r" not in data else b"\r"
    start = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    no = 0
    while start < len(data):
        end = data.find(sep, start)
        end = len(data) if end < 0 else end
        no += 1
        if end - start > MAX_LINE_CHARS:
            raise at_line(no, f"the line is longer than {MAX_LINE_CHARS:,} characters")
        yield data[start:end].decode(encoding).rstrip("\r")
        start = end + 1


def numbered_lines(data: bytes) -> Iterator[tuple[int, str]]:
    """(1-based line number, stripped line) for every non-blank line that is not a # comment."""
    for no, raw in enumerate(raw_lines(data), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield no, line


def parse_number(text: str, line_no: int, what: str = "value") -> float:
    """A decimal number (point or comma); a FormatError naming the line otherwise."""
    cleaned = text.strip().strip('"').strip()
    if _DECIMAL_COMMA.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        shown = cleaned if len(cleaned) <= 40 else cleaned[:37] + "..."
        raise at_line(line_no, f"{what} {shown!r} is not a number") from None
    if not math.isfinite(value):
        raise at_line(line_no, f"{what} {cleaned!r} is not a finite number")
    return value


def to_ms_factor(values: Sequence[float], unit: str | None) -> float:
    """1000 when the RR values are seconds (stated, or detected by size), else 1."""
    if unit == "s":
        return 1000.0
    if unit == "ms" or not len(values):
        return 1.0
    ordered = np.sort(np.asarray(values, dtype=np.float64))
    return 1000.0 if ordered[len(ordered) // 2] < SECONDS_BELOW else 1.0
