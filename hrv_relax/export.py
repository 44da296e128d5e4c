"""Export a session's beats: CSV with a header, or plain RR text (one RR in ms per line)."""

from __future__ import annotations

import csv
import io
import math

from hrv_relax.store.records import BeatArrays

EXPORT_FORMATS = ("csv", "rr")


def beats_to_csv(beats: BeatArrays) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["t_s", "rr_ms", "bpm"])
    for t_s, rr_ms, bpm in zip(beats.t_s, beats.rr_ms, beats.bpm, strict=True):
        writer.writerow([f"{t_s:.4f}", _ms(rr_ms), "" if math.isnan(bpm) else int(bpm)])
    return out.getvalue()


def beats_to_rr_text(beats: BeatArrays) -> str:
    """One RR interval in ms per line, as Kubios, Elite HRV and most HRV tools read."""
    return "".join(f"{_ms(rr)}\n" for rr in beats.rr_ms)


def _ms(rr_ms: float) -> str:
    # 1/1024 s RR values have at most 7 decimals in ms; 3 keep microsecond resolution.
    return f"{rr_ms:.3f}".rstrip("0").rstrip(".")


def render(beats: BeatArrays, fmt: str) -> str:
    if fmt == "csv":
        return beats_to_csv(beats)
    if fmt == "rr":
        return beats_to_rr_text(beats)
    raise ValueError(f"unknown export format {fmt!r}")
