"""What the session review page (and the report) shows for one finished session.

Pure arithmetic lives in the analysis package; this module gathers the store's records and the
analysis into one frozen view: the plain-words headline, per-phase and per-technique figures,
and the series the charts draw (HR/RMSSD, tachogram with artefacts, Poincare, spectra, PNS/SNS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import (
    NormalRange,
    RollingAutonomic,
    RollingTimeDomain,
    SessionAnalysis,
    Span,
    against_normal,
    normal_range,
    phase_marks,
    phase_spans,
)
from hrv_relax.analysis.constants import MAX_SPECTRAL_GAP_S, MIN_HF_S, SMOOTHNESS_PRIORS_LAMBDA
from hrv_relax.analysis.frequency import gap_free_spectra
from hrv_relax.analysis.nonlinear import poincare
from hrv_relax.analysis.reasons import NO_HF, ReasonCode, joined
from hrv_relax.analysis.series import beat_series, select_nn
from hrv_relax.records import Viewer
from hrv_relax.store import (
    BeatArrays,
    ClientRecord,
    MarkerRecord,
    SessionRecord,
    Store,
)
from hrv_relax.store.access import visible_session_read
from hrv_relax.store.settings import clinic_name
from hrv_relax.store.user_names import user_names
from hrv_relax.views.local_time import ClinicClock
from hrv_relax.views.plain_words import headline, how_sure, possessive
from hrv_relax.views.summary import PhaseFigures, SessionFigures, summarize
from hrv_relax.views.summary_cache import cache_figures, session_summaries
from hrv_relax.vocabulary import MarkerKind, SessionStatus

FloatArray = npt.NDArray[np.float64]
#: The spectrum is drawn up to here: HF ends at 0.4 Hz.
SPECTRUM_MAX_HZ = 0.5
NORMAL_RANGE_SESSIONS = 10
#: Reasons whose text already starts by saying the spectrum is missing.
SAYS_NO_SPECTRUM = frozenset({ReasonCode.STRETCHES_SHORT_FOR_BANDS, ReasonCode.SPECTRUM_ARTEFACTS})


@dataclass(frozen=True, slots=True)
class PoincarePoints:
    """Successive clean RR pairs (ms) and the cloud's SD1/SD2 (ms)."""

    rr_ms: FloatArray
    next_rr_ms: FloatArray
    sd1_ms: float
    sd2_ms: float


@dataclass(frozen=True, slots=True)
class PhaseSpectrum:
    """Power spectral density (ms^2/Hz) of one phase, taken as its HF figure is.

    The phase is cut at gaps over ``MAX_SPECTRAL_GAP_S``; every gap-free stretch long enough
    for HF has its own spectrum (clean beats, 4 Hz spline, detrend, Welch), and the curve is
    their mean weighted by covered time, so its HF band power is the phase's ``hf_ms2``.
    ``note`` says what was averaged when gaps split the phase, else it is empty.
    """

    phase: str
    f_hz: FloatArray
    psd_ms2_hz: FloatArray
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewView:
    session: SessionRecord
    client: ClientRecord
    figures: SessionFigures
    headline: str  # addressed to the client ("your heart rate"), as her report is
    headline_about: str  # about the client, for staff ("Dana Example's heart rate")
    how_sure: str  # the headline's 95 % ranges in words ("" without intervals)
    beats: BeatArrays
    artifacts: npt.NDArray[np.bool_]
    rolling_time: RollingTimeDomain
    rolling_autonomic: RollingAutonomic
    phases: tuple[Span, ...]
    events: tuple[MarkerRecord, ...]
    poincare: PoincarePoints
    spectra: tuple[PhaseSpectrum, ...]
    spectrum_notes: tuple[str, ...]  # phases split by gaps, or with no spectrum and why
    usual: NormalRange | None  # the client's normal range from earlier sessions
    baseline_position: str
    clock: ClinicClock  # the clinic's zone, for every time shown
    clinic_name: str  # the practice's name ("" when none is set)
    therapist_name: str  # who gave the session ("" when nobody is recorded)


def review_view(store: Store, viewer: Viewer, session_id: int) -> ReviewView:
    """Everything the review page and the reports draw for one of the viewer's sessions
    (NotFoundError else): the session, its beats and markers are read once, analysed once, and
    every chart and table takes its data from that one analysis."""
    read = visible_session_read(store, viewer, session_id)
    session, client, beats, markers = read.session, read.client, read.beats, read.markers
    result, figures = summarize(beats, markers)
    summaries = session_summaries(store, viewer, client_ids=[client.id], recompute=False)
    # A session still recording is not cached: its figures change with every beat.
    if session.status != SessionStatus.RECORDING and all(
        s.session_id != session_id for s in summaries
    ):
        cache_figures(store, {session_id: figures})
    earlier = [s.figures.baseline.ln_rmssd for s in summaries if s.started_at < session.started_at]
    usual = normal_range(earlier[-NORMAL_RANGE_SESSIONS:])
    end_s = float(beats.t_s[-1]) if len(beats) else 0.0
    spectra, spectrum_notes = phase_spectra(beats, result, figures)
    return ReviewView(
        session=session,
        client=client,
        figures=figures,
        headline=headline(figures),
        headline_about=headline(figures, whose=possessive(client.name)),
        how_sure=how_sure(figures),
        beats=beats,
        artifacts=result.artifacts,
        rolling_time=result.rolling_time,
        rolling_autonomic=result.rolling_autonomic,
        phases=phase_spans(phase_marks(markers), end_s),
        events=tuple(m for m in markers if m.kind not in (MarkerKind.PHASE, MarkerKind.GAP)),
        poincare=poincare_points(beats, result.artifacts),
        spectra=spectra,
        spectrum_notes=spectrum_notes,
        usual=usual,
        baseline_position=_position(figures.baseline, usual),
        clock=ClinicClock.for_store(store),
        clinic_name=clinic_name(store),
        therapist_name=_therapist_name(store, session.therapist_id),
    )


def _therapist_name(store: Store, therapist_id: int | None) -> str:
    if therapist_id is None:
        return ""
    return user_names(store, [therapist_id]).get(therapist_id, "")


def _position(baseline: PhaseFigures, usual: NormalRange | None) -> str:
    return against_normal(baseline.ln_rmssd, usual)


def poincare_points(beats: BeatArrays, artifacts: npt.NDArray[np.bool_]) -> PoincarePoints:
    series = beat_series(beats.rr_ms, beats.t_s)
    sel = select_nn(series, ~artifacts)
    pc = poincare(sel)
    return PoincarePoints(sel.prev_ms, sel.next_ms, pc.sd1_ms, pc.sd2_ms)


def phase_spectra(
    beats: BeatArrays, result: SessionAnalysis, figures: SessionFigures
) -> tuple[tuple[PhaseSpectrum, ...], tuple[str, ...]]:
    """The spectra of the baseline and the main phase, and what the chart says about them.

    Each phase leaves out the beats its own figures left out (``result``'s phase flags).
    """
    flags = {(p.start_s, p.end_s): p.artifacts for p in (result.baseline, *result.phases)}
    drawn: list[PhaseSpectrum] = []
    notes: list[str] = []
    for phase in (figures.baseline, figures.main):
        if phase is None:
            continue
        name = phase.phase.capitalize()
        spectrum = phase_spectrum(beats, phase, flags[phase.start_s, phase.end_s])
        if isinstance(spectrum, str):
            notes.append(f"{name}: {spectrum}")
            continue
        drawn.append(spectrum)
        if spectrum.note:
            notes.append(f"{name}: {spectrum.note}")
    return tuple(drawn), tuple(notes)


def phase_spectrum(
    beats: BeatArrays, phase: PhaseFigures, artifacts: npt.NDArray[np.bool_]
) -> PhaseSpectrum | str:
    """The phase's spectrum as its HF figure is taken, or why it has none (HF not computable).

    ``artifacts`` flags the phase's beats as its figures judged them (on their own, see
    :class:`~hrv_relax.analysis.PhaseResult`), and the analysis cuts them at long gaps
    (:func:`~hrv_relax.analysis.frequency.gap_free_spectra`): a spline never runs across a gap
    it would fill with invented values.
    """
    if not math.isfinite(phase.hf_ms2):
        return _why_no_hf(phase)
    inside = (beats.t_s > phase.start_s) & (beats.t_s <= phase.end_s)
    series = beat_series(beats.rr_ms[inside], beats.t_s[inside])
    stretches = gap_free_spectra(series, ~artifacts, SMOOTHNESS_PRIORS_LAMBDA)
    mean = stretches.mean_psd(MIN_HF_S)
    if mean is None:
        return _why_no_hf(phase)
    f_hz, psd = mean[0], mean[1][0]
    used_s = [s.duration_s for s in stretches.spectra if s.duration_s >= MIN_HF_S]
    shown = f_hz <= SPECTRUM_MAX_HZ
    note = ""
    if stretches.split:
        n, used_min, all_min = len(used_s), sum(used_s) / 60, sum(stretches.durations_s) / 60
        left_out = len(stretches.durations_s) - n
        pieces = f"{n} unbroken stretch{'es' if n > 1 else ''}"
        short = (
            f" ({left_out} shorter than {MIN_HF_S:.0f} s {'was' if left_out == 1 else 'were'} "
            "too short to use)"
            if left_out
            else ""
        )
        note = (
            f"the strap missed beats for over {MAX_SPECTRAL_GAP_S:.0f} s, so this curve is "
            f"the average of {pieces}, {used_min:.1f} of {all_min:.1f} min{short}; "
            "the missing beats are not made up"
        )
    return PhaseSpectrum(phase.phase, f_hz[shown], psd[shown], note)


def _why_no_hf(phase: PhaseFigures) -> str:
    """Why a phase has no spectrum: the reasons that withhold its HF (all when unreliable)."""
    spectral = [r for r in phase.reasons if r.code in NO_HF]
    if spectral and spectral[0].code in SAYS_NO_SPECTRUM:
        return joined(spectral)
    return f"no spectrum, {joined(spectral) or phase.note or 'too few clean beats'}"
