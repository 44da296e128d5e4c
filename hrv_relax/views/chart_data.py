"""What each review chart draws, prepared once for the page (plotly) and the report (matplotlib).

Pure: a :class:`~hrv_relax.views.review.ReviewView` in, arrays in chart units (minutes, ms,
Hz), phase bands, labels and colours out. The two renderers only draw these records, so the
page and the take-home report cannot drift apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis.constants import HF_BAND_HZ, LF_BAND_HZ
from hrv_relax.analysis.series import beat_series, gap_before_s
from hrv_relax.records import BeatArrays
from hrv_relax.views.palette import BLUE, GREEN, GREY, ORANGE, PHASE_COLOURS, SKY, VERMILION
from hrv_relax.views.review import SPECTRUM_MAX_HZ, ReviewView

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded stretch of the x axis: a phase (minutes) or a spectral band (Hz)."""

    label: str
    start: float
    end: float
    colour: str


@dataclass(frozen=True, slots=True)
class EventMark:
    """A dotted line at ``t_min``: the technique, pressure, region and note markers there."""

    t_min: float
    label: str


@dataclass(frozen=True, slots=True)
class Line:
    """One drawn series: x and y, its legend name and colour (NaN in y breaks the line)."""

    x: FloatArray
    y: FloatArray
    name: str
    colour: str


@dataclass(frozen=True, slots=True)
class HrRmssdData:
    """Heart rate (bpm) and RMSSD (ms) on 60 s windows, against the baseline's figures."""

    hr: Line
    rmssd: Line
    baseline_hr_bpm: float
    baseline_rmssd_ms: float
    phases: tuple[Band, ...]
    events: tuple[EventMark, ...]


@dataclass(frozen=True, slots=True)
class TachogramData:
    """RR intervals (ms) over minutes, the line broken at gaps, artefacts as points."""

    line: Line
    artefacts: Line
    phases: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class PoincareData:
    """Successive clean RR pairs (ms), the identity line's ends, and the SD1/SD2 label."""

    points: Line
    identity_ms: tuple[float, float] | None
    label: str


@dataclass(frozen=True, slots=True)
class SpectrumData:
    """Each drawn phase's PSD (ms^2/Hz over Hz) with the LF and HF bands, and the notes."""

    curves: tuple[Line, ...]
    bands: tuple[Band, ...]
    max_hz: float
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AutonomicData:
    """PNS and SNS index (SD from the population norm) on 5-minute windows, over minutes."""

    lines: tuple[Line, ...]
    phases: tuple[Band, ...]


def phase_bands(view: ReviewView) -> tuple[Band, ...]:
    """The session's phases in minutes, each in its colour (grey for unnamed ones)."""
    return tuple(
        Band(p.label, p.start_s / 60, p.end_s / 60, PHASE_COLOURS.get(p.label, GREY))
        for p in view.phases
    )


def event_marks(view: ReviewView) -> tuple[EventMark, ...]:
    """One mark per moment: a technique and a pressure marked together share one label."""
    labels: dict[float, list[str]] = {}
    for e in view.events:
        labels.setdefault(round(e.t_s, 1), []).append(f"{e.kind}: {e.value}")
    return tuple(EventMark(t / 60, " · ".join(texts)) for t, texts in sorted(labels.items()))


def tachogram_line(beats: BeatArrays) -> tuple[FloatArray, FloatArray]:
    """Beat times (min) and RR (ms) for a line chart, broken (NaN) where beats were not recorded.

    A line drawn straight across a lost-contact stretch would show beats that never were.
    """
    gaps = np.flatnonzero(gap_before_s(beat_series(beats.rr_ms, beats.t_s)) > 0)
    t_min = np.insert(beats.t_s / 60.0, gaps, math.nan)
    rr = np.insert(beats.rr_ms.astype(np.float64), gaps, math.nan)
    return t_min, rr


def hr_rmssd_data(view: ReviewView) -> HrRmssdData:
    rt = view.rolling_time
    t_min = rt.t_s / 60
    base = view.figures.baseline
    return HrRmssdData(
        hr=Line(t_min, rt.hr_bpm, "Heart rate", VERMILION),
        rmssd=Line(t_min, rt.rmssd_ms, "RMSSD", BLUE),
        baseline_hr_bpm=base.hr_bpm,
        baseline_rmssd_ms=base.rmssd_ms,
        phases=phase_bands(view),
        events=event_marks(view),
    )


def tachogram_data(view: ReviewView) -> TachogramData:
    bad = view.artifacts
    beats = view.beats
    rr = beats.rr_ms.astype(np.float64)
    return TachogramData(
        line=Line(*tachogram_line(beats), "RR", BLUE),
        artefacts=Line(beats.t_s[bad] / 60, rr[bad], f"artefacts ({int(bad.sum())})", ORANGE),
        phases=phase_bands(view),
    )


def poincare_data(view: ReviewView) -> PoincareData:
    pc = view.poincare
    identity = None
    if pc.rr_ms.size:
        identity = (
            float(min(pc.rr_ms.min(), pc.next_rr_ms.min())),
            float(max(pc.rr_ms.max(), pc.next_rr_ms.max())),
        )
    return PoincareData(
        points=Line(pc.rr_ms, pc.next_rr_ms, "beats", BLUE),
        identity_ms=identity,
        label=f"SD1 {pc.sd1_ms:.0f} ms · SD2 {pc.sd2_ms:.0f} ms",
    )


def spectrum_data(view: ReviewView) -> SpectrumData:
    """The baseline in grey, the other phase in green; no curve for a phase without one."""
    baseline = view.figures.baseline.phase
    return SpectrumData(
        curves=tuple(
            Line(s.f_hz, s.psd_ms2_hz, s.phase.capitalize(), GREY if s.phase == baseline else GREEN)
            for s in view.spectra
        ),
        bands=(Band("LF", *LF_BAND_HZ, ORANGE), Band("HF", *HF_BAND_HZ, SKY)),
        max_hz=SPECTRUM_MAX_HZ,
        notes=view.spectrum_notes,
    )


def autonomic_data(view: ReviewView) -> AutonomicData:
    ra = view.rolling_autonomic
    t_min = ra.t_s / 60
    return AutonomicData(
        lines=(
            Line(t_min, ra.pns_index, "PNS index", GREEN),
            Line(t_min, ra.sns_index, "SNS index", VERMILION),
        ),
        phases=phase_bands(view),
    )
