"""The live chart's payload: bounded at any session length, the last minutes beat by beat."""

from __future__ import annotations

import math

import numpy as np
import plotly.io
import plotly.tools
import pytest

from hrv_relax.dashboard.charts.live import FULL_RES_S, live_chart, thinned

KIB = 1024


def _session(hours: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    rr_ms = rng.normal(850.0, 60.0, int(hours * 3600 / 0.85))
    t_s = np.cumsum(rr_ms) / 1000.0
    bpm = np.round(60000.0 / rr_ms)
    bpm[rng.random(bpm.size) < 0.01] = np.nan  # the strap's reading missing now and then
    grid = np.arange(60.0, t_s[-1], 5.0)
    rmssd = rng.normal(40.0, 8.0, grid.size)
    rmssd[100:130] = np.nan  # a stretch the data cannot support
    return t_s, bpm, grid, rmssd


def _sent_bytes(figure: object) -> int:
    """The chart's JSON as st.plotly_chart sends it (validated by plotly, then encoded)."""
    validated = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return len(plotly.io.to_json(validated, validate=False))


@pytest.mark.parametrize("hours", [0.5, 3.0, 22.5])
def test_the_payload_stays_under_64_kib_at_any_length(hours: float) -> None:
    t_s, bpm, grid, rmssd = _session(hours, seed=int(hours * 10))
    now_s = float(t_s[-1])
    figure = live_chart(*thinned(t_s, bpm, now_s), *thinned(grid, rmssd, now_s))
    assert _sent_bytes(figure) < 64 * KIB
    if hours >= 3:  # what the chart drew before: every beat, over 400 KiB at 22.5 h
        unthinned = live_chart(t_s, bpm, grid, rmssd)
        assert _sent_bytes(unthinned) > 64 * KIB


def test_the_last_minutes_are_every_beat_and_earlier_ones_bin_means() -> None:
    t_s, bpm, _grid, _rmssd = _session(3.0, seed=1)
    now_s = float(t_s[-1])
    x, y = thinned(t_s, bpm, now_s)
    recent = t_s > now_s - FULL_RES_S
    n_recent = int(recent.sum())
    np.testing.assert_array_equal(x[-n_recent:], t_s[recent])
    np.testing.assert_array_equal(y[-n_recent:], bpm[recent])
    early_x, early_y = x[:-n_recent], y[:-n_recent]
    assert early_x.size <= 600 and np.all(np.diff(x) > 0)
    # Each early point is the mean of the beats of its bin (NaN readings left out).
    width_s = 30.0  # 3 h: the narrowest bin giving at most 600 bins
    first_bin = (t_s > 0) & (t_s <= width_s)
    assert early_x[0] == pytest.approx(t_s[first_bin].mean())
    assert early_y[0] == pytest.approx(np.nanmean(bpm[first_bin]))


def test_breaks_survive_the_thinning_and_a_short_session_is_drawn_as_it_is() -> None:
    t_s, _bpm, grid, rmssd = _session(0.5, seed=2)
    now_s = float(t_s[-1])
    x, y = thinned(grid, rmssd, now_s)
    # 30 minutes: 5 s bins, one rolling value each: nothing changes, the gap stays a gap.
    np.testing.assert_array_equal(x, grid)
    np.testing.assert_array_equal(y, rmssd)
    t_long, _, grid_long, rmssd_long = _session(6.0, seed=3)
    x, y = thinned(grid_long, rmssd_long, float(t_long[-1]))
    blank = (grid_long[100:130].min(), grid_long[100:130].max())
    inside = (x > blank[0] + 60) & (x < blank[1] - 60)  # bins wholly inside the blank stretch
    assert inside.any() and all(math.isnan(v) for v in y[inside])
