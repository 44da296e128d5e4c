"""Pure: data -> plotly figures. No store, no Streamlit, no HRV arithmetic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from hrv_relax.live_view import LiveView, Span

# Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008).
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
SKY = "#56B4E9"
GREY = "#999999"
MIN_SPAN_MIN = 5.0
MIN_HR_SPAN_BPM = 20.0
PHASE_COLOURS = {"baseline": SKY, "massage": GREEN, "recovery": ORANGE}


@dataclass(frozen=True, slots=True)
class EventLine:
    t_s: float
    label: str


def live_figure(view: LiveView) -> go.Figure:
    """The live page's chart for a LiveView."""
    return live_chart(
        view.beat_t_s,
        view.strap_bpm,
        view.rolling.t_s,
        view.rolling.rmssd_ms,
        phases=view.phases,
        gaps=view.gaps,
        events=[EventLine(e.t_s, f"{e.kind}: {e.value}") for e in view.events],
        baseline_hr_bpm=view.baseline.mean_hr_bpm if view.baseline else None,
        baseline_rmssd_ms=view.baseline.rmssd_ms if view.baseline else None,
    )


def live_chart(
    hr_t_s: npt.NDArray[np.float64],
    hr_bpm: npt.NDArray[np.float64],
    rmssd_t_s: npt.NDArray[np.float64],
    rmssd_ms: npt.NDArray[np.float64],
    *,
    phases: Sequence[Span] = (),
    gaps: Sequence[Span] = (),
    events: Sequence[EventLine] = (),
    baseline_hr_bpm: float | None = None,
    baseline_rmssd_ms: float | None = None,
) -> go.Figure:
    """Heart rate above, RMSSD below, over the session in minutes, with phases shaded."""
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("Heart rate (bpm)", "RMSSD, 60 s window (ms)"),
    )
    fig.add_trace(
        go.Scatter(
            x=hr_t_s / 60,
            y=hr_bpm,
            mode="lines",
            name="Heart rate",
            line={"color": VERMILION, "width": 2},
            hovertemplate="%{x:.1f} min: %{y:.0f} bpm<extra></extra>",
            connectgaps=False,
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=rmssd_t_s / 60,
            y=rmssd_ms,
            mode="lines",
            name="RMSSD",
            line={"color": BLUE, "width": 2},
            hovertemplate="%{x:.1f} min: %{y:.0f} ms<extra></extra>",
            connectgaps=False,
        ),
        row=2,
        col=1,
    )
    for band in phases:
        fig.add_vrect(
            x0=band.start_s / 60,
            x1=band.end_s / 60,
            fillcolor=PHASE_COLOURS.get(band.label, GREY),
            opacity=0.12,
            line_width=0,
            annotation_text=band.label.capitalize(),
            annotation_position="top left",
            row="all",
            col=1,
        )
    for gap in gaps:
        fig.add_vrect(
            x0=gap.start_s / 60, x1=gap.end_s / 60, fillcolor=GREY, opacity=0.25, line_width=0
        )
    for event in events:
        fig.add_vline(x=event.t_s / 60, line={"color": GREY, "dash": "dot", "width": 1})
    for value, row in ((baseline_hr_bpm, 1), (baseline_rmssd_ms, 2)):
        if value is not None and np.isfinite(value):
            fig.add_hline(
                y=value,
                line={"color": GREY, "dash": "dash", "width": 1},
                annotation_text="baseline",
                annotation_position="bottom right",
                row=row,
                col=1,
            )
    # Fixed minimum spans keep a calm picture: a short session or a flat stretch is not blown
    # up into dramatic swings.
    span_min = max(MIN_SPAN_MIN, float(np.nanmax(hr_t_s, initial=0.0)) / 60)
    fig.update_xaxes(range=[0, span_min * 1.02])
    hr_finite = hr_bpm[np.isfinite(hr_bpm)]
    if hr_finite.size:
        mid = (float(hr_finite.max()) + float(hr_finite.min())) / 2
        half = max(MIN_HR_SPAN_BPM, float(hr_finite.max() - hr_finite.min()) * 1.1) / 2
        fig.update_yaxes(range=[mid - half, mid + half], row=1, col=1)
    fig.update_yaxes(rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text="minutes", row=2, col=1)
    fig.update_layout(
        height=480,
        margin={"l": 50, "r": 20, "t": 40, "b": 40},
        showlegend=False,
        hovermode="x unified",
        plot_bgcolor="white",
        font={"size": 14},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(showgrid=True, gridcolor="#eeeeee")
    return fig
