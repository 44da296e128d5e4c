"""The review page (plotly) and the take-home report (matplotlib) draw the same chart data."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from matplotlib.figure import Figure

from hrv_relax.dashboard.charts import review as page
from hrv_relax.records import SYSTEM
from hrv_relax.report import figures as report
from hrv_relax.views.chart_data import (
    autonomic_data,
    hr_rmssd_data,
    phase_bands,
    poincare_data,
    spectrum_data,
    tachogram_data,
)
from hrv_relax.views.review import ReviewView, review_view
from tests.support.history_practice import make_practice


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReviewView]:
    p = make_practice(tmp_path_factory.mktemp("charts") / "practice.db", n_sessions=2)
    yield review_view(p.store, SYSTEM, p.session_ids[-1])
    p.store.close()


def _same(a: object, b: object) -> bool:
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True)


def _axes(chart_key: str, view: ReviewView) -> list:
    chart = next(c for c in report.CHARTS if c.key == chart_key)
    fig = Figure()
    axes = list(fig.subplots(chart.n_axes, 1, squeeze=False)[:, 0])
    chart.draw(view, *axes)
    return axes


def test_tachogram_page_and_report_draw_the_same_beats(view: ReviewView) -> None:
    d = tachogram_data(view)
    assert d.artefacts.x.size == int(view.artifacts.sum())
    fig = page.tachogram_figure(view)
    assert _same(fig.data[0].x, d.line.x) and _same(fig.data[0].y, d.line.y)
    assert _same(fig.data[1].x, d.artefacts.x) and fig.data[1].name == d.artefacts.name
    (ax,) = _axes("tachogram", view)
    assert _same(ax.lines[0].get_xdata(), d.line.x) and _same(ax.lines[0].get_ydata(), d.line.y)
    assert _same(ax.collections[0].get_offsets(), np.column_stack([d.artefacts.x, d.artefacts.y]))
    # The phases shaded on the page are the data's bands, in minutes.
    bands = [(s.x0, s.x1, s.fillcolor) for s in fig.layout.shapes]
    assert bands == [(b.start, b.end, b.colour) for b in phase_bands(view)]


def test_poincare_spectrum_and_autonomic_are_the_same_on_page_and_in_report(
    view: ReviewView,
) -> None:
    pc = poincare_data(view)
    assert _same(page.poincare_figure(view).data[0].x, pc.points.x)
    (ax,) = _axes("poincare", view)
    assert _same(ax.collections[0].get_offsets(), np.column_stack([pc.points.x, pc.points.y]))

    sp = spectrum_data(view)
    assert sp.curves, "the practice sessions have spectra"
    drawn = page.spectrum_figure(view).data
    assert [t.name for t in drawn] == [c.name for c in sp.curves]
    (ax,) = _axes("spectrum", view)
    for trace, line, curve in zip(drawn, ax.lines, sp.curves, strict=True):
        assert _same(trace.y, curve.y) and _same(line.get_ydata(), curve.y)
        assert trace.line.color == curve.colour == line.get_color()

    au = autonomic_data(view)
    drawn = page.autonomic_figure(view).data
    (ax,) = _axes("autonomic", view)
    for trace, line, series in zip(drawn, ax.lines[: len(au.lines)], au.lines, strict=True):
        assert _same(trace.y, series.y) and _same(line.get_ydata(), series.y)
        assert trace.name == series.name == line.get_label()


def test_hr_rmssd_report_draws_the_data_the_page_is_given(view: ReviewView) -> None:
    d = hr_rmssd_data(view)
    top, bottom = _axes("hr_rmssd", view)
    assert _same(top.lines[0].get_ydata(), d.hr.y) and _same(bottom.lines[0].get_ydata(), d.rmssd.y)
    assert _same(top.lines[0].get_xdata(), d.hr.x)
    fig = page.hr_rmssd_figure(view)
    hr = np.asarray(fig["data"][0]["y"], dtype=float)
    shown = hr[np.isfinite(hr)]
    # The page sends values rounded (and thinned in long sessions), never others.
    assert shown.size and np.all(np.abs(shown[:, None] - d.hr.y[None, :]).min(axis=1) < 0.01)
