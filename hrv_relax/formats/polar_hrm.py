"""Polar ``.hrm`` exports (Polar Precision Performance): ``[Params]`` and ``[HRData]`` sections.

Only R-R recordings are RR data: ``Interval=238`` in ``[Params]``; each ``[HRData]`` line then
starts with one RR interval in ms. Other intervals (1, 5, 15... s) are sampled heart rate,
which has no beat-to-beat information and is refused.
"""

from __future__ import annotations

import datetime as dt

from hrv_relax.errors import FormatError
from hrv_relax.formats.recording import Recording, build, check_rr
from hrv_relax.formats.text_lines import at_line, decode_text, parse_number

FORMAT = "polar-hrm"
RR_RECORDING_INTERVAL = "238"


def looks_like(text_head: str) -> bool:
    return text_head.lstrip().startswith("[Params]")


def _sections(text: str) -> dict[str, list[tuple[int, str]]]:
    sections: dict[str, list[tuple[int, str]]] = {}
    current: list[tuple[int, str]] | None = None
    for no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None and line:
            current.append((no, line))
    return sections


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
    text = decode_text(data)
    if not looks_like(text[:200]):
        raise FormatError("not a Polar .hrm file: it should start with [Params]")
    sections = _sections(text)
    params = dict(line.split("=", 1) for _, line in sections.get("Params", []) if "=" in line)
    interval = params.get("Interval", "").strip()
    if interval != RR_RECORDING_INTERVAL:
        raise FormatError(
            f"this .hrm holds heart rate sampled every {interval or '?'} s, not R-R intervals "
            f"(Interval={RR_RECORDING_INTERVAL}): it cannot give HRV"
        )
    if "HRData" not in sections:
        raise FormatError("the [HRData] section is missing (is the file truncated?)")
    rr_ms = []
    for no, line in sections["HRData"]:
        rr = parse_number(line.split()[0], no, "RR interval")
        check_rr(rr, no)
        rr_ms.append(rr)
    if not rr_ms:
        raise at_line(len(text.splitlines()), "the [HRData] section is empty")
    started = _started_at(params)
    when = f", {started:%Y-%m-%d %H:%M}" if started else ""
    return build(FORMAT, rr_ms, started_at=started, description=f"Polar HRM{when}")
