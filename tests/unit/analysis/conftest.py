"""Fixtures for the analysis tests: the shared reference recordings."""

import numpy as np
import pytest

from tests.support.reference import load_rr_text


@pytest.fixture(scope="session")
def kubios_rr_ms() -> np.ndarray:
    return load_rr_text("kubios_sample/rr_ms.txt")


@pytest.fixture(scope="session")
def nsr_rr_ms() -> np.ndarray:
    return load_rr_text("nsr2db/nsr001_rr_ms.txt.gz")
