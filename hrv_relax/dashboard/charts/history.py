"""Pure: a history view -> plotly figures. No store, no Streamlit, no HRV arithmetic."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from hrv_relax.dashboard.charts.review import style
from hrv_relax.views.history import Comparison, HistoryView
from hrv_relax.views.palette import BLUE, GREEN, GREY, ORANGE, SKY, VERMILION

VERDICT_COLOURS = {"more relaxed": GREEN, "more aroused": VERMILION}


def timeline_figure(view: HistoryView) -> go.Figure:
    """Baseline lnRMSSD per session with the normal-range band; below, each session's shift."""
    pts = view.points
    # Arrays, not lists: plotly validates a list element by element.
    when = np.array([p.started_at.replace(tzinfo=None) for p in pts], dtype="datetime64[us]")
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.1,
        subplot_titles=(
            "Resting lnRMSSD at the start of each session",
            "RMSSD change during the massage (%)",
        ),
    )
    low = np.array([p.normal_low for p in pts])
    high = np.array([p.normal_high for p in pts])
    if len({p.client_id for p in pts}) == 1 and np.isfinite(low).any():
        fig.add_trace(
            go.Scatter(
                x=when, y=high, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=when,
                y=low,
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(86,180,233,0.25)",
                name="usual range",
                hoverinfo="skip",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=when,
            y=np.array([p.baseline_ln_rmssd for p in pts]),
            mode="markers+lines",
            line={"color": BLUE, "width": 1},
            marker={"size": 7, "color": BLUE},
            name="baseline",
            customdata=np.array([[p.session_id, p.client_name] for p in pts], dtype=object),
            hovertemplate=(
                "%{x|%Y-%m-%d}: %{y:.2f} (session %{customdata[0]}, %{customdata[1]})"
                "<extra></extra>"
            ),
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=when,
            y=np.array([p.rmssd_pct for p in pts]),
            name="shift",
            marker_color=np.array([VERDICT_COLOURS.get(p.verdict, GREY) for p in pts]),
            customdata=np.array(
                [[p.session_id, p.verdict, p.hr_change_bpm] for p in pts], dtype=object
            ),
            hovertemplate=(
                "%{x|%Y-%m-%d}: RMSSD %{y:+.0f} %, HR %{customdata[2]:+.1f} bpm, "
                "%{customdata[1]} (session %{customdata[0]})<extra></extra>"
            ),
        ),
        row=2,
        col=1,
    )
    fig.add_hline(y=0, line={"color": GREY, "width": 1}, row=2, col=1)
    return style(fig, 520)


def weekly_figure(view: HistoryView) -> go.Figure:
    """Weekly means of baseline lnRMSSD (left axis) and of the shift (right axis)."""
    weeks = view.weeks
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    x = [w.week_start for w in weeks]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[w.baseline_ln_rmssd for w in weeks],
            mode="lines+markers",
            name="baseline lnRMSSD",
            line={"color": BLUE, "width": 2},
            customdata=[w.n_sessions for w in weeks],
            hovertemplate="week of %{x|%Y-%m-%d}: %{y:.2f} (%{customdata} sessions)<extra></extra>",
        ),
        secondary_y=False,
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[w.shift_ln_rmssd for w in weeks],
            mode="lines+markers",
            name="lnRMSSD shift",
            line={"color": ORANGE, "width": 2, "dash": "dot"},
            hovertemplate="week of %{x|%Y-%m-%d}: %{y:+.2f}<extra></extra>",
        ),
        secondary_y=True,
    )
    fig.update_yaxes(title_text="baseline lnRMSSD", secondary_y=False)
    fig.update_yaxes(title_text="shift (lnRMSSD)", secondary_y=True, showgrid=False)
    return style(fig, 320, legend=True)


def comparison_figure(rows: tuple[Comparison, ...], group: str) -> go.Figure:
    """Mean RMSSD change per technique / pressure / length, labelled with its session count."""
    chosen = [c for c in rows if c.group == group]
    labels = [f"{c.label} (n={c.n_sessions})" for c in chosen]
    fig = go.Figure(
        go.Bar(
            y=labels,
            x=[c.rmssd_pct for c in chosen],
            orientation="h",
            marker_color=[
                (GREEN if c.rmssd_pct > 0 else VERMILION) if c.enough else SKY for c in chosen
            ],
            customdata=[[c.hr_change_bpm, 100 * c.relaxed_share] for c in chosen],
            hovertemplate=(
                "%{y}: RMSSD %{x:+.0f} %, HR %{customdata[0]:+.1f} bpm, "
                "relaxed in %{customdata[1]:.0f} % of sessions<extra></extra>"
            ),
        )
    )
    fig.add_vline(x=0, line={"color": GREY, "width": 1})
    fig.update_xaxes(title_text="mean RMSSD change vs baseline (%)")
    fig.update_yaxes(autorange="reversed")
    return style(fig, 110 + 38 * len(chosen))
