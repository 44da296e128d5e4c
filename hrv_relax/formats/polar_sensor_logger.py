"""Polar Sensor Logger RR files: ``Phone timestamp;RR-interval [ms]``, one row per interval.

The phone stamps each row when the strap's notification arrived (about once a second, several
intervals sharing one stamp), so the stamps are not beat times. Beat times are the running sum
of the RR intervals, re-anchored to the phone's clock when the clock runs ahead by more than
``GAP_S``: beats were lost there (out of range, strap off), and the jump is kept as a gap.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools

import numpy as np

from hrv_relax.errors import FormatError
from hrv_relax.formats.csv_table import find_column, sniff_delimiter
from hrv_relax.formats.recording import Beats, Recording, build, check_rr
from hrv_relax.formats.text_lines import at_line, decode_text, parse_number, raw_lines

FORMAT = "polar-sensor-logger"
#: Notifications arrive within ~1 s of their beats; a phone clock this far ahead of the summed
#: RR means beats are missing.
GAP_S = 3.0
TIMESTAMP_NAMES = ("phonetimestamp",)
RR_NAMES = ("rrintervalms", "rrinterval", "rrms", "rr")


def looks_like(text_head: str) -> bool:
    first = text_head.lstrip().splitlines()[0].lower() if text_head.strip() else ""
    return first.startswith("phone timestamp") and "rr" in first


def parse_phone_time(text: str, line_no: int) -> dt.datetime:
    """An ISO phone timestamp; without a zone it is the importing computer's local time."""
    try:
        stamp = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise at_line(
            line_no, f"phone timestamp {text.strip()[:40]!r} is not a date and time"
        ) from None
    return stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp.astimezone().astimezone(dt.UTC)


def parse_polar_sensor_logger(data: bytes) -> Recording:
    """Read a Polar Sensor Logger ``*_RR.txt`` export."""
    if not looks_like(decode_text(data[:500])):
        raise FormatError(
            "not a Polar Sensor Logger RR file: the first line should be "
            "'Phone timestamp;RR-interval [ms]'"
        )
    lines = raw_lines(data)
    first = next(lines)
    reader = csv.reader(itertools.chain((first,), lines), delimiter=sniff_delimiter(first))
    header = next(reader)
    ts_col = find_column(header, TIMESTAMP_NAMES)
    rr_col = find_column(header, RR_NAMES)
    if ts_col is None or rr_col is None:
        raise at_line(1, f"expected columns 'Phone timestamp' and 'RR-interval [ms]', got {header}")
    beats = Beats()  # t: the phone's stamp, seconds since the epoch
    for row in reader:
        line_no = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(ts_col, rr_col):
            raise at_line(line_no, f"{len(row)} column(s), expected {len(header)} (truncated?)")
        rr = parse_number(row[rr_col], line_no, "RR interval")
        check_rr(rr, line_no)
        beats.add(rr, line_no, parse_phone_time(row[ts_col], line_no).timestamp())
    if not beats:
        raise FormatError("the file holds no RR intervals")
    start_s = beats.t[0] - beats.rr[0] / 1000.0
    t_s = np.empty(len(beats))
    t = 0.0
    for i, (rr, stamp_s) in enumerate(zip(beats.rr, beats.t, strict=True)):
        t += rr / 1000.0
        phone_s = stamp_s - start_s
        if phone_s - t > GAP_S:
            t = phone_s
        t_s[i] = t
    started_at = dt.datetime.fromtimestamp(start_s, dt.UTC)
    return build(
        FORMAT, beats.rr_ms(), t_s=t_s, started_at=started_at, description="Polar Sensor Logger"
    )
