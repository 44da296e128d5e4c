"""Pure HRV analysis: RR intervals (ms) in, frozen dataclasses out. No I/O.

See docs/analysis.md for what every number means, its window and its reference.
"""

from hrv_relax.analysis.artifacts import (
    ArtifactClasses,
    classify_artifacts,
    detect_artifacts,
    lipponen_tarvainen,
)
from hrv_relax.analysis.indices import HrvIndices, hrv_indices
from hrv_relax.analysis.live import LiveHrv, LiveReading
from hrv_relax.analysis.norms import DEFAULT_NORMS, AutonomicNorms, Norm
from hrv_relax.analysis.phases import (
    PhaseMark,
    SessionPhases,
    Span,
    StoredMarker,
    baseline_span,
    finished_baseline,
    is_baseline,
    later_phases,
    phase_marks,
    phase_spans,
    session_phases,
)
from hrv_relax.analysis.reasons import Reason, ReasonCode
from hrv_relax.analysis.relaxation import Change, RelaxationShift
from hrv_relax.analysis.rolling import RollingAutonomic, RollingSpectral, RollingTimeDomain
from hrv_relax.analysis.session import PhaseResult, SessionAnalysis, analyze_session
from hrv_relax.analysis.usual_range import (
    NormalRange,
    NormalRanges,
    against_normal,
    normal_range,
    positions_against_normal,
    rolling_normal_ranges,
)
from hrv_relax.errors import AnalysisError

__all__ = [
    "DEFAULT_NORMS",
    "AnalysisError",
    "ArtifactClasses",
    "AutonomicNorms",
    "Change",
    "HrvIndices",
    "LiveHrv",
    "LiveReading",
    "Norm",
    "NormalRange",
    "NormalRanges",
    "PhaseMark",
    "PhaseResult",
    "Reason",
    "ReasonCode",
    "RelaxationShift",
    "RollingAutonomic",
    "RollingSpectral",
    "RollingTimeDomain",
    "SessionAnalysis",
    "SessionPhases",
    "Span",
    "StoredMarker",
    "against_normal",
    "analyze_session",
    "baseline_span",
    "classify_artifacts",
    "detect_artifacts",
    "finished_baseline",
    "hrv_indices",
    "is_baseline",
    "later_phases",
    "lipponen_tarvainen",
    "normal_range",
    "phase_marks",
    "phase_spans",
    "positions_against_normal",
    "rolling_normal_ranges",
    "session_phases",
]
