"""The history view, computed column-wise, equals the same figures worked out session by
session as they are defined (each session's usual range from its client's earlier baselines,
weekly means, the trend, one vote per session and technique), on seeded sessions."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import pytest

from hrv_relax.analysis import against_normal, normal_range
from hrv_relax.store.history_figures import SegmentHistory, columns_from_rows, session_row
from hrv_relax.views.comparisons import Comparison, length_label
from hrv_relax.views.history import (
    NORMAL_RANGE_SESSIONS,
    HistoryFilters,
    HistoryView,
    build_history,
    filter_choices,
)
from tests.support.seeded_history import Visit, columns, visits

# --- the figures session by session, as defined -------------------------------------------------


def _mean(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return math.fsum(finite) / len(finite) if finite else math.nan


def expected_points(all_visits: Sequence[Visit], shown: set[int]) -> list[dict[str, object]]:
    earlier: dict[int, list[float]] = defaultdict(list)
    out = []
    for v in all_visits:
        usual = normal_range(earlier[v.client_id][-NORMAL_RANGE_SESSIONS:])
        earlier[v.client_id].append(v.figures.baseline_ln_rmssd)
        if v.session_id in shown:
            out.append(
                {
                    "session_id": v.session_id,
                    "therapist_id": v.therapist_id,
                    "started_at": v.started_at,
                    "normal_low": usual.low if usual else math.nan,
                    "normal_high": usual.high if usual else math.nan,
                    "baseline_position": against_normal(v.figures.baseline_ln_rmssd, usual),
                    "verdict": v.figures.verdict or "no comparison",
                    "markers": v.markers,
                }
            )
    return out


def expected_weeks(vs: Sequence[Visit]) -> list[tuple[dt.date, float, float, int]]:
    weeks: dict[dt.date, list[Visit]] = defaultdict(list)
    for v in vs:
        day = v.started_at.date()
        weeks[day - dt.timedelta(days=day.weekday())].append(v)
    return [
        (
            start,
            _mean([v.figures.baseline_ln_rmssd for v in group]),
            _mean([v.figures.ln_rmssd_change for v in group]),
            len(group),
        )
        for start, group in sorted(weeks.items())
    ]


def expected_trend_slope(vs: Sequence[Visit]) -> float:
    usable = [v for v in vs if math.isfinite(v.figures.baseline_ln_rmssd)]
    t0 = usable[0].started_at
    weeks = [(v.started_at - t0).total_seconds() / 86400 / 7 for v in usable]
    return 100 * math.expm1(
        float(np.polyfit(weeks, [v.figures.baseline_ln_rmssd for v in usable], 1)[0])
    )


def expected_comparisons(vs: Sequence[Visit]) -> list[Comparison]:
    groups: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
    for v in vs:
        votes: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
        f = v.figures
        for s in f.segments:
            if math.isfinite(s.ln_rmssd_change):
                votes[(s.kind, s.value)].append(
                    (s.ln_rmssd_change, s.hr_change_bpm, s.verdict == "more relaxed")
                )
        if math.isfinite(f.ln_rmssd_change):
            votes[("session length", length_label(f.duration_s / 60))].append(
                (f.ln_rmssd_change, f.hr_change_bpm, f.verdict == "more relaxed")
            )
        for key, items in votes.items():
            groups[key].append(
                (
                    _mean([i[0] for i in items]),
                    _mean([i[1] for i in items]),
                    any(i[2] for i in items),
                )
            )
    out = [
        Comparison(
            group,
            label,
            len(items),
            100 * math.expm1(_mean([i[0] for i in items])),
            _mean([i[1] for i in items]),
            sum(i[2] for i in items) / len(items),
        )
        for (group, label), items in groups.items()
    ]
    order = {"technique": 0, "pressure": 1, "session length": 2}
    return sorted(out, key=lambda c: (order[c.group], -c.rmssd_pct))


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-12)
    return a == b


def wanted(v: Visit, f: HistoryFilters) -> bool:
    day = v.started_at.date()
    return (
        (f.since is None or day >= f.since)
        and (f.until is None or day <= f.until)
        and (f.therapist_ids is None or v.therapist_id in f.therapist_ids)
        and (f.marker is None or f.marker in v.markers)
    )


def assert_view_as_defined(view: HistoryView, all_visits: list[Visit], f: HistoryFilters) -> None:
    shown = [v for v in all_visits if wanted(v, f)]
    points = view.points
    expected = expected_points(all_visits, {v.session_id for v in shown})
    assert len(points) == len(expected) == len(view.timeline)
    for point, want in zip(points, expected, strict=True):
        for name, value in want.items():
            assert _same(getattr(point, name), value), (point.session_id, name)
    weeks = [
        (w.week_start, w.baseline_ln_rmssd, w.shift_ln_rmssd, w.n_sessions) for w in view.weeks
    ]
    assert len(weeks) == len(expected_weeks(shown))
    for got, want in zip(weeks, expected_weeks(shown), strict=True):
        assert all(_same(a, b) for a, b in zip(got, want, strict=True)), (got, want)
    if len(shown) >= 3:
        assert f"({expected_trend_slope(shown):+.1f} % a week)" in view.trend
    comparisons = expected_comparisons(shown)
    assert [(c.group, c.label, c.n_sessions) for c in view.comparisons] == [
        (c.group, c.label, c.n_sessions) for c in comparisons
    ]
    for got_c, want_c in zip(view.comparisons, comparisons, strict=True):
        for name in ("rmssd_pct", "hr_change_bpm", "relaxed_share"):
            assert _same(getattr(got_c, name), getattr(want_c, name)), (got_c, name)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_history_of_seeded_sessions_is_as_defined(seed: int) -> None:
    vs = visits(seed, 300)
    table = columns(vs)
    days = sorted(v.started_at.date() for v in vs)
    choices = filter_choices(table)
    assert choices.therapist_ids == (7, 8)
    assert choices.markers == tuple(sorted({m for v in vs for m in v.markers}))
    assert (choices.first_day, choices.last_day) == (days[0], days[-1])
    for filters in (
        HistoryFilters(),
        HistoryFilters(therapist_ids=(7,)),
        HistoryFilters(marker="technique: petrissage"),
        HistoryFilters(marker="pressure: firm", therapist_ids=(7, 8)),
        HistoryFilters(since=days[100], until=days[200]),
    ):
        view = build_history(table, filters)
        assert view.n_all == len(vs) and view.usual is None  # three clients
        assert_view_as_defined(view, vs, filters)


def test_one_clients_history_and_its_usual_range() -> None:
    vs = [v for v in visits(4, 200) if v.client_id == 2]
    view = build_history(columns(vs), HistoryFilters())
    assert_view_as_defined(view, vs, HistoryFilters())
    usual = normal_range([v.figures.baseline_ln_rmssd for v in vs[-NORMAL_RANGE_SESSIONS:]])
    assert view.usual == usual


def test_no_sessions() -> None:
    view = build_history(columns([]), HistoryFilters())
    assert view.points == () and view.weeks == () and view.comparisons == ()
    assert view.usual is None and view.n_all == 0
    assert filter_choices(columns([])).first_day is None


def segment_fields(s: SegmentHistory) -> tuple[object, ...]:
    return (s.kind, s.value, s.ln_rmssd_change, s.hr_change_bpm, s.verdict)


def test_stretches_follow_their_sessions_and_strays_are_left_out() -> None:
    """Stretch rows in any order, one of a session not read (saved between the two reads)."""
    vs = visits(6, 4)
    rows = [
        session_row(
            v.figures,
            session_id=v.session_id,
            client_id=v.client_id,
            client_name="C",
            therapist_id=v.therapist_id,
            started_at=v.started_at,
        )
        for v in vs
    ]
    stretch = SegmentHistory("technique", "effleurage", 0.1, -1.0, "more relaxed")
    stray = SegmentHistory("pressure", "firm", 0.3, -2.0, None)
    segment = [
        (vs[2].session_id, *segment_fields(stretch)),
        (99, *segment_fields(stray)),
        (vs[0].session_id, *segment_fields(stretch)),
    ]
    table = columns_from_rows(rows, segment)
    assert table.segments.row.tolist() == [0, 2]
    assert table.segments.value.tolist() == ["effleurage", "effleurage"]
    assert len(columns_from_rows([], segment).segments.row) == 0
