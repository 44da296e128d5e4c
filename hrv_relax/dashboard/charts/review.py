"""Pure: a session review -> plotly figures. No store, no Streamlit, no HRV arithmetic."""

from __future__ import annotations

import textwrap

import numpy as np
import plotly.graph_objects as go

from hrv_relax.analysis.constants import HF_BAND_HZ, LF_BAND_HZ
from hrv_relax.dashboard.charts.live import EventLine, live_chart
from hrv_relax.views.palette import BLUE, GREEN, GREY, ORANGE, PHASE_COLOURS, SKY, VERMILION
from hrv_relax.views.review import ReviewView, tachogram_line
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
    base = view.figures.baseline
    return live_chart(
        view.rolling_time.t_s,
        view.rolling_time.hr_bpm,
        view.rolling_time.t_s,
        view.rolling_time.rmssd_ms,
        phases=view.phases,
        events=_merged_events(view),
        baseline_hr_bpm=base.hr_bpm,
        baseline_rmssd_ms=base.rmssd_ms,
    )


def _merged_events(view: ReviewView) -> list[EventLine]:
    """One line per moment: a technique and a pressure marked together share one label."""
    labels: dict[float, list[str]] = {}
    for e in view.events:
        labels.setdefault(round(e.t_s, 1), []).append(f"{e.kind}: {e.value}")
    return [EventLine(t, " · ".join(texts)) for t, texts in sorted(labels.items())]


def tachogram_figure(view: ReviewView) -> go.Figure:
    """RR intervals in order, artefacts marked."""
    t_min = view.beats.t_s / 60
    rr = view.beats.rr_ms
    bad = view.artifacts
    fig = go.Figure()
    line_t_min, line_rr = tachogram_line(view.beats)
    fig.add_trace(
        go.Scattergl(
            x=line_t_min,
            y=line_rr,
            mode="lines",
            name="RR",
            line={"color": BLUE, "width": 1},
            hovertemplate="%{x:.2f} min: %{y:.0f} ms<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scattergl(
            x=t_min[bad],
            y=rr[bad],
            mode="markers",
            name=f"artefacts ({int(bad.sum())})",
            marker={"color": ORANGE, "size": 7, "line": {"color": "black", "width": 0.5}},
            hovertemplate="%{x:.2f} min: %{y:.0f} ms (artefact)<extra></extra>",
        )
    )
    _phase_bands(fig, view)
    fig.update_xaxes(title_text="minutes")
    fig.update_yaxes(title_text="RR interval (ms)")
    return style(fig, 320, legend=True)


def _phase_bands(fig: go.Figure, view: ReviewView) -> None:
    for band in view.phases:
        fig.add_vrect(
            x0=band.start_s / 60,
            x1=band.end_s / 60,
            line_width=0,
            opacity=0.12,
            fillcolor=PHASE_COLOURS.get(band.label, GREY),
        )


def poincare_figure(view: ReviewView) -> go.Figure:
    """Poincare plot of clean successive intervals with the identity line."""
    pc = view.poincare
    fig = go.Figure()
    fig.add_trace(
        go.Scattergl(
            x=pc.rr_ms,
            y=pc.next_rr_ms,
            mode="markers",
            name="beats",
            marker={"color": BLUE, "size": 4, "opacity": 0.4},
            hovertemplate="RR %{x:.0f} -> %{y:.0f} ms<extra></extra>",
        )
    )
    if pc.rr_ms.size:
        lo = float(min(pc.rr_ms.min(), pc.next_rr_ms.min()))
        hi = float(max(pc.rr_ms.max(), pc.next_rr_ms.max()))
        fig.add_trace(
            go.Scatter(
                x=[lo, hi],
                y=[lo, hi],
                mode="lines",
                line={"color": GREY, "dash": "dash"},
                hoverinfo="skip",
                name="identity",
            )
        )
    fig.update_xaxes(title_text="RR interval n (ms)")
    fig.update_yaxes(title_text="RR interval n+1 (ms)", scaleanchor="x", scaleratio=1)
    fig.add_annotation(
        text=f"SD1 {pc.sd1_ms:.0f} ms · SD2 {pc.sd2_ms:.0f} ms",
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
    fig = go.Figure()
    for band, colour, label in ((LF_BAND_HZ, ORANGE, "LF"), (HF_BAND_HZ, SKY, "HF")):
        fig.add_vrect(
            x0=band[0],
            x1=band[1],
            fillcolor=colour,
            opacity=0.15,
            line_width=0,
            annotation_text=label,
            annotation_position="top left",
        )
    for spectrum in view.spectra:
        baseline = spectrum.phase == view.figures.baseline.phase
        fig.add_trace(
            go.Scatter(
                x=spectrum.f_hz,
                y=spectrum.psd_ms2_hz,
                mode="lines",
                name=spectrum.phase.capitalize(),
                line={"color": GREY if baseline else GREEN, "width": 2},
                hovertemplate="%{x:.3f} Hz: %{y:.0f} ms²/Hz<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="frequency (Hz)", range=[0, 0.5])
    fig.update_yaxes(title_text="power (ms²/Hz)", rangemode="tozero")
    lines = [line for note in view.spectrum_notes for line in textwrap.wrap(note, NOTE_WIDTH)]
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
    ra = view.rolling_autonomic
    fig = go.Figure()
    for values, colour, name in (
        (ra.pns_index, GREEN, "PNS index"),
        (ra.sns_index, VERMILION, "SNS index"),
    ):
        fig.add_trace(
            go.Scatter(
                x=ra.t_s / 60,
                y=values,
                mode="lines",
                name=name,
                line={"color": colour, "width": 2},
                hovertemplate="%{x:.1f} min: %{y:.2f}<extra></extra>",
                connectgaps=False,
            )
        )
    fig.add_hline(y=0, line={"color": GREY, "dash": "dot", "width": 1})
    _phase_bands(fig, view)
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
