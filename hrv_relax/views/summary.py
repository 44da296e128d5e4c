"""A session's figures: per phase, per technique and pressure, with their uncertainty.

Pure: beats and markers in, :class:`SessionFigures` out (plus the full analysis for charts).
The figures are what the history page, the reports and the summaries CSV show; they are cached
in the store as JSON (`to_json` / `from_json`) under :data:`ANALYSIS_VERSION`, which changes
whenever the analysis code or this module changes, so stale caches are recomputed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hrv_relax import analysis
from hrv_relax.analysis import (
    Change,
    HrvIndices,
    RelaxationShift,
    SessionAnalysis,
    analyze_session,
    hrv_indices,
    phase_marks,
)
from hrv_relax.analysis.reasons import Reason, ReasonCode
from hrv_relax.analysis.relaxation import relaxation_shift, subwindows
from hrv_relax.analysis.segments import Segment, marked_segments
from hrv_relax.analysis.series import beat_series
from hrv_relax.store import BeatArrays, MarkerRecord
from hrv_relax.store.history_figures import HistoryFigures, SegmentHistory

#: Bump when the JSON layout changes; the analysis code's own changes are caught by the hash.
SUMMARY_FORMAT = 3
#: A technique or pressure held for less than this has too few 30 s pieces for an interval.
MIN_SEGMENT_S = 60.0
MAIN_PHASE = "massage"


def _source_hash() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).resolve()
    paths = sorted(Path(analysis.__file__).resolve().parent.glob("*.py"))
    for path in [*paths, here]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


ANALYSIS_VERSION = f"f{SUMMARY_FORMAT}-{_source_hash()[:24]}"


@dataclass(frozen=True, slots=True)
class ShiftFigures:
    """A stretch against the baseline: HR (bpm) and lnRMSSD changes with 95 % intervals."""

    hr_bpm: Change
    ln_rmssd: Change
    rmssd_pct: float
    verdict: str
    reason: str


@dataclass(frozen=True, slots=True)
class PhaseFigures:
    """One phase's indices (NaN where not computable: `note` says why) and its shift."""

    phase: str
    start_s: float
    end_s: float
    n_beats: int
    artifact_pct: float
    reliable: bool
    note: str
    hr_bpm: float
    rmssd_ms: float
    ln_rmssd: float
    hf_ms2: float
    lf_hf: float
    pns_index: float
    sns_index: float
    breathing_per_min: float
    dfa_alpha1: float
    sampen: float
    shift: ShiftFigures | None
    reasons: tuple[Reason, ...] = ()  # `note` as codes with their texts


@dataclass(frozen=True, slots=True)
class SegmentFigures:
    """A technique or pressure stretch and how HR and RMSSD moved against the baseline."""

    kind: str
    value: str
    start_s: float
    end_s: float
    shift: ShiftFigures | None
    note: str


@dataclass(frozen=True, slots=True)
class SessionFigures:
    duration_s: float
    n_beats: int
    artifact_pct: float
    baseline: PhaseFigures
    phases: tuple[PhaseFigures, ...]
    segments: tuple[SegmentFigures, ...]

    @property
    def main(self) -> PhaseFigures | None:
        """The phase that answers "did it relax": the massage, else the first later phase."""
        named = [p for p in self.phases if p.phase.strip().lower() == MAIN_PHASE]
        candidates = named or list(self.phases)
        return candidates[0] if candidates else None

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(sorted({f"{s.kind}: {s.value}" for s in self.segments}))


def _shift(shift: RelaxationShift) -> ShiftFigures:
    return ShiftFigures(shift.hr_bpm, shift.ln_rmssd, shift.rmssd_pct, shift.verdict, shift.reason)


def _phase(
    name: str, lo: float, hi: float, idx: HrvIndices, shift: ShiftFigures | None
) -> PhaseFigures:
    return PhaseFigures(
        phase=name,
        start_s=lo,
        end_s=hi,
        n_beats=idx.n_beats,
        artifact_pct=idx.artifact_pct,
        reliable=idx.reliable,
        note=idx.reason,
        reasons=idx.reasons,
        hr_bpm=idx.mean_hr_bpm,
        rmssd_ms=idx.rmssd_ms,
        ln_rmssd=idx.ln_rmssd,
        hf_ms2=idx.hf_ms2,
        lf_hf=idx.lf_hf,
        pns_index=idx.pns_index,
        sns_index=idx.sns_index,
        breathing_per_min=idx.breathing_rate_per_min,
        dfa_alpha1=idx.dfa_alpha1,
        sampen=idx.sampen,
        shift=shift,
    )


def summarize(
    beats: BeatArrays, markers: Sequence[MarkerRecord]
) -> tuple[SessionAnalysis, SessionFigures]:
    """Analyse a session and reduce it to its figures."""
    result = analyze_session(beats.rr_ms, phase_marks(markers), t_s=beats.t_s)
    b = result.baseline
    end_s = float(beats.t_s[-1]) if len(beats) else 0.0
    figures = SessionFigures(
        duration_s=end_s,
        n_beats=len(beats),
        artifact_pct=result.artifact_pct,
        baseline=_phase(b.phase, b.start_s, b.end_s, b.indices, None),
        phases=tuple(
            _phase(p.phase, p.start_s, p.end_s, p.indices, _shift(p.shift) if p.shift else None)
            for p in result.phases
        ),
        segments=tuple(_segment(beats, result, s) for s in marked_segments(markers, end_s)),
    )
    return result, figures


def _segment(beats: BeatArrays, result: SessionAnalysis, seg: Segment) -> SegmentFigures:
    if seg.duration_s < MIN_SEGMENT_S:
        note = f"held {seg.duration_s:.0f} s, under {MIN_SEGMENT_S:.0f} s: too short to judge"
        return SegmentFigures(seg.kind, seg.value, seg.start_s, seg.end_s, None, note)
    series = beat_series(beats.rr_ms, beats.t_s)
    keep = ~result.artifacts
    inside = (beats.t_s > seg.start_s) & (beats.t_s <= seg.end_s)
    idx = hrv_indices(beats.rr_ms[inside], t_s=beats.t_s[inside], nonlinear=False)
    b = result.baseline
    shift = relaxation_shift(
        subwindows(series, keep, b.start_s, b.end_s),
        subwindows(series, keep, seg.start_s, seg.end_s),
        b.indices,
        idx,
        variability=result.variability,
    )
    return SegmentFigures(seg.kind, seg.value, seg.start_s, seg.end_s, _shift(shift), "")


def history_figures(figures: SessionFigures) -> HistoryFigures:
    """The few figures of a session that the history page shows (stored beside its JSON)."""
    main = figures.main
    shift = main.shift if main else None
    nan = math.nan
    return HistoryFigures(
        duration_s=figures.duration_s,
        artifact_pct=figures.artifact_pct,
        baseline_ln_rmssd=figures.baseline.ln_rmssd,
        baseline_hr_bpm=figures.baseline.hr_bpm,
        ln_rmssd_change=shift.ln_rmssd.delta if shift else nan,
        ln_rmssd_change_low=shift.ln_rmssd.ci_low if shift else nan,
        ln_rmssd_change_high=shift.ln_rmssd.ci_high if shift else nan,
        rmssd_change_pct=shift.rmssd_pct if shift else nan,
        hr_change_bpm=shift.hr_bpm.delta if shift else nan,
        verdict=shift.verdict if shift else None,
        segments=tuple(
            SegmentHistory(
                kind=s.kind,
                value=s.value,
                ln_rmssd_change=s.shift.ln_rmssd.delta if s.shift else nan,
                hr_change_bpm=s.shift.hr_bpm.delta if s.shift else nan,
                verdict=s.shift.verdict if s.shift else None,
            )
            for s in figures.segments
        ),
    )


# --- JSON (NaN is not JSON: it is stored as null) ------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, np.floating | np.integer):
        return _plain(value.item())
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def to_json(figures: SessionFigures) -> dict[str, Any]:
    out: dict[str, Any] = _plain(figures)
    return out


def _f(value: Any) -> float:
    return math.nan if value is None else float(value)


def _change(d: Mapping[str, Any]) -> Change:
    return Change(*(_f(d[k]) for k in ("baseline", "phase", "delta", "ci_low", "ci_high")))


def _shift_from(d: Mapping[str, Any] | None) -> ShiftFigures | None:
    if d is None:
        return None
    return ShiftFigures(
        _change(d["hr_bpm"]), _change(d["ln_rmssd"]), _f(d["rmssd_pct"]), d["verdict"], d["reason"]
    )


def _phase_from(d: Mapping[str, Any]) -> PhaseFigures:
    floats = (
        "start_s",
        "end_s",
        "artifact_pct",
        "hr_bpm",
        "rmssd_ms",
        "ln_rmssd",
        "hf_ms2",
        "lf_hf",
        "pns_index",
        "sns_index",
        "breathing_per_min",
        "dfa_alpha1",
        "sampen",
    )
    return PhaseFigures(
        phase=d["phase"],
        n_beats=int(d["n_beats"]),
        reliable=bool(d["reliable"]),
        note=d["note"],
        shift=_shift_from(d["shift"]),
        reasons=tuple(Reason(ReasonCode(r["code"]), r["text"]) for r in d["reasons"]),
        **{k: _f(d[k]) for k in floats},
    )


def from_json(d: Mapping[str, Any]) -> SessionFigures:
    return SessionFigures(
        duration_s=_f(d["duration_s"]),
        n_beats=int(d["n_beats"]),
        artifact_pct=_f(d["artifact_pct"]),
        baseline=_phase_from(d["baseline"]),
        phases=tuple(_phase_from(p) for p in d["phases"]),
        segments=tuple(
            SegmentFigures(
                s["kind"],
                s["value"],
                _f(s["start_s"]),
                _f(s["end_s"]),
                _shift_from(s["shift"]),
                s["note"],
            )
            for s in d["segments"]
        ),
    )
