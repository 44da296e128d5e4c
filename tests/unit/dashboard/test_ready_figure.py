"""A ready figure reaches the page as the same JSON as its spec validated by plotly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import plotly.io
import plotly.tools
import pytest
from streamlit.testing.v1 import AppTest

from hrv_relax.analysis.phases import Span
from hrv_relax.dashboard.charts.live import EventLine, live_chart, thinned
from hrv_relax.dashboard.charts.ready import ready_figure

EMPTY = np.empty(0, dtype=np.float64)


def _sent(figure: object) -> Any:
    """The chart's JSON as st.plotly_chart builds it (plotly.tools, then plotly.io), parsed."""
    validated = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return json.loads(plotly.io.to_json(validated, validate=False))


def _specs() -> Iterator[dict[str, Any]]:
    rng = np.random.default_rng(7)
    t_s = np.cumsum(rng.normal(0.85, 0.05, 8000))
    bpm = np.round(60.0 / rng.normal(0.85, 0.05, t_s.size))
    bpm[rng.random(t_s.size) < 0.02] = np.nan
    grid = np.arange(60.0, t_s[-1], 5.0)
    rmssd = rng.normal(40.0, 8.0, grid.size)
    rmssd[50:70] = np.nan
    now_s = float(t_s[-1])
    yield live_chart(
        *thinned(t_s, bpm, now_s),
        *thinned(grid, rmssd, now_s),
        phases=[Span("baseline", 0.0, 300.0), Span("massage", 300.0, now_s)],
        gaps=[Span("gap", 1000.0, 1040.0)],
        events=[EventLine(600.0, "effleurage"), EventLine(604.0, "<b>moderate</b>")],
        baseline_hr_bpm=71.5,
        baseline_rmssd_ms=float(np.float64(38.25)),
    )
    yield live_chart(t_s[:20], bpm[:20], EMPTY, EMPTY)  # the first seconds: no RMSSD yet
    yield live_chart(EMPTY, EMPTY, EMPTY, EMPTY)


@pytest.fixture(params=["plotly", "streamlit"])
def template(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """plotly's default template, or the one Streamlit installs when it draws a chart."""
    import streamlit.elements.plotly_chart  # noqa: F401  (installs "streamlit")

    monkeypatch.setattr(plotly.io.templates, "default", request.param)
    return str(request.param)


def test_a_ready_figure_sends_what_plotly_validation_sends(template: str) -> None:
    for spec in _specs():
        sent = _sent(ready_figure(spec))
        assert sent == _sent(spec)
        assert sent["layout"]["template"] == plotly.io.templates[template].to_plotly_json()


def _page() -> None:
    # AppTest runs this function's source on its own: it imports what it uses.
    import streamlit as st

    from hrv_relax.dashboard.charts.ready import ready_figure
    from tests.unit.dashboard.test_ready_figure import _specs

    for spec in _specs():
        st.plotly_chart(spec)
        st.plotly_chart(ready_figure(spec))


def test_streamlit_draws_a_ready_figure_as_its_spec() -> None:
    page = AppTest.from_function(_page).run()
    assert not page.exception
    charts = [json.loads(e.proto.spec) for e in page.get("plotly_chart")]
    assert len(charts) == 6
    for plain, ready in zip(charts[::2], charts[1::2], strict=True):
        assert ready == plain
