"""Pure: a session review -> plotly figures. No store, no Streamlit, no HRV arithmetic."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from hrv_relax.analysis.phases import Span
from hrv_relax.dashboard.charts.live import EventLine, live_chart
from hrv_relax.views.chart_data import (
    Band,
    autonomic_data,
    hr_rmssd_data,
    poincare_data,
    spectrum_data,
    tachogram_data,
)
from hrv_relax.views.palette import GREEN, GREY, VERMILION
from hrv_relax.views.review import ReviewView
from hrv_relax.views.summary import SessionFigures

GRID = "#eeeeee"
#: Characters per line of a note under a half-width chart.
NOTE_WIDTH = 70
NOTE_LINE_PX = 17


def style(fig: go.Figure, height: int, *, legend: bool = False) -> go.Figure:
    """The house look: white background, light grid, readable type."""
    fig.update_layout(
        height=height,
        margin={"l": 55, "r": 20, "t": 30, "b": 45},
        showlegend=legend,
        legend={"orientation": "h", "y": 1.12, "x": 0},
        plot_bgcolor="white",
        font={"size": 14},
    )
    fig.update_xaxes(showgrid=True, gridcolor=GRID)
    fig.update_yaxes(showgrid=True, gridcolor=GRID)
    return fig


def hr_rmssd_figure(view: ReviewView) -> go.Figure:
    """HR and RMSSD over the session with phases and markers (the live page's chart)."""
    d = hr_rmssd_data(view)
    # The live chart works in seconds, as the live page's data comes.
    return live_chart(
        d.hr.x * 60,
        d.hr.y,
        d.rmssd.x * 60,
        d.rmssd.y,
        phases=[Span(b.label, b.start * 60, b.end * 60) for b in d.phases],
        events=[EventLine(e.t_min * 60, e.label) for e in d.events],
        baseline_hr_bpm=d.baseline_hr_bpm,
        baseline_rmssd_ms=d.baseline_rmssd_ms,
    )


def tachogram_figure(view: ReviewView) -> go.Figure:
    """RR intervals in order, artefacts marked."""
    d = tachogram_data(view)
    fig = go.Figure()
    fig.add_trace(
        go.Scattergl(
            x=d.line.x,
            y=d.line.y,
            mode="lines",
            name=d.line.name,
            line={"color": d.line.colour, "width": 1},
            hovertemplate="%{x:.2f} min: %{y:.0f} ms<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scattergl(
            x=d.artefacts.x,
            y=d.artefacts.y,
            mode="markers",
            name=d.artefacts.name,
            marker={
                "color": d.artefacts.colour,
                "size": 7,
                "line": {"color": "black", "width": 0.5},
            },
            hovertemplate="%{x:.2f} min: %{y:.0f} ms (artefact)<extra></extra>",
        )
    )
    _bands(fig, d.phases, opacity=0.12)
    fig.update_xaxes(title_text="minutes")
    fig.update_yaxes(title_text="RR interval (ms)")
    return style(fig, 320, legend=True)


def _bands(
    fig: go.Figure, bands: Sequence[Band], *, opacity: float, labelled: bool = False
) -> None:
    for band in bands:
        label = {"annotation_text": band.label, "annotation_position": "top left"}
        fig.add_vrect(
            x0=band.start,
            x1=band.end,
            line_width=0,
            opacity=opacity,
            fillcolor=band.colour,
            **(label if labelled else {}),
        )


def poincare_figure(view: ReviewView) -> go.Figure:
    """Poincare plot of clean successive intervals with the identity line."""
    d = poincare_data(view)
    fig = go.Figure()
    fig.add_trace(
        go.Scattergl(
            x=d.points.x,
            y=d.points.y,
            mode="markers",
            name=d.points.name,
            marker={"color": d.points.colour, "size": 4, "opacity": 0.4},
            hovertemplate="RR %{x:.0f} -> %{y:.0f} ms<extra></extra>",
        )
    )
    if d.identity_ms is not None:
        fig.add_trace(
            go.Scatter(
                x=d.identity_ms,
                y=d.identity_ms,
                mode="lines",
                line={"color": GREY, "dash": "dash"},
                hoverinfo="skip",
                name="identity",
            )
        )
    fig.update_xaxes(title_text="RR interval n (ms)")
    fig.update_yaxes(title_text="RR interval n+1 (ms)", scaleanchor="x", scaleratio=1)
    fig.add_annotation(
        text=d.label,
        xref="paper",
        yref="paper",
        x=0.02,
        y=0.98,
        showarrow=False,
        bgcolor="white",
    )
    return style(fig, 380)


def spectrum_figure(view: ReviewView) -> go.Figure:
    """Power spectral density of the baseline and the massage with the LF and HF bands.

    Under the axis, in words: phases averaged over gap-free stretches, and phases with no
    spectrum and why (no curve is drawn for them).
    """
    d = spectrum_data(view)
    fig = go.Figure()
    _bands(fig, d.bands, opacity=0.15, labelled=True)
    for curve in d.curves:
        fig.add_trace(
            go.Scatter(
                x=curve.x,
                y=curve.y,
                mode="lines",
                name=curve.name,
                line={"color": curve.colour, "width": 2},
                hovertemplate="%{x:.3f} Hz: %{y:.0f} ms²/Hz<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="frequency (Hz)", range=[0, d.max_hz])
    fig.update_yaxes(title_text="power (ms²/Hz)", rangemode="tozero")
    lines = [line for note in d.notes for line in textwrap.wrap(note, NOTE_WIDTH)]
    style(fig, 380 + NOTE_LINE_PX * len(lines), legend=True)
    if lines:
        fig.add_annotation(
            text="<br>".join(lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-50,
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": 12, "color": "#444444"},
        )
        fig.update_layout(margin={"b": 55 + NOTE_LINE_PX * len(lines)})
    return fig


def autonomic_figure(view: ReviewView) -> go.Figure:
    """PNS and SNS index over 5-minute windows."""
    d = autonomic_data(view)
    fig = go.Figure()
    for line in d.lines:
        fig.add_trace(
            go.Scatter(
                x=line.x,
                y=line.y,
                mode="lines",
                name=line.name,
                line={"color": line.colour, "width": 2},
                hovertemplate="%{x:.1f} min: %{y:.2f}<extra></extra>",
                connectgaps=False,
            )
        )
    fig.add_hline(y=0, line={"color": GREY, "dash": "dot", "width": 1})
    _bands(fig, d.phases, opacity=0.12)
    fig.update_xaxes(title_text="minutes")
    fig.update_yaxes(title_text="SD from population norm")
    return style(fig, 320, legend=True)


def segments_figure(figures: SessionFigures) -> go.Figure:
    """RMSSD change (%) per technique and pressure stretch with 95 % intervals."""
    rows = [s for s in figures.segments if s.shift is not None]
    labels = [f"{s.kind}: {s.value} ({s.start_s / 60:.0f}-{s.end_s / 60:.0f} min)" for s in rows]
    pct = [100 * np.expm1(s.shift.ln_rmssd.delta) for s in rows if s.shift]
    low = [100 * np.expm1(s.shift.ln_rmssd.ci_low) for s in rows if s.shift]
    high = [100 * np.expm1(s.shift.ln_rmssd.ci_high) for s in rows if s.shift]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=pct,
            orientation="h",
            marker_color=[GREEN if v > 0 else VERMILION for v in pct],
            error_x={
                "type": "data",
                "symmetric": False,
                "array": np.subtract(high, pct),
                "arrayminus": np.subtract(pct, low),
            },
            hovertemplate="%{y}: %{x:+.0f} %<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": GREY, "width": 1})
    fig.update_xaxes(title_text="RMSSD change vs baseline (%)")
    fig.update_yaxes(autorange="reversed")
    return style(fig, 120 + 40 * len(rows))
