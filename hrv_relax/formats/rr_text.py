"""Plain RR text: one RR interval per line, in ms or s (detected). Elite HRV, Kubios, Polar."""

from __future__ import annotations

from hrv_relax.formats.recording import Beats, Recording, build
from hrv_relax.formats.text_lines import numbered_lines, parse_number, to_ms_factor

FORMAT = "rr-text"


def parse_rr_text(data: bytes) -> Recording:
    """Read one RR interval per line (blank lines and # comments skipped)."""
    beats = Beats()
    for no, line in numbered_lines(data):
        beats.add(parse_number(line, no, "RR interval"), no)
    factor = to_ms_factor(beats.rr, None)
    unit = "s" if factor != 1.0 else "ms"
    return build(FORMAT, beats.rr_ms(factor), description=f"plain RR text ({unit})")
