"""Text files as numbered lines, and numbers as people write them in RR exports."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from hrv_relax.errors import FormatError

# "0,812" is a decimal comma (Kubios and spreadsheets in many locales), never a thousands mark
# in an RR file: no RR interval reaches 1,000 s.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
#: RR values below this (median) are seconds, not milliseconds: no heart beats 100 times a second.
SECONDS_BELOW = 20.0


def at_line(line_no: int, message: str) -> FormatError:
    """A FormatError for a problem on one (1-based) line of a text file."""
    return FormatError(f"line {line_no}: {message}")


def decode_text(data: bytes) -> str:
    """Decode a text export (UTF-8 with or without BOM, else Latin-1); refuse binary data."""
    if not data.strip():
        raise FormatError("the file is empty")
    if b"\x00" in data[:4096]:
        raise FormatError("this is a binary file, not text (a Garmin .fit? choose format 'fit')")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(1-based line number, stripped line) for every non-blank line that is not a # comment."""
    for no, raw in enumerate(text.splitlines(), start=1):
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


def to_ms_factor(values: list[float], unit: str | None) -> float:
    """1000 when the RR values are seconds (stated, or detected by size), else 1."""
    if unit == "s":
        return 1000.0
    if unit == "ms" or not values:
        return 1.0
    ordered = sorted(values)
    return 1000.0 if ordered[len(ordered) // 2] < SECONDS_BELOW else 1.0
