"""Whole-session analysis: artefacts, rolling series, per-phase indices, relaxation shifts."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.artifacts import classify_artifacts
from hrv_relax.analysis.constants import INTERPOLATION_RATE_HZ, SMOOTHNESS_PRIORS_LAMBDA
from hrv_relax.analysis.frequency import resample
from hrv_relax.analysis.indices import HrvIndices, hrv_indices
from hrv_relax.analysis.nonlinear import vlf_residual_nn
from hrv_relax.analysis.norms import DEFAULT_NORMS, AutonomicNorms
from hrv_relax.analysis.phases import PhaseMark, session_phases
from hrv_relax.analysis.relaxation import (
    PieceVariability,
    RelaxationShift,
    SlowPieces,
    relaxation_shift,
    session_variability,
    slow_pieces,
    subwindows,
)
from hrv_relax.analysis.rolling import (
    RollingAutonomic,
    RollingSpectral,
    RollingTimeDomain,
    rolling_autonomic,
    rolling_spectral,
    rolling_time_domain,
)
from hrv_relax.analysis.series import BeatSeries, BoolArray, beat_series
from hrv_relax.analysis.usual_range import (
    NormalPosition,
    NormalRange,
    against_normal,
    normal_range,
)


@dataclass(frozen=True, slots=True)
class PhaseResult:
    """One phase: its span (s), its indices, and its shift against the baseline.

    ``artifacts`` flags the phase's own beats (those in ``(start_s, end_s]``), judged on their
    own as for its indices: what its spectrum leaves out.
    """

    phase: str
    start_s: float
    end_s: float
    indices: HrvIndices
    shift: RelaxationShift | None
    artifacts: BoolArray


@dataclass(frozen=True, slots=True)
class SessionAnalysis:
    """Everything the dashboard shows for a session."""

    artifacts: BoolArray
    irregular: BoolArray
    artifact_pct: float
    rolling_time: RollingTimeDomain
    rolling_spectral: RollingSpectral
    rolling_autonomic: RollingAutonomic
    baseline: PhaseResult
    phases: tuple[PhaseResult, ...]
    usual: NormalRange | None
    baseline_vs_usual: NormalPosition
    #: How this session's HR and lnRMSSD pieces wander at rest: the drift every shift allows.
    variability: PieceVariability


def _indices(
    series: BeatSeries, lo_s: float, hi_s: float, detrend: float | None, norms: AutonomicNorms
) -> tuple[HrvIndices, BoolArray]:
    """The indices of the beats in (lo_s, hi_s], and their artefact flags (judged once)."""
    inside = (series.t_s > lo_s) & (series.t_s <= hi_s)
    rr_ms = series.rr_ms[inside]
    classes = classify_artifacts(rr_ms)
    indices = hrv_indices(
        rr_ms, t_s=series.t_s[inside], detrend=detrend, norms=norms, artifacts=classes
    )
    return indices, classes.any


def analyze_session(
    rr_ms: npt.ArrayLike,
    markers: Sequence[PhaseMark] = (),
    *,
    t_s: npt.ArrayLike | None = None,
    past_baseline_ln_rmssd: Sequence[float] = (),
    detrend: float | None = SMOOTHNESS_PRIORS_LAMBDA,
    norms: AutonomicNorms = DEFAULT_NORMS,
) -> SessionAnalysis:
    """Analyse a session of RR intervals (ms) with optional phase markers and beat times (s).

    ``past_baseline_ln_rmssd`` are the client's earlier baseline lnRMSSD values; with five or
    more, the baseline is placed against the client's usual range (a 90 % prediction interval).
    """
    series = beat_series(rr_ms, t_s)
    classes = classify_artifacts(series.rr_ms)
    keep = ~classes.any
    start_s = float(series.t_s[0] - series.rr_ms[0] / 1000.0) if series.n else 0.0
    end_s = float(series.t_s[-1]) if series.n else 0.0
    spans = session_phases(markers, start_s, end_s)
    base = spans.baseline

    # One spline and one slow trend for the whole session, shared by the rolling series and the
    # 60 s pieces of the relaxation shift.
    even = resample(series.t_s[keep], series.rr_ms[keep], INTERPOLATION_RATE_HZ)
    residual = np.zeros(series.n)
    if keep.any():
        residual[keep] = vlf_residual_nn(series.t_s[keep], series.rr_ms[keep])

    def slow(lo: float, hi: float) -> SlowPieces:
        return slow_pieces(
            series, keep, lo, hi, even=even, residual_ms=residual, detrend=detrend, norms=norms
        )

    base_idx, base_flags = _indices(series, base.start_s, base.end_s, detrend, norms)
    base_pieces = subwindows(series, keep, base.start_s, base.end_s)
    base_slow = slow(base.start_s, base.end_s)
    later = [subwindows(series, keep, span.start_s, span.end_s) for span in spans.later]
    # One variogram per session: every phase shows how this heart wanders at rest.
    wander = session_variability(base_pieces, later)
    phases = []
    for span, pieces in zip(spans.later, later, strict=True):
        lo, hi = span.start_s, span.end_s
        idx, flags = _indices(series, lo, hi, detrend, norms)
        shift = relaxation_shift(
            base_pieces,
            pieces,
            base_idx,
            idx,
            base_slow=base_slow,
            phase_slow=slow(lo, hi),
            variability=wander,
        )
        phases.append(PhaseResult(span.label, lo, hi, idx, shift, flags))
    usual = normal_range(past_baseline_ln_rmssd)
    spectral = rolling_spectral(series, keep, detrend, even=even, irregular=classes.irregular)
    return SessionAnalysis(
        artifacts=classes.any,
        irregular=classes.irregular,
        artifact_pct=100.0 * float(np.mean(classes.any)) if series.n else 0.0,
        rolling_time=rolling_time_domain(series, keep, irregular=classes.irregular),
        rolling_spectral=spectral,
        rolling_autonomic=rolling_autonomic(
            series,
            keep,
            norms,
            residual_ms=residual,
            irregular=classes.irregular,
            breathing=spectral,
        ),
        baseline=PhaseResult(base.label, base.start_s, base.end_s, base_idx, None, base_flags),
        phases=tuple(phases),
        usual=usual,
        baseline_vs_usual=against_normal(base_idx.ln_rmssd, usual),
        variability=wander,
    )
