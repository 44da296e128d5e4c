"""Smoothness-priors detrending (Tarvainen, Ranta-aho & Karjalainen 2002, doi:10.1109/10.979357).

The trend is the regularised least-squares fit ``(I + lambda^2 D2' D2)^-1 z`` with D2 the second
difference operator; the detrended series is ``z`` minus the trend. The system is symmetric
pentadiagonal, so one banded Cholesky solve costs O(n). It is applied to the evenly resampled
RR series (4 Hz), where lambda = 500 removes components below about 0.03 Hz.
"""

from functools import lru_cache

import numpy as np
from scipy.linalg import solveh_banded

from hrv_relax.analysis.series import FloatArray

MIN_SAMPLES = 3


def _banded_system(n: int, lam: float) -> FloatArray:
    """Upper banded form of I + lam^2 D2'D2 (rows: 2nd, 1st super-diagonal, diagonal)."""
    lam2 = lam * lam
    diag = np.full(n, 6.0)
    diag[[0, -1]] = 1.0
    diag[[1, -2]] = 5.0
    off1 = np.full(n, -4.0)
    off1[[1, -1]] = -2.0
    off2 = np.ones(n)
    ab = np.zeros((3, n))
    ab[0, 2:] = lam2 * off2[2:]
    ab[1, 1:] = lam2 * off1[1:]
    ab[2] = 1.0 + lam2 * diag
    return ab


def smoothness_priors_detrend(z: FloatArray, lam: float) -> FloatArray:
    """Return ``z`` with its smoothness-priors trend removed (same units as ``z``)."""
    n = z.size
    if n < MIN_SAMPLES:
        return z - np.mean(z) if n else z.copy()
    trend = solveh_banded(_banded_system(n, lam), z, check_finite=False)
    return np.asarray(z - trend, dtype=np.float64)


@lru_cache(maxsize=8)
def smoothness_priors_operator(n: int, lam: float) -> FloatArray:
    """The n x n matrix ``I - (I + lam^2 D2'D2)^-1``: detrends many equal-length rows at once.

    Cached (sessions reuse the same few window lengths) and returned read-only.
    """
    return _operator(n, lam)


def _operator(n: int, lam: float) -> FloatArray:
    if n < MIN_SAMPLES:
        out = np.asarray(np.eye(n) - 1.0 / max(n, 1), dtype=np.float64)
    else:
        trend = solveh_banded(_banded_system(n, lam), np.eye(n), check_finite=False)
        out = np.asarray(np.eye(n) - trend, dtype=np.float64)
    out.setflags(write=False)
    return out
