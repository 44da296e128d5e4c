"""Pure: data -> plotly figures. No store, no Streamlit, no HRV arithmetic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008).
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILION = "#D55E00"
SKY = "#56B4E9"
GREY = "#999999"
PHASE_COLOURS = {"baseline": SKY, "massage": GREEN, "recovery": ORANGE}


@dataclass(frozen=True, slots=True)
class PhaseBand:
    phase: str
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class EventLine:
    t_s: float
    label: str


def live_chart(
    hr_t_s: npt.NDArray[np.float64],
    hr_bpm: npt.NDArray[np.float64],
    rmssd_t_s: npt.NDArray[np.float64],
    rmssd_ms: npt.NDArray[np.float64],
    *,
    phases: Sequence[PhaseBand] = (),
    gaps: Sequence[PhaseBand] = (),
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
            fillcolor=PHASE_COLOURS.get(band.phase, GREY),
            opacity=0.12,
            line_width=0,
            annotation_text=band.phase.capitalize(),
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
