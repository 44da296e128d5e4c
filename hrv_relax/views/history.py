"""What the history page shows: a client's (or the clinic's) sessions over time, the trend,
and which techniques, pressures and session lengths relax them most.

Built from cached session summaries (see summary_cache), so a client with hundreds of sessions
renders without touching the beats. Pages call :func:`history_view` and draw the result.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from hrv_relax.analysis import NormalRange, against_normal, normal_range
from hrv_relax.records import Viewer
from hrv_relax.store.engine import Store
from hrv_relax.views.summary import SessionFigures
from hrv_relax.views.summary_cache import Progress, SessionSummary, session_summaries

#: The normal range of a session is built from up to this many of the client's earlier
#: baselines (a rolling window, so it follows slow changes, like HRV4Training's 60 days).
NORMAL_RANGE_SESSIONS = 10
#: A comparison resting on fewer sessions than this is shown but marked "too few to say".
MIN_COMPARISON_SESSIONS = 3
#: Session length groups (minutes, upper edges) for the comparison by length.
LENGTH_EDGES_MIN = (45.0, 60.0)
DAYS_PER_WEEK = 7


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
class WeekPoint:
    """Mean of the sessions in one week (weeks start on Monday)."""

    week_start: dt.date
    baseline_ln_rmssd: float
    shift_ln_rmssd: float
    n_sessions: int


@dataclass(frozen=True, slots=True)
class Comparison:
    """How one technique / pressure / session length moved HR and RMSSD, over n sessions."""

    group: str
    label: str
    n_sessions: int
    rmssd_pct: float  # mean change of RMSSD against the baseline, %
    hr_change_bpm: float
    relaxed_share: float  # share of these sessions with a "more relaxed" verdict

    @property
    def enough(self) -> bool:
        return self.n_sessions >= MIN_COMPARISON_SESSIONS


@dataclass(frozen=True, slots=True)
class HistoryView:
    points: tuple[TimelinePoint, ...]
    weeks: tuple[WeekPoint, ...]
    trend: str
    comparisons: tuple[Comparison, ...]
    usual: NormalRange | None  # the client's current normal range (one client only)
    n_all: int  # sessions before the date/therapist/marker filters


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the filters can offer for a set of sessions."""

    therapist_ids: tuple[int, ...]
    markers: tuple[str, ...]
    first_day: dt.date | None
    last_day: dt.date | None


def filter_choices(summaries: Sequence[SessionSummary]) -> FilterChoices:
    days = [s.started_at.date() for s in summaries]
    return FilterChoices(
        therapist_ids=tuple(
            sorted({s.therapist_id for s in summaries if s.therapist_id is not None})
        ),
        markers=tuple(sorted({m for s in summaries for m in s.figures.values})),
        first_day=min(days, default=None),
        last_day=max(days, default=None),
    )


def history_view(
    store: Store,
    viewer: Viewer,
    filters: HistoryFilters = HistoryFilters(),
    *,
    progress: Progress | None = None,
) -> HistoryView:
    """The history of the filtered sessions; missing summaries are computed (with progress)."""
    summaries = session_summaries(store, viewer, client_ids=filters.client_ids, progress=progress)
    return build_history(summaries, filters)


def build_history(summaries: Sequence[SessionSummary], filters: HistoryFilters) -> HistoryView:
    """Pure: summaries (oldest first) -> the history view."""
    points = _with_normal_ranges(summaries)
    shown = tuple(p for p in points if _wanted(p, filters))
    shown_ids = {p.session_id for p in shown}
    single = {p.client_id for p in points}
    usual = None
    if len(single) == 1:
        usual = normal_range([p.baseline_ln_rmssd for p in points[-NORMAL_RANGE_SESSIONS:]])
    return HistoryView(
        points=shown,
        weeks=weekly(shown),
        trend=trend_sentence(shown),
        comparisons=compare(s for s in summaries if s.session_id in shown_ids),
        usual=usual,
        n_all=len(points),
    )


def _wanted(p: TimelinePoint, f: HistoryFilters) -> bool:
    day = p.started_at.date()
    return (
        (f.since is None or day >= f.since)
        and (f.until is None or day <= f.until)
        and (f.therapist_ids is None or p.therapist_id in f.therapist_ids)
        and (f.marker is None or f.marker in p.markers)
    )


def _with_normal_ranges(summaries: Sequence[SessionSummary]) -> list[TimelinePoint]:
    earlier: dict[int, list[float]] = defaultdict(list)
    out = []
    for s in summaries:
        past = earlier[s.client_id][-NORMAL_RANGE_SESSIONS:]
        usual = normal_range(past)
        out.append(_point(s, usual))
        earlier[s.client_id].append(s.figures.baseline.ln_rmssd)
    return out


def _point(s: SessionSummary, usual: NormalRange | None) -> TimelinePoint:
    f: SessionFigures = s.figures
    main = f.main
    shift = main.shift if main else None
    nan = math.nan
    return TimelinePoint(
        session_id=s.session_id,
        client_id=s.client_id,
        client_name=s.client_name,
        therapist_id=s.therapist_id,
        started_at=s.started_at,
        duration_min=f.duration_s / 60.0,
        baseline_ln_rmssd=f.baseline.ln_rmssd,
        baseline_hr_bpm=f.baseline.hr_bpm,
        shift_ln_rmssd=shift.ln_rmssd.delta if shift else nan,
        shift_ci_low=shift.ln_rmssd.ci_low if shift else nan,
        shift_ci_high=shift.ln_rmssd.ci_high if shift else nan,
        rmssd_pct=shift.rmssd_pct if shift else nan,
        hr_change_bpm=shift.hr_bpm.delta if shift else nan,
        verdict=shift.verdict if shift else "no comparison",
        normal_low=usual.low if usual else nan,
        normal_high=usual.high if usual else nan,
        baseline_position=against_normal(f.baseline.ln_rmssd, usual),
        markers=f.values,
        artifact_pct=f.artifact_pct,
    )


def weekly(points: Sequence[TimelinePoint]) -> tuple[WeekPoint, ...]:
    """Weekly means of baseline lnRMSSD and of the relaxation shift."""
    weeks: dict[dt.date, list[TimelinePoint]] = defaultdict(list)
    for p in points:
        day = p.started_at.date()
        weeks[day - dt.timedelta(days=day.weekday())].append(p)
    return tuple(
        WeekPoint(
            week_start=start,
            baseline_ln_rmssd=_mean(p.baseline_ln_rmssd for p in group),
            shift_ln_rmssd=_mean(p.shift_ln_rmssd for p in group),
            n_sessions=len(group),
        )
        for start, group in sorted(weeks.items())
    )


def _mean(values: Iterable[float]) -> float:
    # Plain Python: these lists are short, where numpy's per-call cost dominates.
    finite = [v for v in values if math.isfinite(v)]
    return math.fsum(finite) / len(finite) if finite else math.nan


def trend_sentence(points: Sequence[TimelinePoint]) -> str:
    """The slope of baseline lnRMSSD per week (least squares), in words with its basis."""
    usable = [p for p in points if math.isfinite(p.baseline_ln_rmssd)]
    if len(usable) < MIN_COMPARISON_SESSIONS:
        return "Too few sessions with a clean baseline to show a trend yet."
    t0 = usable[0].started_at
    weeks = np.array([(p.started_at - t0).total_seconds() / 86400 / DAYS_PER_WEEK for p in usable])
    span_weeks = float(weeks[-1])
    if span_weeks < 1.0:
        return "All sessions fall within one week: no trend over weeks yet."
    y = np.array([p.baseline_ln_rmssd for p in usable])
    slope = float(np.polyfit(weeks, y, 1)[0])
    pct = 100.0 * math.expm1(slope)
    direction = "rising" if pct > 0.5 else "falling" if pct < -0.5 else "steady"
    return (
        f"Resting RMSSD at the start of sessions is {direction} ({pct:+.1f} % a week) over "
        f"{span_weeks:.0f} weeks and {len(usable)} sessions."
    )


def _length_label(minutes: float) -> str:
    low, high = LENGTH_EDGES_MIN
    if minutes < low:
        return f"under {low:.0f} min"
    if minutes < high:
        return f"{low:.0f}-{high:.0f} min"
    return f"{high:.0f} min or more"


def compare(summaries: Iterable[SessionSummary]) -> tuple[Comparison, ...]:
    """Per technique and pressure (the marked stretches) and per session length (the massage
    phase): mean RMSSD and HR change against the baseline, most relaxing first in each group."""
    groups: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
    for s in summaries:
        per_session: dict[tuple[str, str], list[tuple[float, float, bool]]] = defaultdict(list)
        for seg in s.figures.segments:
            if seg.shift is not None and math.isfinite(seg.shift.ln_rmssd.delta):
                per_session[(seg.kind, seg.value)].append(
                    (
                        seg.shift.ln_rmssd.delta,
                        seg.shift.hr_bpm.delta,
                        seg.shift.verdict == "more relaxed",
                    )
                )
        main = s.figures.main
        if main is not None and main.shift is not None and math.isfinite(main.shift.ln_rmssd.delta):
            key = ("session length", _length_label(s.figures.duration_s / 60.0))
            per_session[key].append(
                (
                    main.shift.ln_rmssd.delta,
                    main.shift.hr_bpm.delta,
                    main.shift.verdict == "more relaxed",
                )
            )
        # One vote per session: a technique used three times in a session counts once.
        for key, items in per_session.items():
            groups[key].append(
                (
                    _mean(i[0] for i in items),
                    _mean(i[1] for i in items),
                    any(i[2] for i in items),
                )
            )
    out = [
        Comparison(
            group=group,
            label=label,
            n_sessions=len(items),
            rmssd_pct=100.0 * math.expm1(_mean(i[0] for i in items)),
            hr_change_bpm=_mean(i[1] for i in items),
            relaxed_share=sum(i[2] for i in items) / len(items),
        )
        for (group, label), items in groups.items()
    ]
    order = {"technique": 0, "pressure": 1, "session length": 2}
    return tuple(sorted(out, key=lambda c: (order.get(c.group, 3), -c.rmssd_pct)))
