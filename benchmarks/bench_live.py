"""Live page refresh cost as a session grows, against computing each refresh from scratch.

Sessions are recording (their clock reads the session's length, so "relaxation now" is
computed) with the baseline and massage marked. Between two timed refreshes one second of
beats arrives, as while recording. A refresh is everything the live fragment computes on the
server each second: the view (store reads and analysis), the tiles and the chart as
Streamlit sends it (validated by plotly and encoded to JSON). Measured at 60 and at 180
minutes, for the page's kept feed (`LiveFeed.refresh`: new beats only) and, as the named
baseline, a view computed from scratch each time (`live_view`, what every refresh did
before the feed); the chart payload; and eight rooms watched at once.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import plotly.io
import plotly.tools

from benchmarks.timing import FULL, Size, median_ms, size_from_argv
from hrv_relax.capture.simulator import ClientProfile, SessionPlan, SimulatedBeat, simulate_beats
from hrv_relax.dashboard.charts.live import live_figure
from hrv_relax.dashboard.charts.ready import ready_figure
from hrv_relax.dashboard.tiles import live_tiles
from hrv_relax.records import SYSTEM
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    add_marker,
    append_beats,
    create_session,
    heartbeat,
    open_store,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.views.live import LiveFeed, LiveView, live_view

BASELINE_S = 300.0
RECOVERY_S = 300.0
GOAL_MS = 5.0
GOAL_GROWTH = 1.2
GOAL_PAYLOAD_KIB = 64.0
ROOMS = 8


@dataclass
class Recording:
    """A session being recorded: the beats already stored and those still to come."""

    session_id: int
    coming: list[SimulatedBeat]
    seq: int

    def one_second(self, store: Store) -> None:
        """Store the next second of beats, with the recorder's heartbeat."""
        if not self.coming:
            return
        until = self.coming[0].t_s + 1.0
        batch = []
        while self.coming and self.coming[0].t_s < until:
            b = self.coming.pop(0)
            batch.append(Beat(self.seq, b.t_s, b.rr_ms, round(60000 / b.rr_ms), True))
            self.seq += 1
        with store.write() as conn:
            append_beats(conn, self.session_id, batch)
            heartbeat(conn, self.session_id)


def recording(store: Store, name: str, minutes: float, seed: int) -> Recording:
    """A session `minutes` long so far (phases marked), with ten more minutes to come."""
    plan = SessionPlan(BASELINE_S, 60 * minutes - BASELINE_S - RECOVERY_S + 600, RECOVERY_S)
    beats, _ = simulate_beats(plan, ClientProfile(), seed)
    now_s = 60 * minutes
    started = utcnow() - dt.timedelta(seconds=now_s)
    sid = create_session(store, add_client(store, name).id, source="simulated", started_at=started)
    done = [b for b in beats if b.t_s <= now_s]
    with store.write() as conn:
        append_beats(
            conn,
            sid,
            [Beat(i, b.t_s, b.rr_ms, round(60000 / b.rr_ms), True) for i, b in enumerate(done)],
        )
        heartbeat(conn, sid)
    for t_s, phase in plan.phase_starts()[:2]:
        add_marker(store, sid, "phase", phase, t_s=t_s)
    return Recording(sid, beats[len(done) :], len(done))


def chart_spec(figure: object) -> str:
    """The chart's JSON as `st.plotly_chart` builds and sends it (validated, then encoded)."""
    validated = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return str(plotly.io.to_json(validated, validate=False))


@dataclass(frozen=True, slots=True)
class Refresh:
    """Median ms of a refresh's view (store reads, analysis, tiles) and of its chart."""

    view_ms: float
    chart_ms: float
    payload: int  # bytes of the chart as sent

    @property
    def total_ms(self) -> float:
        return self.view_ms + self.chart_ms


def timed_refreshes(
    store: Store, cases: list[tuple[Recording, Callable[[], LiveView]]], repeats: int
) -> list[Refresh]:
    """Each case's `refresh` with a second of new beats before each, its tiles and chart.

    The cases take turns, refresh by refresh, so that load from elsewhere on a shared
    machine weighs on each of them alike.
    """
    for _, refresh in cases:
        refresh()  # warm (a kept feed reads the session once here)
    views: list[list[float]] = [[] for _ in cases]
    charts: list[list[float]] = [[] for _ in cases]
    payloads = [0 for _ in cases]
    for _ in range(repeats):
        for k, (rec, refresh) in enumerate(cases):
            rec.one_second(store)
            start = time.perf_counter()
            view = refresh()
            live_tiles(view)
            middle = time.perf_counter()
            payloads[k] = len(chart_spec(ready_figure(live_figure(view))))
            views[k].append((middle - start) * 1000)
            charts[k].append((time.perf_counter() - middle) * 1000)
            assert view.shift_now is not None, f"no relaxation now: {view.shift_note}"
    return [
        Refresh(statistics.median(v), statistics.median(c), p)
        for v, c, p in zip(views, charts, payloads, strict=True)
    ]


def main(size: Size = FULL) -> None:
    repeats = size.pick(31, 5)
    minutes = (60.0, 180.0) if not size.quick else (10.0, 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "live.db")
        recs = [
            recording(store, f"Client {k + 1}", length, seed=k + 1)
            for k, length in enumerate(minutes)
        ]
        scratch = timed_refreshes(
            store,
            [(r, lambda r=r: live_view(store, SYSTEM, r.session_id)) for r in recs],
            max(3, repeats // 3),
        )
        feeds = [LiveFeed(r.session_id) for r in recs]
        kept = timed_refreshes(
            store,
            [(r, lambda f=f: f.refresh(store, SYSTEM)) for r, f in zip(recs, feeds, strict=True)],
            repeats,
        )
        results = [
            (length, r.seq, s, k)
            for length, r, s, k in zip(minutes, recs, scratch, kept, strict=True)
        ]
        # Rooms started minutes apart, as in a clinic (not all on the same 30 s mark).
        rooms = [
            recording(store, f"Room {i + 1}", minutes[0] + 1.3 * i, seed=10 + i)
            for i in range(ROOMS)
        ]
        feeds = [LiveFeed(r.session_id) for r in rooms]

        def every_room() -> None:
            for room in rooms:
                room.one_second(store)
            for feed in feeds:
                view = feed.refresh(store, SYSTEM)
                live_tiles(view)
                chart_spec(ready_figure(live_figure(view)))

        rooms_ms = median_ms(every_room, max(3, repeats // 3))
        store.close()
    for length, n_beats, scratch, kept in results:
        print(
            f"{length:.0f} min ({n_beats} beats): kept feed {kept.total_ms:.1f} ms a refresh "
            f"(view {kept.view_ms:.1f} + chart {kept.chart_ms:.1f}); from scratch "
            f"{scratch.total_ms:.1f} ms (view {scratch.view_ms:.1f} + chart "
            f"{scratch.chart_ms:.1f}) -> {scratch.total_ms / kept.total_ms:.1f}x faster, view "
            f"{scratch.view_ms / kept.view_ms:.1f}x (goal < {GOAL_MS:.0f} ms); chart payload "
            f"{kept.payload / 1024:.0f} KiB (goal < {GOAL_PAYLOAD_KIB:.0f} KiB)"
        )
    (short, _, short_scratch, short_kept) = results[0]
    (long, _, long_scratch, long_kept) = results[-1]
    print(
        f"growth, {long:.0f} min / {short:.0f} min: kept feed "
        f"{long_kept.total_ms / short_kept.total_ms:.2f}x (view "
        f"{long_kept.view_ms / short_kept.view_ms:.2f}x), from scratch "
        f"{long_scratch.total_ms / short_scratch.total_ms:.2f}x (goal <= {GOAL_GROWTH}x)"
    )
    print(
        f"{ROOMS} rooms of {short:.0f} min watched, one refresh each per second: "
        f"{rooms_ms:.0f} ms = {rooms_ms / 10:.0f} % of one core (goal < 10 %); "
        f"{rooms_ms / ROOMS / short_scratch.total_ms:.2f}x a from-scratch refresh each"
    )


if __name__ == "__main__":
    main(size_from_argv())
