"""What every import parser returns: RR intervals with beat times, checked for plausibility."""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.errors import FormatError
from hrv_relax.formats.text_lines import at_line

FloatArray = npt.NDArray[np.float64]

#: Shortest and longest value accepted as an RR interval. Artefacts (an extra detection of
#: 150 ms, a missed beat of 3 s) are real data that the analysis flags; values outside this
#: range are not heartbeats at all (a wrong column, a wrong unit, a damaged file).
MIN_RR_MS = 100.0
MAX_RR_MS = 10_000.0
#: More beats than this is over a week of recording: refused rather than filling the database.
MAX_BEATS = 1_000_000
#: Files larger than this are refused before parsing (a day-long RR text is ~0.6 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Recording:
    """An RR recording read from a file.

    ``t_s[i]`` is when the beat closing ``rr_ms[i]`` happened, in seconds from ``started_at``
    (or from the start of the first interval when the file has no clock); a jump in ``t_s``
    larger than the RR interval is a gap in the recording.
    """

    format: str
    rr_ms: FloatArray
    t_s: FloatArray
    started_at: dt.datetime | None
    description: str

    @property
    def n_beats(self) -> int:
        return int(self.rr_ms.size)

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1]) if self.rr_ms.size else 0.0


def check_rr(value_ms: float, line_no: int | None = None, what: str = "RR interval") -> None:
    """Raise a FormatError (naming the line when known) if a value cannot be an RR interval."""
    problem = None
    if not np.isfinite(value_ms):
        problem = f"{what} is not a finite number"
    elif value_ms <= 0:
        problem = f"{what} {value_ms:g} ms is not positive"
    elif value_ms < MIN_RR_MS:
        problem = f"{what} {value_ms:g} ms is impossibly short (< {MIN_RR_MS:g} ms)"
    elif value_ms > MAX_RR_MS:
        problem = f"{what} {value_ms:g} ms is impossibly long (> {MAX_RR_MS:g} ms)"
    if problem is None:
        return
    raise at_line(line_no, problem) if line_no is not None else FormatError(problem)


def too_many_beats() -> FormatError:
    return FormatError(
        f"the file holds more than {MAX_BEATS:,} RR intervals (over a week of recording): split it"
    )


def check_count(n: int) -> None:
    if n == 0:
        raise FormatError("the file holds no RR intervals")
    if n > MAX_BEATS:
        raise too_many_beats()


class Beats:
    """RR values read so far, with their lines (and beat times), in 8-byte slots, not objects.

    `add` refuses the interval after MAX_BEATS at once, so reading stops there.
    """

    __slots__ = ("lines", "rr", "t")

    def __init__(self) -> None:
        self.rr = array("d")
        self.t = array("d")
        self.lines = array("q")

    def __len__(self) -> int:
        return len(self.rr)

    def add(self, rr: float, line_no: int, t: float | None = None) -> None:
        if len(self.rr) >= MAX_BEATS:
            raise too_many_beats()
        self.rr.append(rr)
        self.lines.append(line_no)
        if t is not None:
            self.t.append(t)

    def rr_ms(self, factor: float = 1.0) -> FloatArray:
        """The RR values in ms, each checked (naming its line)."""
        values = np.frombuffer(self.rr, dtype=np.float64) * factor
        bad = np.flatnonzero(~np.isfinite(values) | (values < MIN_RR_MS) | (values > MAX_RR_MS))
        if bad.size:
            check_rr(float(values[bad[0]]), int(self.lines[bad[0]]))
        return values


def build(
    fmt: str,
    rr_ms: Sequence[float] | FloatArray,
    *,
    t_s: Sequence[float] | FloatArray | None = None,
    started_at: dt.datetime | None = None,
    description: str = "",
) -> Recording:
    """A Recording from checked values; beat times default to the running sum of the RR."""
    rr = np.asarray(rr_ms, dtype=np.float64)
    check_count(int(rr.size))
    times = np.cumsum(rr) / 1000.0 if t_s is None else np.asarray(t_s, dtype=np.float64)
    if times.size != rr.size:
        raise FormatError(f"{times.size} beat times for {rr.size} RR intervals")
    if times.size > 1 and np.any(np.diff(times) <= 0):
        raise FormatError("beat times go backwards or repeat")
    return Recording(fmt, rr, times, started_at, description)
