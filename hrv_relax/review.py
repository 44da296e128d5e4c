"""What the session review page (and the report) shows for one finished session.

Pure arithmetic lives in the analysis package; this module gathers the store's records and the
analysis into one frozen view: the plain-words headline, per-phase and per-technique figures,
and the series the charts draw (HR/RMSSD, tachogram with artefacts, Poincare, spectra, PNS/SNS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import (
    NormalRange,
    RollingAutonomic,
    RollingTimeDomain,
    against_normal,
    normal_range,
)
from hrv_relax.analysis.constants import INTERPOLATION_RATE_HZ, SMOOTHNESS_PRIORS_LAMBDA
from hrv_relax.analysis.detrending import smoothness_priors_detrend
from hrv_relax.analysis.frequency import resample, welch_psd
from hrv_relax.analysis.nonlinear import poincare
from hrv_relax.analysis.series import beat_series, select_nn
from hrv_relax.live_view import Span, phase_spans
from hrv_relax.plain_words import headline
from hrv_relax.store import (
    BeatArrays,
    ClientRecord,
    MarkerRecord,
    SessionRecord,
    Store,
)
from hrv_relax.store.access import (
    Viewer,
    visible_beats,
    visible_client,
    visible_markers,
    visible_session,
)
from hrv_relax.summary import PhaseFigures, SessionFigures, summarize
from hrv_relax.summary_cache import analyze_stored, session_summaries

FloatArray = npt.NDArray[np.float64]
#: The spectrum is drawn up to here: HF ends at 0.4 Hz.
SPECTRUM_MAX_HZ = 0.5
#: Welch needs a few breaths of signal: shorter phases get no spectrum.
MIN_SPECTRUM_S = 60.0
NORMAL_RANGE_SESSIONS = 10


@dataclass(frozen=True, slots=True)
class PoincarePoints:
    """Successive clean RR pairs (ms) and the cloud's SD1/SD2 (ms)."""

    rr_ms: FloatArray
    next_rr_ms: FloatArray
    sd1_ms: float
    sd2_ms: float


@dataclass(frozen=True, slots=True)
class PhaseSpectrum:
    """Welch power spectral density (ms^2/Hz) of one phase's clean RR, 4 Hz, detrended."""

    phase: str
    f_hz: FloatArray
    psd_ms2_hz: FloatArray


@dataclass(frozen=True, slots=True)
class ReviewView:
    session: SessionRecord
    client: ClientRecord
    figures: SessionFigures
    headline: str
    beats: BeatArrays
    artifacts: npt.NDArray[np.bool_]
    rolling_time: RollingTimeDomain
    rolling_autonomic: RollingAutonomic
    phases: tuple[Span, ...]
    events: tuple[MarkerRecord, ...]
    poincare: PoincarePoints
    spectra: tuple[PhaseSpectrum, ...]
    usual: NormalRange | None  # the client's normal range from earlier sessions
    baseline_position: str


def review_view(store: Store, viewer: Viewer, session_id: int) -> ReviewView:
    """Everything the review page draws for one of the viewer's sessions (NotFoundError else)."""
    session = visible_session(store, viewer, session_id)
    client = visible_client(store, viewer, session.client_id)
    beats = visible_beats(store, viewer, session_id)
    markers = visible_markers(store, viewer, session_id)
    if session.status == "recording":
        # A session still recording is not cached: its figures change with every beat.
        result, figures = summarize(beats, markers)
    else:
        result, figures = analyze_stored(store, viewer, session_id)
    earlier = [
        s.figures.baseline.ln_rmssd
        for s in session_summaries(store, viewer, client_ids=[client.id], recompute=False)
        if s.started_at < session.started_at
    ][-NORMAL_RANGE_SESSIONS:]
    usual = normal_range(earlier)
    end_s = float(beats.t_s[-1]) if len(beats) else 0.0
    return ReviewView(
        session=session,
        client=client,
        figures=figures,
        headline=headline(figures),
        beats=beats,
        artifacts=result.artifacts,
        rolling_time=result.rolling_time,
        rolling_autonomic=result.rolling_autonomic,
        phases=phase_spans(markers, end_s),
        events=tuple(m for m in markers if m.kind not in ("phase", "gap")),
        poincare=poincare_points(beats, result.artifacts),
        spectra=tuple(
            s
            for p in (figures.baseline, figures.main)
            if p is not None and (s := phase_spectrum(beats, result.artifacts, p)) is not None
        ),
        usual=usual,
        baseline_position=_position(figures.baseline, usual),
    )


def _position(baseline: PhaseFigures, usual: NormalRange | None) -> str:
    return against_normal(baseline.ln_rmssd, usual)


def poincare_points(beats: BeatArrays, artifacts: npt.NDArray[np.bool_]) -> PoincarePoints:
    series = beat_series(beats.rr_ms, beats.t_s)
    sel = select_nn(series, ~artifacts)
    pc = poincare(sel)
    return PoincarePoints(sel.prev_ms, sel.next_ms, pc.sd1_ms, pc.sd2_ms)


def phase_spectrum(
    beats: BeatArrays, artifacts: npt.NDArray[np.bool_], phase: PhaseFigures
) -> PhaseSpectrum | None:
    """The phase's spectrum as the analysis computes it (clean beats, spline, detrend, Welch)."""
    inside = (beats.t_s > phase.start_s) & (beats.t_s <= phase.end_s) & ~artifacts
    if phase.end_s - phase.start_s < MIN_SPECTRUM_S or np.count_nonzero(inside) < 8:
        return None
    even = resample(beats.t_s[inside], beats.rr_ms[inside], INTERPOLATION_RATE_HZ)
    x = smoothness_priors_detrend(even.rr_ms, SMOOTHNESS_PRIORS_LAMBDA)
    f_hz, psd = welch_psd(x, even.rate_hz)
    keep = f_hz <= SPECTRUM_MAX_HZ
    return PhaseSpectrum(phase.phase, f_hz[keep], psd[keep])
