"""Pure: a session review -> matplotlib figures for the take-home reports (PDF and HTML).

matplotlib's own PDF and Agg backends draw them, so a report needs no browser and no download.
Figures are built with `Figure()` directly (not pyplot): thread-safe inside the dashboard.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hrv_relax.analysis.constants import HF_BAND_HZ, LF_BAND_HZ
from hrv_relax.views.palette import BLUE, GREEN, GREY, ORANGE, PHASE_COLOURS, SKY, VERMILION
from hrv_relax.views.review import ReviewView, tachogram_line

# Client names, notes and marker texts are typed by people: matplotlib would read "$...$" in
# them as mathtext ("$\frac{1}{0}$" printed a fraction, "$\foo$" failed every report of that
# client). No report text is meant as math, so none is parsed as math, in any thread (a
# per-call setting would leave other threads' text parsed while one report is drawn).
mpl.rcParams["text.parse_math"] = False

#: Width of a chart on an A4 page with margins (inches).
WIDTH_IN = 7.0


def _phases(ax: Axes, view: ReviewView, *, label: bool = False) -> None:
    for band in view.phases:
        ax.axvspan(
            band.start_s / 60,
            band.end_s / 60,
            color=PHASE_COLOURS.get(band.label, GREY),
            alpha=0.15,
            lw=0,
        )
        if label:
            ax.text(
                band.start_s / 60,
                1.01,
                band.label.capitalize(),
                transform=ax.get_xaxis_transform(),
                fontsize=8,
                va="bottom",
            )
    for event in view.events:
        ax.axvline(event.t_s / 60, color=GREY, ls=":", lw=0.8)


def _tidy(ax: Axes) -> None:
    ax.grid(True, color="#e5e5e5", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def hr_rmssd(view: ReviewView, top: Axes, bottom: Axes) -> None:
    """Heart rate above, RMSSD below, phases shaded, baseline dashed."""
    rt = view.rolling_time
    base = view.figures.baseline
    top.plot(rt.t_s / 60, rt.hr_bpm, color=VERMILION, lw=1.5)
    bottom.plot(rt.t_s / 60, rt.rmssd_ms, color=BLUE, lw=1.5)
    for ax, value in ((top, base.hr_bpm), (bottom, base.rmssd_ms)):
        if np.isfinite(value):
            ax.axhline(value, color=GREY, ls="--", lw=0.8)
        _phases(ax, view, label=ax is top)
        _tidy(ax)
    top.set_ylabel("Heart rate (bpm)", fontsize=9)
    bottom.set_ylabel("RMSSD (ms)", fontsize=9)
    bottom.set_xlabel("minutes", fontsize=9)
    bottom.set_ylim(bottom=0)
    bottom.sharex(top)


def tachogram(view: ReviewView, ax: Axes) -> None:
    t_min = view.beats.t_s / 60
    bad = view.artifacts
    ax.plot(*tachogram_line(view.beats), color=BLUE, lw=0.5)
    ax.scatter(
        t_min[bad],
        view.beats.rr_ms[bad],
        s=12,
        color=ORANGE,
        edgecolor="black",
        lw=0.3,
        zorder=3,
        label=f"artefacts ({int(bad.sum())})",
    )
    _phases(ax, view)
    _tidy(ax)
    ax.set_xlabel("minutes", fontsize=9)
    ax.set_ylabel("RR interval (ms)", fontsize=9)
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)


def poincare(view: ReviewView, ax: Axes) -> None:
    pc = view.poincare
    ax.scatter(pc.rr_ms, pc.next_rr_ms, s=3, color=BLUE, alpha=0.35, lw=0)
    if pc.rr_ms.size:
        lo = float(min(pc.rr_ms.min(), pc.next_rr_ms.min()))
        hi = float(max(pc.rr_ms.max(), pc.next_rr_ms.max()))
        ax.plot([lo, hi], [lo, hi], color=GREY, ls="--", lw=0.8)
    ax.set_aspect("equal", adjustable="datalim")
    ax.text(
        0.03,
        0.97,
        f"SD1 {pc.sd1_ms:.0f} ms\nSD2 {pc.sd2_ms:.0f} ms",
        transform=ax.transAxes,
        fontsize=8,
        va="top",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )
    ax.set_xlabel("RR n (ms)", fontsize=9)
    ax.set_ylabel("RR n+1 (ms)", fontsize=9)
    _tidy(ax)


#: Characters per line of the notes inside the half-width spectrum chart.
SPECTRUM_NOTE_CHARS = 46


def spectrum(view: ReviewView, ax: Axes) -> None:
    for band, colour, label in ((LF_BAND_HZ, ORANGE, "LF"), (HF_BAND_HZ, SKY, "HF")):
        ax.axvspan(*band, color=colour, alpha=0.15, lw=0)
        ax.text(
            band[0] + 0.005, 0.97, label, transform=ax.get_xaxis_transform(), fontsize=8, va="top"
        )
    for s in view.spectra:
        colour = GREY if s.phase == view.figures.baseline.phase else GREEN
        ax.plot(s.f_hz, s.psd_ms2_hz, color=colour, lw=1.5, label=s.phase.capitalize())
    if view.spectrum_notes:  # phases split by gaps, or without a spectrum, and why
        ax.text(
            0.98,
            0.72,
            "\n".join(textwrap.fill(note, SPECTRUM_NOTE_CHARS) for note in view.spectrum_notes),
            transform=ax.transAxes,
            fontsize=6.5,
            ha="right",
            va="top",
            color=GREY,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
        )
    ax.set_xlim(0, 0.5)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("frequency (Hz)", fontsize=9)
    ax.set_ylabel("power (ms²/Hz)", fontsize=9)
    if view.spectra:
        ax.legend(fontsize=8, frameon=False, loc="upper right", bbox_to_anchor=(1.0, 0.9))
    _tidy(ax)


def autonomic(view: ReviewView, ax: Axes) -> None:
    ra = view.rolling_autonomic
    ax.plot(ra.t_s / 60, ra.pns_index, color=GREEN, lw=1.5, label="PNS index")
    ax.plot(ra.t_s / 60, ra.sns_index, color=VERMILION, lw=1.5, label="SNS index")
    ax.axhline(0, color=GREY, ls=":", lw=0.8)
    _phases(ax, view)
    _tidy(ax)
    ax.set_xlabel("minutes", fontsize=9)
    ax.set_ylabel("SD from norm", fontsize=9)
    ax.legend(fontsize=8, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2)


@dataclass(frozen=True, slots=True)
class Chart:
    """A report chart: its caption key, size on the page (inches) and how to draw it."""

    key: str
    title: str
    height_in: float
    n_axes: int
    draw: Callable[..., None]


CHARTS: tuple[Chart, ...] = (
    Chart("hr_rmssd", "Heart rate and RMSSD", 3.0, 2, hr_rmssd),
    Chart("tachogram", "Heartbeat intervals (tachogram)", 1.9, 1, tachogram),
    Chart("poincare", "Poincaré plot", 2.7, 1, poincare),
    Chart("spectrum", "Power spectrum", 2.7, 1, spectrum),
    Chart("autonomic", "PNS and SNS index", 1.9, 1, autonomic),
)


def standalone(chart: Chart, view: ReviewView) -> Figure:
    """One chart as its own figure (for the HTML report)."""
    width = WIDTH_IN if chart.key not in ("poincare", "spectrum") else WIDTH_IN / 2
    fig = Figure(figsize=(width, chart.height_in), layout="constrained")
    axes = fig.subplots(chart.n_axes, 1, squeeze=False)[:, 0]
    chart.draw(view, *axes)
    return fig
