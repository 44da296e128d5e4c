"""CSV with a header row: an RR column (ms or s) and, optionally, beat times in seconds."""

from __future__ import annotations

import csv
import re

from hrv_relax.errors import FormatError
from hrv_relax.formats.recording import Beats, Recording, build
from hrv_relax.formats.text_lines import (
    at_line,
    parse_number,
    raw_lines,
    to_ms_factor,
)

FORMAT = "csv"
DELIMITERS = ",;\t"
# Header names (lower case, letters and digits only) of an RR column and of a beat-time column.
RR_NAMES = (
    "rrms",
    "rr",
    "rri",
    "rrinterval",
    "rrintervalms",
    "rrintervals",
    "ibi",
    "ibims",
    "nn",
    "nnms",
    "rrs",
    "rrintervals",
    "rrsec",
    "ibis",
)
TIME_NAMES = ("ts", "times", "time", "timesec", "beattime", "beattimes", "seconds")


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _unit(name: str) -> str | None:
    lowered = name.lower()
    if re.search(r"(\bms\b|\[ms\]|\(ms\)|_ms\b|millisec)", lowered):
        return "ms"
    if re.search(r"(\[s\]|\(s\)|_s\b|\bsec|\bs\b)", lowered):
        return "s"
    return None


def sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def find_column(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [_key(h) for h in header]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def parse_csv(data: bytes) -> Recording:
    """Read a CSV whose header names an RR column (e.g. ``rr_ms``, ``RR``, ``IBI``)."""
    first = next((line for line in raw_lines(data) if line.strip()), None)
    if first is None:
        raise FormatError("the file is empty")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(raw_lines(data), delimiter=delimiter)
    header: list[str] | None = None
    rr_col = t_col = None
    beats = Beats()
    for row in reader:
        line_no = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            rr_col = find_column(header, RR_NAMES)
            if rr_col is None:
                raise at_line(
                    line_no,
                    f"no RR column in the header {delimiter.join(header)[:80]!r}: "
                    "name it rr_ms (milliseconds) or rr_s (seconds)",
                )
            t_col = find_column(header, TIME_NAMES)
            continue
        assert rr_col is not None
        if len(row) <= max(rr_col, t_col or 0):
            raise at_line(line_no, f"{len(row)} column(s), the header has {len(header)}")
        rr = parse_number(row[rr_col], line_no, "RR interval")
        if t_col is None:
            beats.add(rr, line_no)
            continue
        t = parse_number(row[t_col], line_no, "beat time")
        if beats.t and t <= beats.t[-1]:
            raise at_line(line_no, f"beat time {t:g} s is not after the previous {beats.t[-1]:g} s")
        beats.add(rr, line_no, t)
    if header is None or rr_col is None:  # only empty cells, e.g. a lone ","
        raise FormatError("no header row naming an RR column (rr_ms or rr_s)")
    factor = to_ms_factor(beats.rr, _unit(header[rr_col]))
    return build(
        FORMAT,
        beats.rr_ms(factor),
        t_s=beats.t if t_col is not None else None,
        description=f"CSV, column {header[rr_col]!r}",
    )
