"""Pure: a history view -> plotly figures. No store, no Streamlit, no HRV arithmetic.

Each figure is made in one go from its traces and layout as plain data, not built up with
plotly's update calls: plotly validates every call, and that took most of a chart's time
(about 10 of 12 ms, the same for 10 sessions or 10,000). The part of a layout that does not
depend on the data (subplots, zero line, the house style) is made once with plotly's API.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from hrv_relax.dashboard.charts import plain
from hrv_relax.dashboard.charts.review import style
from hrv_relax.views.comparisons import Comparison
from hrv_relax.views.history import HistoryView
from hrv_relax.views.palette import BLUE, GREEN, GREY, ORANGE, SKY, VERMILION

VERDICT_COLOURS = {"more relaxed": GREEN, "more aroused": VERMILION}
#: A change axis spans at least this much either side of zero (%): three similar weeks must
#: not stretch to ticks such as 31.2 / 31.4 that make a flat line look like a swing.
MIN_CHANGE_SPAN_PCT = 20.0
#: A resting-RMSSD axis spans at least this share of its middle value either side.
MIN_LEVEL_SPAN = 0.25


Spec = dict[str, Any]
#: The axes of the upper and the lower panel of a two-panel chart.
UPPER = {"xaxis": "x", "yaxis": "y"}
LOWER = {"xaxis": "x2", "yaxis": "y2"}


@functools.cache
def _two_panels(
    titles: tuple[str, str], spacing: float, height: int, x_tickformat: str | None = None
) -> Spec:
    """The data-free layout of a two-panel chart with a zero line in the lower panel."""
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=spacing, subplot_titles=titles
    )
    # The panels are empty here: the line must not be left out for that.
    line = {"color": GREY, "width": 1}
    fig.add_hline(y=0, line=line, row=2, col=1, exclude_empty_subplots=False)
    if x_tickformat is not None:
        fig.update_xaxes(tickformat=x_tickformat)
    return _layout_of(style(fig, height))


@functools.cache
def _bars() -> Spec:
    """The data-free layout of a comparison chart (its height depends on its bars)."""
    fig = go.Figure()
    fig.add_vline(x=0, line={"color": GREY, "width": 1}, exclude_empty_subplots=False)
    fig.update_xaxes(title_text="mean RMSSD change vs baseline (%)")
    fig.update_yaxes(autorange="reversed")
    return _layout_of(style(fig, 100))  # the height is set per chart


def _layout_of(fig: go.Figure) -> Spec:
    layout: Spec = fig.to_dict()["layout"]
    del layout["template"]  # the default: a new figure takes it again
    return layout


def _figure(traces: list[Spec], layout: Mapping[str, Any], **changes: Spec | int) -> go.Figure:
    """A figure from traces and a layout (with `changes` merged into its parts), validated once."""
    full = dict(layout)  # parts changed are new dicts: the cached layout stays as it is
    for name, change in changes.items():
        full[name] = {**full[name], **change} if isinstance(change, dict) else change
    return go.Figure({"data": traces, "layout": full})


def _verdict_colours(verdicts: np.ndarray) -> dict[str, object]:
    """Bar colours by verdict, as numbers on a three-colour scale: plotly checks a list of
    colour names one by one (0.2 s for 10,000 sessions), an array of numbers at once."""
    colours = [GREY, *VERDICT_COLOURS.values()]
    code = np.zeros(len(verdicts))
    for k, verdict in enumerate(VERDICT_COLOURS, start=1):
        code[verdicts == verdict] = k
    last = len(colours) - 1
    return {
        "color": code,
        "colorscale": [[k / last, colour] for k, colour in enumerate(colours)],
        "cmin": 0,
        "cmax": last,
    }


def _level_range(values: np.ndarray) -> list[float] | None:
    """An axis range around finite `values` wide enough to read (None: let plotly choose)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return None
    low, high = float(finite.min()), float(finite.max())
    middle = (low + high) / 2
    half = max((high - low) / 2 * 1.15, abs(middle) * MIN_LEVEL_SPAN)
    return [max(0.0, middle - half), middle + half]


def _change_range(values: np.ndarray) -> list[float]:
    """A change axis that always shows zero and at least +-MIN_CHANGE_SPAN_PCT."""
    finite = values[np.isfinite(values)]
    low = min(-MIN_CHANGE_SPAN_PCT, float(finite.min()) * 1.15 if finite.size else 0.0)
    high = max(MIN_CHANGE_SPAN_PCT, float(finite.max()) * 1.15 if finite.size else 0.0)
    return [low, high]


def timeline_figure(view: HistoryView, *, for_client: bool = False) -> go.Figure:
    """Baseline lnRMSSD per session with the normal-range band; below, each session's shift.

    For a client the level is RMSSD in ms (no logarithms) and the titles speak to her.
    """
    line = view.timeline
    pts = line.sessions

    def level(values: np.ndarray) -> np.ndarray:
        return np.exp(values) if for_client else values

    # Arrays, not lists: plotly validates a list element by element.
    when = pts.started_at
    low = level(line.normal_low)
    high = level(line.normal_high)
    baseline = level(pts.baseline_ln_rmssd)
    shifts = pts.rmssd_change_pct
    traces: list[Spec] = []
    if np.unique(pts.client_id).size == 1 and np.isfinite(low).any():
        band = {"type": "scatter", "x": when, "mode": "lines", "line": {"width": 0}, **UPPER}
        traces += [
            {**band, "y": high, "hoverinfo": "skip", "showlegend": False},
            {
                **band,
                "y": low,
                "fill": "tonexty",
                "fillcolor": "rgba(86,180,233,0.25)",
                "name": "usual range",
                "hoverinfo": "skip",
            },
        ]
    traces += [
        {
            "type": "scatter",
            "x": when,
            "y": baseline,
            "mode": "markers+lines",
            "line": {"color": BLUE, "width": 1},
            "marker": {"size": 7, "color": BLUE},
            "name": "baseline",
            "customdata": np.column_stack(
                [pts.session_id.astype(object), [plain(name) for name in pts.client_name]]
            ),
            "hovertemplate": (
                ("%{x|%Y-%m-%d}: %{y:.0f} ms" if for_client else "%{x|%Y-%m-%d}: %{y:.2f}")
                + " (session %{customdata[0]}, %{customdata[1]})<extra></extra>"
            ),
            **UPPER,
        },
        {
            "type": "bar",
            "x": when,
            "y": shifts,
            "name": "shift",
            "marker": _verdict_colours(line.verdict),
            "customdata": np.column_stack(
                [pts.session_id.astype(object), line.verdict, pts.hr_change_bpm.astype(object)]
            ),
            "hovertemplate": (
                "%{x|%Y-%m-%d}: RMSSD %{y:+.0f} %, HR %{customdata[2]:+.1f} bpm, "
                "%{customdata[1]} (session %{customdata[0]})<extra></extra>"
            ),
            **LOWER,
        },
    ]
    titles = (
        ("Resting variability at the start (ms)", "Rise (+) or fall during the massage (%)")
        if for_client
        else ("Resting lnRMSSD at the start of each session", "RMSSD change during the massage (%)")
    )
    return _figure(
        traces,
        _two_panels(titles, 0.1, 520),
        yaxis={
            "range": _level_range(np.concatenate([baseline, low, high])),
            "tickformat": ".0f" if for_client else ".1f",
        },
        yaxis2={"range": _change_range(shifts), "tickformat": "+.0f"},
    )


def weekly_figure(view: HistoryView, *, for_client: bool = False) -> go.Figure:
    """Weekly means: resting RMSSD (ms) above, its change during the massage (%) below.

    Two panels with one axis each, in ms and %, not two axes of log units on one panel (whose
    ticks read 0.3088 / 0.3206 when the weeks were alike).
    """
    weeks = view.weeks
    x = np.array([w.week_start for w in weeks], dtype="datetime64[D]")
    rest_ms = np.exp(np.array([w.baseline_ln_rmssd for w in weeks], dtype=float))
    change_pct = 100.0 * np.expm1(np.array([w.shift_ln_rmssd for w in weeks], dtype=float))
    titles = (
        ("Resting variability, weekly (ms)", "Rise during the massage, weekly (%)")
        if for_client
        else ("Resting RMSSD, weekly mean (ms)", "RMSSD change in the massage, weekly (%)")
    )
    traces: list[Spec] = [
        {
            "type": "scatter",
            "x": x,
            "y": rest_ms,
            "mode": "lines+markers",
            "name": "resting RMSSD",
            "line": {"color": BLUE, "width": 2},
            "customdata": [w.n_sessions for w in weeks],
            "hovertemplate": (
                "week of %{x|%Y-%m-%d}: %{y:.0f} ms (%{customdata} sessions)<extra></extra>"
            ),
            **UPPER,
        },
        {
            "type": "bar",
            "x": x,
            "y": change_pct,
            "name": "change during the massage",
            "marker": {"color": ORANGE},
            "hovertemplate": "week of %{x|%Y-%m-%d}: %{y:+.0f} %<extra></extra>",
            **LOWER,
        },
    ]
    return _figure(
        traces,
        _two_panels(titles, 0.16, 420, "%d %b"),
        yaxis={"range": _level_range(rest_ms), "tickformat": ".0f"},
        yaxis2={"range": _change_range(change_pct), "tickformat": "+.0f"},
    )


def comparison_figure(rows: tuple[Comparison, ...], group: str) -> go.Figure:
    """Mean RMSSD change per technique / pressure / length, labelled with its session count."""
    chosen = [c for c in rows if c.group == group]
    labels = [f"{c.label} (n={c.n_sessions})" for c in chosen]
    bars = {
        "type": "bar",
        "y": labels,
        "x": [c.rmssd_pct for c in chosen],
        "orientation": "h",
        "marker": {
            "color": [
                (GREEN if c.rmssd_pct > 0 else VERMILION) if c.enough else SKY for c in chosen
            ]
        },
        "customdata": [[c.hr_change_bpm, 100 * c.relaxed_share] for c in chosen],
        "hovertemplate": (
            "%{y}: RMSSD %{x:+.0f} %, HR %{customdata[0]:+.1f} bpm, "
            "relaxed in %{customdata[1]:.0f} % of sessions<extra></extra>"
        ),
    }
    return _figure([bars], _bars(), height=110 + 38 * len(chosen))
