"""Pure: a session review -> matplotlib figures for the take-home reports (PDF and HTML).

matplotlib's own PDF and Agg backends draw them, so a report needs no browser and no download.
Figures are built with `Figure()` directly (not pyplot): thread-safe inside the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hrv_relax.views.chart_data import (
    Band,
    EventMark,
    autonomic_data,
    event_marks,
    hr_rmssd_data,
    poincare_data,
    spectrum_data,
    tachogram_data,
)
from hrv_relax.views.palette import GREY
from hrv_relax.views.review import ReviewView

# Client names, notes and marker texts are typed by people: matplotlib would read "$...$" in
# them as mathtext ("$\frac{1}{0}$" printed a fraction, "$\foo$" failed every report of that
# client). No report text is meant as math, so none is parsed as math, in any thread (a
# per-call setting would leave other threads' text parsed while one report is drawn).
mpl.rcParams["text.parse_math"] = False

#: Width of a chart on an A4 page with margins (inches).
WIDTH_IN = 7.0


def _phases(
    ax: Axes, phases: Sequence[Band], events: Sequence[EventMark] = (), *, label: bool = False
) -> None:
    for band in phases:
        ax.axvspan(band.start, band.end, color=band.colour, alpha=0.15, lw=0)
        if label:
            ax.text(
                band.start,
                1.01,
                band.label.capitalize(),
                transform=ax.get_xaxis_transform(),
                fontsize=8,
                va="bottom",
            )
    for event in events:
        ax.axvline(event.t_min, color=GREY, ls=":", lw=0.8)


def _tidy(ax: Axes) -> None:
    ax.grid(True, color="#e5e5e5", lw=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)


def hr_rmssd(view: ReviewView, top: Axes, bottom: Axes) -> None:
    """Heart rate above, RMSSD below, phases shaded, baseline dashed."""
    d = hr_rmssd_data(view)
    for ax, line, value in ((top, d.hr, d.baseline_hr_bpm), (bottom, d.rmssd, d.baseline_rmssd_ms)):
        ax.plot(line.x, line.y, color=line.colour, lw=1.5)
        if np.isfinite(value):
            ax.axhline(value, color=GREY, ls="--", lw=0.8)
        _phases(ax, d.phases, d.events, label=ax is top)
        _tidy(ax)
    top.set_ylabel("Heart rate (bpm)", fontsize=9)
    bottom.set_ylabel("RMSSD (ms)", fontsize=9)
    bottom.set_xlabel("minutes", fontsize=9)
    bottom.set_ylim(bottom=0)
    bottom.sharex(top)


def tachogram(view: ReviewView, ax: Axes) -> None:
    d = tachogram_data(view)
    ax.plot(d.line.x, d.line.y, color=d.line.colour, lw=0.5)
    ax.scatter(
        d.artefacts.x,
        d.artefacts.y,
        s=12,
        color=d.artefacts.colour,
        edgecolor="black",
        lw=0.3,
        zorder=3,
        label=d.artefacts.name,
    )
    _phases(ax, d.phases, event_marks(view))
    _tidy(ax)
    ax.set_xlabel("minutes", fontsize=9)
    ax.set_ylabel("RR interval (ms)", fontsize=9)
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False)


def poincare(view: ReviewView, ax: Axes) -> None:
    d = poincare_data(view)
    ax.scatter(d.points.x, d.points.y, s=3, color=d.points.colour, alpha=0.35, lw=0)
    if d.identity_ms is not None:
        ax.plot(d.identity_ms, d.identity_ms, color=GREY, ls="--", lw=0.8)
    ax.set_aspect("equal", adjustable="datalim")
    ax.text(
        0.03,
        0.97,
        d.label.replace(" · ", "\n"),
        transform=ax.transAxes,
        fontsize=8,
        va="top",
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )
    ax.set_xlabel("RR n (ms)", fontsize=9)
    ax.set_ylabel("RR n+1 (ms)", fontsize=9)
    _tidy(ax)


def spectrum(view: ReviewView, ax: Axes) -> None:
    d = spectrum_data(view)
    for band in d.bands:
        ax.axvspan(band.start, band.end, color=band.colour, alpha=0.15, lw=0)
        ax.text(
            band.start + 0.005,
            0.97,
            band.label,
            transform=ax.get_xaxis_transform(),
            fontsize=8,
            va="top",
        )
    for curve in d.curves:
        ax.plot(curve.x, curve.y, color=curve.colour, lw=1.5, label=curve.name)
    ax.set_xlim(0, d.max_hz)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("frequency (Hz)", fontsize=9)
    ax.set_ylabel("power (ms²/Hz)", fontsize=9)
    if d.curves:
        ax.legend(fontsize=8, frameon=False, loc="upper right", bbox_to_anchor=(1.0, 0.9))
    _tidy(ax)


def autonomic(view: ReviewView, ax: Axes) -> None:
    d = autonomic_data(view)
    for line in d.lines:
        ax.plot(line.x, line.y, color=line.colour, lw=1.5, label=line.name)
    ax.axhline(0, color=GREY, ls=":", lw=0.8)
    _phases(ax, d.phases, event_marks(view))
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
