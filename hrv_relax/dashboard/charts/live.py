"""Pure: data -> plotly figure specs. No store, no Streamlit, no HRV arithmetic.

Figures are plain plotly dicts: building them skips plotly's object validation, which for a
chart with phase bands costs more than the whole analysis of a refresh.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from hrv_relax.dashboard.charts import plain
from hrv_relax.views.live import LiveView, Span
from hrv_relax.views.palette import BLUE, GREY, PHASE_COLOURS, VERMILION

Figure = dict[str, Any]

MIN_SPAN_MIN = 5.0  # the x axis shows at least this many minutes
# The live chart's payload stays bounded at any session length: the highlighted last minutes
# at full resolution, earlier values as means over bins of a width from BIN_WIDTHS_S, the
# narrowest giving at most EARLIER_POINTS bins. Bins start at 0 s, so they do not move
# between refreshes.
EARLIER_POINTS = 600
BIN_WIDTHS_S = (5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
MIN_HR_SPAN_BPM = 20.0  # and the heart-rate axis at least this many bpm
EMPHASIS_MIN = 3.0  # the last minutes, highlighted
FULL_RES_S = 60.0 * EMPHASIS_MIN
HR_DOMAIN = (0.56, 1.0)
RMSSD_DOMAIN = (0.0, 0.44)


# Markers closer than this share of the time axis share one label (about 14 px on a phone's
# chart, the height of a rotated 11 px label): taps seconds apart never print over each other.
LABEL_MERGE_SHARE = 0.04
MAX_LABEL_CHARS = 32  # a longer label is cut with "…"; hovering shows it whole


@dataclass(frozen=True, slots=True)
class EventLine:
    t_s: float
    label: str


def merged_events(events: Sequence[EventLine], span_min: float) -> list[EventLine]:
    """Events close in time joined into one line at the first of them ("effleurage · back")."""
    merged: list[EventLine] = []
    for event in sorted(events, key=lambda e: e.t_s):
        if merged and event.t_s - merged[-1].t_s < LABEL_MERGE_SHARE * span_min * 60:
            merged[-1] = EventLine(merged[-1].t_s, f"{merged[-1].label} · {event.label}")
        else:
            merged.append(event)
    return merged


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def live_figure(view: LiveView) -> Figure:
    """The live page's chart for a LiveView, with a bounded number of points."""
    base = view.baseline
    now_s = max(view.elapsed_s, float(view.beat_t_s[-1]) if view.beat_t_s.size else 0.0)
    return live_chart(
        *thinned(view.beat_t_s, view.strap_bpm, now_s),
        *thinned(view.rolling.t_s, view.rolling.rmssd_ms, now_s),
        now_s=now_s,
        phases=view.phases,
        gaps=view.gaps,
        events=[EventLine(e.t_s, e.value) for e in view.events],
        baseline_hr_bpm=base.mean_hr_bpm if base else None,
        baseline_rmssd_ms=base.rmssd_ms if base else None,
    )


def thinned(
    t_s: npt.NDArray[np.float64], y: npt.NDArray[np.float64], now_s: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The values of the last ``FULL_RES_S`` as they are, earlier ones as means per bin.

    A bin's time is the mean time of its values; a bin whose values are all NaN stays NaN
    (a break in the line), a bin without values is left out.
    """
    width_s = next((w for w in BIN_WIDTHS_S if now_s / w <= EARLIER_POINTS), BIN_WIDTHS_S[-1])
    edge_s = math.floor(max(now_s - FULL_RES_S, 0.0) / width_s) * width_s
    cut = int(np.searchsorted(t_s, edge_s, side="right"))
    if cut == 0:
        return t_s, y
    # Bins (k w, (k + 1) w], as the windows: a value at the edge closes its bin.
    index = np.maximum(np.ceil(t_s[:cut] / width_s).astype(np.intp) - 1, 0)
    finite = np.isfinite(y[:cut])
    n_all = np.bincount(index)
    n_finite = np.bincount(index, weights=finite)
    sum_y = np.bincount(index, weights=np.where(finite, y[:cut], 0.0))
    sum_t = np.bincount(index, weights=t_s[:cut])
    filled = n_all > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_y = np.where(n_finite > 0, sum_y / n_finite, math.nan)
    return (
        np.concatenate((sum_t[filled] / n_all[filled], t_s[cut:])),
        np.concatenate((mean_y[filled], y[cut:])),
    )


def _minutes(t_s: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    return _values(t_s / 60, decimals=4)


def _values(y: npt.NDArray[np.float64], decimals: int = 2) -> npt.NDArray[np.float32]:
    # Sent as a typed array (base64, 4 bytes a value): NaN is a break in the line.
    return np.round(y, decimals).astype(np.float32)


def _band(x0_min: float, x1_min: float, colour: str, opacity: float) -> dict[str, Any]:
    # One rectangle across both plots: x in data units, y in paper units.
    return {
        "type": "rect",
        "xref": "x",
        "yref": "paper",
        "x0": x0_min,
        "x1": x1_min,
        "y0": 0,
        "y1": 1,
        "fillcolor": colour,
        "opacity": opacity,
        "line": {"width": 0},
        "layer": "below",
    }


def live_chart(
    hr_t_s: npt.NDArray[np.float64],
    hr_bpm: npt.NDArray[np.float64],
    rmssd_t_s: npt.NDArray[np.float64],
    rmssd_ms: npt.NDArray[np.float64],
    *,
    now_s: float = 0.0,
    phases: Sequence[Span] = (),
    gaps: Sequence[Span] = (),
    events: Sequence[EventLine] = (),
    baseline_hr_bpm: float | None = None,
    baseline_rmssd_ms: float | None = None,
) -> Figure:
    """Heart rate above, RMSSD below, over the session in minutes, with phases shaded.

    The time axis runs to `now_s` (a recording's elapsed time), or further if a beat or a
    marker is later: a marker tapped while the strap is silent is on the chart at once.
    """
    last_s = max(
        now_s,
        float(np.nanmax(hr_t_s, initial=0.0)),
        max((e.t_s for e in events), default=0.0),
        max((g.end_s for g in gaps), default=0.0),
    )
    now_min = last_s / 60
    span_min = max(MIN_SPAN_MIN, now_min)
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = [
        _title("Heart rate (bpm)", HR_DOMAIN[1]),
        _title("RMSSD, 60 s window (ms)", RMSSD_DOMAIN[1]),
    ]
    for band in phases:
        shapes.append(
            _band(band.start_s / 60, band.end_s / 60, PHASE_COLOURS.get(band.label, GREY), 0.14)
        )
        annotations.append(
            {
                "x": band.start_s / 60,
                "y": HR_DOMAIN[1],
                "xref": "x",
                "yref": "paper",
                "text": plain(band.label.capitalize()),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 12, "color": "#444444"},
            }
        )
    shapes += [_band(g.start_s / 60, g.end_s / 60, GREY, 0.3) for g in gaps]
    for event in merged_events(events, span_min * 1.02):
        x = event.t_s / 60
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": GREY, "dash": "dot", "width": 1},
            }
        )
        annotations.append(
            {
                "x": x,
                "y": HR_DOMAIN[0],
                "xref": "x",
                "yref": "paper",
                "text": plain(_short(event.label)),
                "hovertext": plain(event.label),
                "showarrow": False,
                "textangle": -90,
                "xanchor": "right",
                "yanchor": "bottom",
                "font": {"size": 11, "color": "#555555"},
            }
        )
    for value, yref in ((baseline_hr_bpm, "y"), (baseline_rmssd_ms, "y2")):
        if value is not None and np.isfinite(value):
            shapes.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "yref": yref,
                    "x0": 0,
                    "x1": 1,
                    "y0": value,
                    "y1": value,
                    "line": {"color": "#555555", "dash": "dash", "width": 1},
                }
            )
            annotations.append(
                {
                    "x": 1,
                    "y": value,
                    "xref": "paper",
                    "yref": yref,
                    "text": "baseline",
                    "showarrow": False,
                    "xanchor": "right",
                    "yanchor": "bottom",
                    "font": {"size": 11, "color": "#555555"},
                }
            )
    return {
        "data": [
            *_emphasised(
                hr_t_s, hr_bpm, now_min, name="Heart rate", colour=VERMILION, unit="bpm", yaxis="y"
            ),
            *_emphasised(
                rmssd_t_s, rmssd_ms, now_min, name="RMSSD", colour=BLUE, unit="ms", yaxis="y2"
            ),
        ],
        "layout": {
            "height": 480,
            "margin": {"l": 50, "r": 20, "t": 30, "b": 40},
            "showlegend": False,
            "hovermode": "x unified",
            "plot_bgcolor": "white",
            "font": {"size": 14},
            "xaxis": {
                "range": [0, span_min * 1.02],
                "title": {"text": "minutes"},
                "anchor": "y2",
                "gridcolor": "#eeeeee",
            },
            "yaxis": {"domain": list(HR_DOMAIN), "gridcolor": "#eeeeee", **_hr_range(hr_bpm)},
            "yaxis2": {"domain": list(RMSSD_DOMAIN), "gridcolor": "#eeeeee", "rangemode": "tozero"},
            "shapes": shapes,
            "annotations": annotations,
        },
    }


def _emphasised(
    t_s: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    now_min: float,
    *,
    name: str,
    colour: str,
    unit: str,
    yaxis: str,
) -> list[dict[str, Any]]:
    """The series as two traces: earlier minutes faded, the last minutes bold.

    The last minutes are what the therapist acts on; the rest is context.
    """
    recent = t_s / 60 >= now_min - EMPHASIS_MIN
    first_recent = int(np.argmax(recent)) if recent.any() else t_s.size
    # The faded part runs up to and including the first bold point, so the line is unbroken.
    cut = min(first_recent + 1, t_s.size)
    common = {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "hovertemplate": f"%{{x:.1f}} min: %{{y:.0f}} {unit}<extra></extra>",
        "xaxis": "x",
        "yaxis": yaxis,
    }
    return [
        {
            **common,
            "x": _minutes(t_s[:cut]),
            "y": _values(y[:cut]),
            "line": {"color": colour, "width": 1.5},
            "opacity": 0.45,
        },
        {
            **common,
            "x": _minutes(t_s[first_recent:]),
            "y": _values(y[first_recent:]),
            "line": {"color": colour, "width": 3},
        },
    ]


def _title(text: str, top: float) -> dict[str, Any]:
    return {
        "text": text,
        "x": 0.5,
        "y": top,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "yanchor": "bottom",
        "font": {"size": 14, "color": "#555555"},
    }


def _hr_range(hr_bpm: npt.NDArray[np.float64]) -> dict[str, Any]:
    # A fixed minimum span keeps a calm picture: a flat stretch is not blown up into swings.
    finite = hr_bpm[np.isfinite(hr_bpm)]
    if not finite.size:
        return {}
    low, high = float(finite.min()), float(finite.max())
    half = max(MIN_HR_SPAN_BPM, (high - low) * 1.1) / 2
    mid = (low + high) / 2
    return {"range": [mid - half, mid + half]}
