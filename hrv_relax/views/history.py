"""What the history page shows: a client's (or the clinic's) sessions over time, the trend,
and which techniques, pressures and session lengths relax them most.

Built column-wise from the few figures stored with each cached summary (see
store/history_figures), so a clinic's years of sessions render without decoding a summary or
touching the beats. Pages call :func:`history_view` (or `summary_cache.history_columns` and
:func:`build_history`) and draw the result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hrv_relax.analysis import (
    NormalRange,
    normal_range,
    positions_against_normal,
    rolling_normal_ranges,
)
from hrv_relax.records import Viewer
from hrv_relax.store.engine import Store
from hrv_relax.store.history_figures import NO_THERAPIST, FloatArray, HistoryColumns, TextArray
from hrv_relax.views.comparisons import MIN_COMPARISON_SESSIONS, Comparison, compare
from hrv_relax.views.summary_cache import (
    Progress,
    SessionSummary,
    history_columns,
    summaries_as_columns,
)

#: The normal range of a session is built from up to this many of the client's earlier
#: baselines (a rolling window, so it follows slow changes, like HRV4Training's 60 days).
NORMAL_RANGE_SESSIONS = 10
DAYS_PER_WEEK = 7
NO_COMPARISON = "no comparison"
#: numpy's day 0, 1970-01-01, was a Thursday: weekday 3, counting from Monday as 0.
_DAY_ZERO_WEEKDAY = 3


@dataclass(frozen=True, slots=True)
class HistoryFilters:
    """Which sessions to show. Ids, not names: an access rule can narrow them."""

    client_ids: tuple[int, ...] | None = None
    therapist_ids: tuple[int, ...] | None = None
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    marker: str | None = None  # "technique: X" or "pressure: Y"


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One session on the timeline. lnRMSSD values are natural logs of ms; NaN = not computable."""

    session_id: int
    client_id: int
    client_name: str
    therapist_id: int | None
    started_at: dt.datetime
    duration_min: float
    baseline_ln_rmssd: float
    baseline_hr_bpm: float
    shift_ln_rmssd: float
    shift_ci_low: float
    shift_ci_high: float
    rmssd_pct: float
    hr_change_bpm: float
    verdict: str
    normal_low: float
    normal_high: float
    baseline_position: str
    markers: tuple[str, ...]
    artifact_pct: float


@dataclass(frozen=True, slots=True)
class Timeline:
    """The shown sessions as columns, each with its usual range from the client's earlier
    sessions (NaN: too few) and the techniques and pressures marked in it."""

    sessions: HistoryColumns
    verdict: TextArray  # the sessions' verdicts, "no comparison" where there is none
    normal_low: FloatArray
    normal_high: FloatArray
    baseline_position: TextArray
    markers: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.sessions)


@dataclass(frozen=True, slots=True)
class WeekPoint:
    """Mean of the sessions in one week (weeks start on Monday)."""

    week_start: dt.date
    baseline_ln_rmssd: float
    shift_ln_rmssd: float
    n_sessions: int


@dataclass(frozen=True, slots=True)
class HistoryView:
    timeline: Timeline
    weeks: tuple[WeekPoint, ...]
    trend: str
    comparisons: tuple[Comparison, ...]
    usual: NormalRange | None  # the client's current normal range (one client only)
    n_all: int  # sessions before the date/therapist/marker filters

    @property
    def points(self) -> tuple[TimelinePoint, ...]:
        """The shown sessions one by one (charts and tables read `timeline`'s columns)."""
        return timeline_points(self.timeline)


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the filters can offer for a set of sessions."""

    therapist_ids: tuple[int, ...]
    markers: tuple[str, ...]
    first_day: dt.date | None
    last_day: dt.date | None


def filter_choices(table: HistoryColumns) -> FilterChoices:
    days = _days(table)
    therapists = np.unique(table.therapist_id[table.therapist_id != NO_THERAPIST])
    return FilterChoices(
        therapist_ids=tuple(int(t) for t in therapists),
        markers=tuple(sorted(set(_labels(table)))),
        first_day=days.min().item() if days.size else None,
        last_day=days.max().item() if days.size else None,
    )


def history_view(
    store: Store,
    viewer: Viewer,
    filters: HistoryFilters = HistoryFilters(),
    *,
    progress: Progress | None = None,
) -> HistoryView:
    """The history of the filtered sessions; missing summaries are computed (with progress)."""
    table = history_columns(store, viewer, client_ids=filters.client_ids, progress=progress)
    return build_history(table, filters)


def build_history(
    sessions: HistoryColumns | Sequence[SessionSummary], filters: HistoryFilters
) -> HistoryView:
    """Pure: sessions (oldest first; columns, or full summaries) -> the history view."""
    table = sessions if isinstance(sessions, HistoryColumns) else summaries_as_columns(sessions)
    ranges = rolling_normal_ranges(table.baseline_ln_rmssd, table.client_id, NORMAL_RANGE_SESSIONS)
    markers = _markers(table)
    keep = _wanted(table, markers, filters)
    shown = table.take(keep)
    timeline = Timeline(
        sessions=shown,
        verdict=np.array(
            [NO_COMPARISON if v is None else v for v in shown.verdict.tolist()], dtype=object
        ),
        normal_low=ranges.low[keep],
        normal_high=ranges.high[keep],
        baseline_position=positions_against_normal(table.baseline_ln_rmssd, ranges)[keep],
        markers=tuple(m for m, k in zip(markers, keep.tolist(), strict=True) if k),
    )
    usual = None
    if np.unique(table.client_id).size == 1:
        usual = normal_range(table.baseline_ln_rmssd[-NORMAL_RANGE_SESSIONS:].tolist())
    return HistoryView(
        timeline=timeline,
        weeks=weekly(shown),
        trend=trend_sentence(shown),
        comparisons=compare(shown),
        usual=usual,
        n_all=len(table),
    )


def _days(table: HistoryColumns) -> npt.NDArray[np.datetime64]:
    """Each session's day (in UTC)."""
    return table.started_at.astype("datetime64[D]")


def _labels(table: HistoryColumns) -> list[str]:
    """Each marked stretch as the filters name it: "technique: effleurage"."""
    seg = table.segments
    return [f"{k}: {v}" for k, v in zip(seg.kind.tolist(), seg.value.tolist(), strict=True)]


def _markers(table: HistoryColumns) -> list[tuple[str, ...]]:
    """The techniques and pressures marked in each session, sorted, each once."""
    marked: list[set[str]] = [set() for _ in range(len(table))]
    for row, label in zip(table.segments.row.tolist(), _labels(table), strict=True):
        marked[row].add(label)
    return [tuple(sorted(m)) for m in marked]


def _wanted(
    table: HistoryColumns, markers: Sequence[tuple[str, ...]], f: HistoryFilters
) -> npt.NDArray[np.bool_]:
    days = _days(table)
    keep = np.ones(len(table), dtype=bool)
    if f.since is not None:
        keep &= days >= np.datetime64(f.since, "D")
    if f.until is not None:
        keep &= days <= np.datetime64(f.until, "D")
    if f.therapist_ids is not None:
        keep &= np.isin(table.therapist_id, f.therapist_ids)
    if f.marker is not None:
        keep &= np.array([f.marker in m for m in markers], dtype=bool)
    return keep


def timeline_points(timeline: Timeline) -> tuple[TimelinePoint, ...]:
    """The timeline's sessions as one record each."""
    s = timeline.sessions
    started = s.started_at.astype(object)  # naive datetimes, in UTC
    return tuple(
        TimelinePoint(
            session_id=int(s.session_id[k]),
            client_id=int(s.client_id[k]),
            client_name=str(s.client_name[k]),
            therapist_id=None if s.therapist_id[k] == NO_THERAPIST else int(s.therapist_id[k]),
            started_at=started[k].replace(tzinfo=dt.UTC),
            duration_min=float(s.duration_s[k]) / 60.0,
            baseline_ln_rmssd=float(s.baseline_ln_rmssd[k]),
            baseline_hr_bpm=float(s.baseline_hr_bpm[k]),
            shift_ln_rmssd=float(s.ln_rmssd_change[k]),
            shift_ci_low=float(s.ln_rmssd_change_low[k]),
            shift_ci_high=float(s.ln_rmssd_change_high[k]),
            rmssd_pct=float(s.rmssd_change_pct[k]),
            hr_change_bpm=float(s.hr_change_bpm[k]),
            verdict=str(timeline.verdict[k]),
            normal_low=float(timeline.normal_low[k]),
            normal_high=float(timeline.normal_high[k]),
            baseline_position=str(timeline.baseline_position[k]),
            markers=timeline.markers[k],
            artifact_pct=float(s.artifact_pct[k]),
        )
        for k in range(len(s))
    )


def weekly(table: HistoryColumns) -> tuple[WeekPoint, ...]:
    """Weekly means of baseline lnRMSSD and of the relaxation shift."""
    days = _days(table)
    weekday = (days.astype(np.int64) + _DAY_ZERO_WEEKDAY) % DAYS_PER_WEEK
    starts, week = np.unique(days - weekday.astype("timedelta64[D]"), return_inverse=True)
    counts = np.bincount(week, minlength=starts.size)
    baseline = _weekly_means(week, table.baseline_ln_rmssd, starts.size)
    shift = _weekly_means(week, table.ln_rmssd_change, starts.size)
    return tuple(
        WeekPoint(
            week_start=start,
            baseline_ln_rmssd=float(baseline[k]),
            shift_ln_rmssd=float(shift[k]),
            n_sessions=int(counts[k]),
        )
        for k, start in enumerate(starts.tolist())
    )


def _weekly_means(week: npt.NDArray[np.intp], values: FloatArray, n_weeks: int) -> FloatArray:
    finite = np.isfinite(values)
    total = np.bincount(week[finite], weights=values[finite], minlength=n_weeks)
    count = np.bincount(week[finite], minlength=n_weeks)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def trend_sentence(table: HistoryColumns) -> str:
    """The slope of baseline lnRMSSD per week (least squares), in words with its basis."""
    usable = np.isfinite(table.baseline_ln_rmssd)
    if usable.sum() < MIN_COMPARISON_SESSIONS:
        return "Too few sessions with a clean baseline to show a trend yet."
    when = table.started_at[usable]
    microseconds = (when - when[0]).astype(np.int64)
    # As timedelta.total_seconds() does: whole microseconds / 10**6.
    weeks = microseconds / 10**6 / 86400 / DAYS_PER_WEEK
    span_weeks = float(weeks[-1])
    if span_weeks < 1.0:
        return "All sessions fall within one week: no trend over weeks yet."
    y = table.baseline_ln_rmssd[usable]
    slope = float(np.polyfit(weeks, y, 1)[0])
    pct = 100.0 * math.expm1(slope)
    direction = "rising" if pct > 0.5 else "falling" if pct < -0.5 else "steady"
    return (
        f"Resting RMSSD at the start of sessions is {direction} ({pct:+.1f} % a week) over "
        f"{span_weeks:.0f} weeks and {int(usable.sum())} sessions."
    )
