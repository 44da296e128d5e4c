"""Garmin FIT activity files: RR intervals from ``hrv`` messages (seconds, up to five each).

FIT stores no beat times for RR, so beat times are the running sum. An RR of 65.535 s is the
FIT "invalid" value, which fitdecode returns as None; both are skipped.
"""

from __future__ import annotations

import datetime as dt
import io

import fitdecode

from hrv_relax.errors import FormatError
from hrv_relax.formats.recording import MAX_BEATS, Recording, build, check_rr, too_many_beats

FORMAT = "fit"
FIT_SIGNATURE = b".FIT"
INVALID_RR_S = 65.535


def looks_like(head: bytes) -> bool:
    return len(head) >= 12 and head[8:12] == FIT_SIGNATURE


def parse_fit(data: bytes) -> Recording:
    """Read every RR interval of a FIT file's ``hrv`` messages, in file order."""
    if not data:
        raise FormatError("the file is empty")
    rr_ms: list[float] = []
    started_at: dt.datetime | None = None
    product = ""
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "hrv" and frame.has_field("time"):
                    values = frame.get_value("time")
                    for value in values if isinstance(values, tuple | list) else (values,):
                        if value is None or float(value) >= INVALID_RR_S:
                            continue
                        check_rr(float(value) * 1000.0, None, f"RR interval #{len(rr_ms) + 1}")
                        if len(rr_ms) >= MAX_BEATS:
                            raise too_many_beats()
                        rr_ms.append(float(value) * 1000.0)
                elif frame.name == "session" and frame.has_field("start_time"):
                    started_at = started_at or _utc(frame.get_value("start_time"))
                elif frame.name == "file_id":
                    if frame.has_field("time_created"):
                        started_at = started_at or _utc(frame.get_value("time_created"))
                    if frame.has_field("garmin_product"):
                        product = str(frame.get_value("garmin_product"))
    except fitdecode.FitHeaderError as exc:
        raise FormatError(f"not a FIT file, or its header is damaged ({exc})") from None
    except fitdecode.FitEOFError as exc:
        raise FormatError(f"the FIT file is truncated ({exc})") from None
    except fitdecode.FitCRCError as exc:
        raise FormatError(f"the FIT file is damaged: checksum mismatch ({exc})") from None
    except fitdecode.FitError as exc:
        raise FormatError(f"the FIT file is damaged ({exc})") from None
    if not rr_ms:
        raise FormatError("the FIT file has no hrv messages: turn on 'Log HRV' on the watch")
    device = f", {product}" if product else ""
    return build(FORMAT, rr_ms, started_at=started_at, description=f"Garmin FIT{device}")


def _utc(value: object) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
