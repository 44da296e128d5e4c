"""Time-domain HRV indices (Task Force 1996, doi:10.1161/01.CIR.93.5.1043).

Definitions follow neurokit2's ``hrv_time`` (SDNN with ddof=1, RMSSD as the root of the mean
squared successive difference) except pNNxx, which follows Kubios and the Task Force: the count
of successive differences above the threshold divided by the number of differences (neurokit2
divides by the number of intervals, a factor n/(n-1) lower).
"""

import math
from dataclasses import dataclass

import numpy as np

from hrv_relax.analysis.constants import MS_PER_MINUTE, NN20_THRESHOLD_MS, NN50_THRESHOLD_MS
from hrv_relax.analysis.series import FloatArray, NnSelection

NAN = math.nan


@dataclass(frozen=True, slots=True)
class TimeDomain:
    """Time-domain indices of NN intervals; NaN where there are too few values."""

    mean_rr_ms: float
    mean_hr_bpm: float
    sdnn_ms: float
    rmssd_ms: float
    pnn50_pct: float
    pnn20_pct: float


def rmssd_from_diffs(dnn_ms: FloatArray) -> float:
    """Root mean square of successive differences (ms); NaN without any difference."""
    if dnn_ms.size == 0:
        return NAN
    return float(np.sqrt(np.mean(dnn_ms * dnn_ms)))


def pnn_pct(dnn_ms: FloatArray, threshold_ms: float) -> float:
    """Share of successive differences whose magnitude exceeds ``threshold_ms`` (%)."""
    if dnn_ms.size == 0:
        return NAN
    return float(np.count_nonzero(np.abs(dnn_ms) > threshold_ms) * 100.0 / dnn_ms.size)


def time_domain(sel: NnSelection) -> TimeDomain:
    """Mean RR, mean HR (60000 / mean RR, as Kubios), SDNN, RMSSD, pNN50 and pNN20."""
    nn = sel.nn_ms
    dnn = sel.dnn_ms
    mean_rr = float(np.mean(nn)) if nn.size else NAN
    return TimeDomain(
        mean_rr_ms=mean_rr,
        mean_hr_bpm=MS_PER_MINUTE / mean_rr if nn.size else NAN,
        sdnn_ms=float(np.std(nn, ddof=1)) if nn.size > 1 else NAN,
        rmssd_ms=rmssd_from_diffs(dnn),
        pnn50_pct=pnn_pct(dnn, NN50_THRESHOLD_MS),
        pnn20_pct=pnn_pct(dnn, NN20_THRESHOLD_MS),
    )
