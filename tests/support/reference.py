"""The shared reference recordings, found beside the repo (../shared/reference)."""

import gzip
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"


def reference_path(relative: str) -> Path:
    """Path of a reference file: fail in CI when missing, skip locally."""
    path = REFERENCE / relative
    if not path.exists():
        message = f"reference data missing: {path} (expected ../shared/reference beside the repo)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def load_labelled(relative: str) -> tuple[np.ndarray, np.ndarray]:
    """RR intervals (ms) and the WFDB label of the beat ending each interval."""
    frame = pd.read_csv(reference_path(relative))
    return frame["rr_ms"].to_numpy(np.float64), frame["label"].to_numpy(str)


def load_rr_text(relative: str) -> np.ndarray:
    """One RR interval (ms) per line, optionally gzipped."""
    path = reference_path(relative)
    if path.suffix == ".gz":
        with gzip.open(path, "rt") as handle:
            return np.loadtxt(handle)
    return np.loadtxt(path)
