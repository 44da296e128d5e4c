"""Scoring artefact detection against beat labels (shared by the artefact tests)."""

from dataclasses import dataclass

import numpy as np

from hrv_relax.analysis import classify_artifacts, hrv_indices
from hrv_relax.analysis.constants import RR_MAX_MS, RR_MIN_MS

WINDOW_S = 300.0


def true_non_nn(labels: np.ndarray, rr_ms: np.ndarray | None = None) -> np.ndarray:
    """An interval is NN only if the beats at both of its ends are labelled N.

    With ``rr_ms``, an interval outside 250-2500 ms is not NN either whatever its labels: the
    ltdb records hold a few unannotated stretches (signal loss) that appear as one "N-N"
    interval of several seconds, e.g. 10.2 s in 14046, which no heartbeat is.
    """
    abnormal = labels != "N"
    out = abnormal.copy()
    out[1:] |= abnormal[:-1]
    if rr_ms is not None:
        out |= (rr_ms < RR_MIN_MS) | (rr_ms > RR_MAX_MS)
    return out


def rmssd_of_kept(rr_ms: np.ndarray, keep: np.ndarray) -> float:
    """RMSSD over successive pairs whose two intervals are both kept."""
    pairs = keep[1:] & keep[:-1]
    diffs = (rr_ms[1:] - rr_ms[:-1])[pairs]
    return float(np.sqrt(np.mean(diffs * diffs))) if diffs.size else float("nan")


@dataclass(frozen=True)
class Score:
    sensitivity: float
    specificity: float
    low_windows: int
    low_kept_fraction: float
    low_error_median_pct: float
    low_error_p90_pct: float
    high_windows: int
    high_unreliable_fraction: float


def score_record(rr_ms: np.ndarray, labels: np.ndarray) -> Score:
    """Interval-level sensitivity/specificity and the 5-minute window criteria of issue 4."""
    truth = true_non_nn(labels, rr_ms)
    flagged = classify_artifacts(rr_ms).any
    sens = float((flagged & truth).sum() / max(truth.sum(), 1))
    spec = float((~flagged & ~truth).sum() / max((~truth).sum(), 1))
    window = np.floor(np.cumsum(rr_ms) / 1000.0 / WINDOW_S).astype(int)
    errors, kept, high, high_unreliable = [], 0, 0, 0
    bounds = np.flatnonzero(np.diff(window)) + 1
    for part in np.split(np.arange(rr_ms.size), bounds):
        if rr_ms[part].sum() < 0.95 * WINDOW_S * 1000.0:
            continue
        abnormal_pct = 100.0 * float(np.mean(labels[part] != "N"))
        result = hrv_indices(rr_ms[part])
        if abnormal_pct <= 5.0:
            truth_rmssd = rmssd_of_kept(rr_ms[part], ~truth[part])
            error = abs(result.rmssd_ms / truth_rmssd - 1.0) * 100.0
            errors.append(error)
            kept += bool(result.reliable)
        elif abnormal_pct > 20.0:
            high += 1
            high_unreliable += not result.reliable
    err = np.asarray([e for e in errors if np.isfinite(e)])
    return Score(
        sensitivity=sens,
        specificity=spec,
        low_windows=len(errors),
        low_kept_fraction=kept / max(len(errors), 1),
        low_error_median_pct=float(np.median(err)) if err.size else float("nan"),
        low_error_p90_pct=float(np.percentile(err, 90)) if err.size else float("nan"),
        high_windows=high,
        high_unreliable_fraction=high_unreliable / max(high, 1),
    )
