"""The one error every import parser raises: its message names the line or the problem."""

from __future__ import annotations

from hrv_relax.errors import HrvRelaxError


class FormatError(HrvRelaxError, ValueError):
    """A file that cannot be read as an RR recording; the message says where and why."""


def at_line(line_no: int, message: str) -> FormatError:
    """A FormatError for a problem on one (1-based) line of a text file."""
    return FormatError(f"line {line_no}: {message}")
