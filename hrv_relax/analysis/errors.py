"""Errors raised by the analysis engine (only for malformed input; weak data gives NaN)."""

from hrv_relax.errors import HrvRelaxError


class AnalysisError(HrvRelaxError, ValueError):
    """Input the analysis cannot interpret, such as RR and time arrays of different lengths."""
