"""The history charts, made in one go from their data: both panels with their titles and zero
line, bars coloured by verdict, the house style; no chart changes another."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go

from hrv_relax.dashboard.charts.history import comparison_figure, timeline_figure, weekly_figure
from hrv_relax.views.history import HistoryFilters, HistoryView, build_history
from hrv_relax.views.palette import GREEN, GREY, VERMILION
from tests.support.seeded_history import columns, visits

ZERO_IN_LOWER_PANEL = {"type": "line", "xref": "x2 domain", "yref": "y2", "y0": 0, "y1": 0}


def _view(client: int | None = None) -> HistoryView:
    vs = [v for v in visits(5, 120) if client is None or v.client_id == client]
    return build_history(columns(vs), HistoryFilters())


def _spec(fig: go.Figure) -> dict[str, object]:
    return dict(json.loads(fig.to_json()))


def _zero_lines(fig: go.Figure) -> list[dict[str, object]]:
    shapes = _spec(fig)["layout"]["shapes"]  # type: ignore[index]
    return [s for s in shapes if ZERO_IN_LOWER_PANEL.items() <= s.items()]


def _colour_of(marker: go.bar.Marker, k: int) -> str:
    scale = {round(stop * marker.cmax): colour for stop, colour in marker.colorscale}
    return str(scale[int(marker.color[k])])


def test_the_timeline_has_both_panels_the_band_and_bars_coloured_by_verdict() -> None:
    view = _view(client=2)
    fig = timeline_figure(view)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [
        "Resting lnRMSSD at the start of each session",
        "RMSSD change during the massage (%)",
    ]
    assert len(_zero_lines(fig)) == 1
    assert [t.name for t in fig.data] == [None, "usual range", "baseline", "shift"]
    assert [(t.xaxis, t.yaxis) for t in fig.data] == [("x", "y")] * 3 + [("x2", "y2")]
    assert fig.layout.height == 520 and fig.layout.plot_bgcolor == "white"
    assert fig.layout.yaxis.tickformat == ".1f" and fig.layout.yaxis2.tickformat == "+.0f"
    assert fig.layout.yaxis2.range[0] <= -20 and fig.layout.yaxis2.range[1] >= 20
    bars = fig.data[3]
    verdicts = view.timeline.verdict.tolist()
    want = {"more relaxed": GREEN, "more aroused": VERMILION}
    assert [_colour_of(bars.marker, k) for k in range(len(verdicts))] == [
        want.get(v, GREY) for v in verdicts
    ]
    assert bars.customdata[:, 0].tolist() == view.timeline.sessions.session_id.tolist()
    assert set(verdicts) == {"more relaxed", "no clear change", "more aroused", "no comparison"}


def test_the_clinic_timeline_has_no_band_and_the_client_sees_ms() -> None:
    clinic = timeline_figure(_view())
    assert [t.name for t in clinic.data] == ["baseline", "shift"]
    own = timeline_figure(_view(client=1), for_client=True)
    assert own.layout.annotations[0].text == "Resting variability at the start (ms)"
    assert own.layout.yaxis.tickformat == ".0f" and len(_zero_lines(own)) == 1


def test_weekly_and_comparison_charts_keep_their_lines_titles_and_heights() -> None:
    view = _view(client=3)
    weekly = weekly_figure(view)
    assert len(_zero_lines(weekly)) == 1 and weekly.layout.height == 420
    assert weekly.layout.xaxis.tickformat == weekly.layout.xaxis2.tickformat == "%d %b"
    chosen = [c for c in view.comparisons if c.group == "technique"]
    bars = comparison_figure(view.comparisons, "technique")
    assert bars.layout.height == 110 + 38 * len(chosen)
    assert bars.layout.xaxis.title.text == "mean RMSSD change vs baseline (%)"
    assert bars.layout.yaxis.autorange == "reversed"
    (zero,) = bars.layout.shapes
    assert (zero.x0, zero.x1, zero.xref, zero.yref) == (0, 0, "x", "y domain")
    assert list(bars.data[0].y) == [f"{c.label} (n={c.n_sessions})" for c in chosen]


def test_no_chart_changes_the_next() -> None:
    one, other = _view(client=1), _view(client=2)
    first = _spec(timeline_figure(one))
    timeline_figure(other)
    weekly_figure(other)
    assert _spec(timeline_figure(one)) == first
    assert np.isfinite(first["layout"]["yaxis"]["range"]).all()  # type: ignore[index]
