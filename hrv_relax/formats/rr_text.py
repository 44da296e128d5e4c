"""Plain RR text: one RR interval per line, in ms or s (detected). Elite HRV, Kubios, Polar."""

from __future__ import annotations

from hrv_relax.formats.recording import Recording, build, check_rr
from hrv_relax.formats.text_lines import decode_text, numbered_lines, parse_number, to_ms_factor

FORMAT = "rr-text"


def parse_rr_text(data: bytes) -> Recording:
    """Read one RR interval per line (blank lines and # comments skipped)."""
    rows = [
        (no, parse_number(line, no, "RR interval"))
        for no, line in numbered_lines(decode_text(data))
    ]
    factor = to_ms_factor([v for _, v in rows], None)
    rr_ms = []
    for no, value in rows:
        check_rr(value * factor, no)
        rr_ms.append(value * factor)
    unit = "s" if factor != 1.0 else "ms"
    return build(FORMAT, rr_ms, description=f"plain RR text ({unit})")
