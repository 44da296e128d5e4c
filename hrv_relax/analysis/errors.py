"""Errors raised by the analysis engine (only for malformed input; weak data gives NaN)."""


class AnalysisError(ValueError):
    """Input the analysis cannot interpret, such as RR and time arrays of different lengths."""
