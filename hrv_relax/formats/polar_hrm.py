"""Polar ``.hrm`` exports (Polar Precision Performance): ``[Params]`` and ``[HRData]`` sections.

Only R-R recordings are RR data: ``Interval=238`` in ``[Params]``; each ``[HRData]`` line then
starts with one RR interval in ms. Other intervals (1, 5, 15... s) are sampled heart rate,
which has no beat-to-beat information and is refused.
"""

from __future__ import annotations

import datetime as dt

from hrv_relax.errors import FormatError
from hrv_relax.formats.recording import Beats, Recording, build, check_rr
from hrv_relax.formats.text_lines import at_line, decode_text, parse_number, raw_lines

FORMAT = "polar-hrm"
RR_RECORDING_INTERVAL = "238"


def looks_like(text_head: str) -> bool:
    return text_head.lstrip().startswith("[Params]")


def _started_at(params: dict[str, str]) -> dt.datetime | None:
    """Date=YYYYMMDD and StartTime=HH:MM:SS.f, local time of the importing computer."""
    try:
        day = dt.datetime.strptime(params["Date"], "%Y%m%d")
        clock = dt.datetime.strptime(params["StartTime"].split(".")[0], "%H:%M:%S").time()
    except (KeyError, ValueError):
        return None
    return dt.datetime.combine(day.date(), clock).astimezone().astimezone(dt.UTC)


def parse_polar_hrm(data: bytes) -> Recording:
    """Read the RR intervals of a Polar .hrm R-R recording."""
    if not looks_like(decode_text(data[:200])):
        raise FormatError("not a Polar .hrm file: it should start with [Params]")
    params: dict[str, str] = {}
    section = None
    seen_hrdata = False
    beats = Beats()
    last_no = 0
    for last_no, raw in enumerate(raw_lines(data), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            if section == "HRData":
                seen_hrdata = True
                _check_rr_recording(params)
        elif not line:
            continue
        elif section == "Params" and "=" in line:
            key, value = line.split("=", 1)
            params.setdefault(key, value)
        elif section == "HRData":
            rr = parse_number(line.split()[0], last_no, "RR interval")
            check_rr(rr, last_no)
            beats.add(rr, last_no)
    if not seen_hrdata:
        _check_rr_recording(params)
        raise FormatError("the [HRData] section is missing (is the file truncated?)")
    if not beats:
        raise at_line(last_no, "the [HRData] section is empty")
    started = _started_at(params)
    when = f", {started:%Y-%m-%d %H:%M}" if started else ""
    return build(FORMAT, beats.rr_ms(), started_at=started, description=f"Polar HRM{when}")


def _check_rr_recording(params: dict[str, str]) -> None:
    interval = params.get("Interval", "").strip()
    if interval != RR_RECORDING_INTERVAL:
        raise FormatError(
            f"this .hrm holds heart rate sampled every {interval or '?'} s, not R-R intervals "
            f"(Interval={RR_RECORDING_INTERVAL}): it cannot give HRV"
        )
