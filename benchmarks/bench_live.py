"""Live page refresh cost as a session grows, against computing each refresh from scratch.

Sessions are recording, with the baseline and massage marked, watched by the therapist whose
client it is (the page's reads and access checks). Between two timed refreshes one second of
beats arrives, as while recording, and the clock reads one second past the time stored to
(beats reach the store within about two seconds). A refresh is everything the live fragment
computes on the server each second: the view (store reads and analysis), the tiles and the
chart as Streamlit sends it (what ``st.plotly_chart`` does with the figure, then its JSON
encoding). Measured at
60 and at 180 minutes over 61 refreshes (two whole 30 s pieces of "relaxation now", which is
computed again as each piece completes): the page's kept feed (`LiveFeed.refresh`: new beats
only) against, as the named baseline, a view computed from scratch each time (`live_view`,
what every refresh did before the feed), and the chart as the page sends it (`ready_figure`)
against the same spec validated by plotly (what it sent before); the chart payload; and eight
rooms watched at once, over a whole 30 s piece.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import plotly.io
import plotly.tools

from benchmarks.timing import FULL, Size, size_from_argv
from hrv_relax.auth.login import viewer_for
from hrv_relax.capture.simulator import ClientProfile, SessionPlan, SimulatedBeat, simulate_beats
from hrv_relax.dashboard.charts.live import live_figure
from hrv_relax.dashboard.charts.ready import ready_figure
from hrv_relax.dashboard.tiles import live_tiles
from hrv_relax.records import Viewer
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    add_marker,
    add_user,
    append_beats,
    create_session,
    heartbeat,
    open_store,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.views.live import LiveFeed, LiveView, live_view

BASELINE_S = 300.0
RECOVERY_S = 300.0
STORE_LATENCY_S = 1.0  # the clock at a refresh, past the session time stored to
GOAL_MS = 5.0
GOAL_GROWTH = 1.2
GOAL_PAYLOAD_KIB = 64.0
GOAL_ROOMS_PCT = 10.0
ROOMS = 8


@dataclass
class Recording:
    """A session being recorded: the beats already stored and those still to come."""

    session_id: int
    started: dt.datetime
    coming: list[SimulatedBeat]
    seq: int
    clock_s: float  # the session clock: every beat up to it is stored

    def one_second(self, store: Store) -> None:
        """Move the clock one second on: store that second's beats, with the heartbeat."""
        self.clock_s += 1.0
        batch = []
        while self.coming and self.coming[0].t_s <= self.clock_s:
            b = self.coming.pop(0)
            batch.append(Beat(self.seq, b.t_s, b.rr_ms, round(60000 / b.rr_ms), True))
            self.seq += 1
        with store.write() as conn:
            if batch:
                append_beats(conn, self.session_id, batch)
            heartbeat(conn, self.session_id)

    @property
    def now(self) -> dt.datetime:
        """The clock at a refresh: a bit after the session clock the beats are stored to."""
        return self.started + dt.timedelta(seconds=self.clock_s + STORE_LATENCY_S)


def recording(store: Store, therapist: Viewer, name: str, minutes: float, seed: int) -> Recording:
    """A session `minutes` long so far (phases marked), with ten more minutes to come."""
    plan = SessionPlan(BASELINE_S, 60 * minutes - BASELINE_S - RECOVERY_S + 600, RECOVERY_S)
    beats, _ = simulate_beats(plan, ClientProfile(), seed)
    now_s = 60 * minutes
    started = utcnow() - dt.timedelta(seconds=now_s)
    client = add_client(store, name, therapist_id=therapist.user_id)
    sid = create_session(store, client.id, source="simulated", started_at=started)
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
    return Recording(sid, started, beats[len(done) :], len(done), now_s)


def chart_spec(figure: object) -> str:
    """The chart's JSON as `st.plotly_chart` builds and sends it (validated, then encoded)."""
    validated = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return str(plotly.io.to_json(validated, validate=False))


@dataclass
class Refreshes:
    """Each timed refresh's view (store reads, analysis, tiles) and chart, in ms."""

    view_ms: list[float] = field(default_factory=list)
    chart_ms: list[float] = field(default_factory=list)
    payload: int = 0  # bytes of the chart as sent

    @property
    def median_ms(self) -> float:
        return statistics.median(v + c for v, c in zip(self.view_ms, self.chart_ms, strict=True))

    @property
    def mean_ms(self) -> float:
        return statistics.mean(self.view_ms) + statistics.mean(self.chart_ms)

    def median(self, part: list[float]) -> float:
        return statistics.median(part)


Refresh = Callable[[Recording], LiveView]
Chart = Callable[[LiveView], object]


def timed_refreshes(
    store: Store, cases: list[tuple[Recording, Refresh, Chart]], repeats: int
) -> list[Refreshes]:
    """Each case's `refresh` with a second of new beats before each, its tiles and chart.

    The cases take turns, refresh by refresh, so that load from elsewhere on a shared
    machine weighs on each of them alike.
    """
    for rec, refresh, chart in cases:
        chart_spec(chart(refresh(rec)))  # warm (a kept feed reads the session once here)
    results = [Refreshes() for _ in cases]
    for _ in range(repeats):
        for (rec, refresh, chart), result in zip(cases, results, strict=True):
            rec.one_second(store)
            start = time.perf_counter()
            view = refresh(rec)
            live_tiles(view)
            middle = time.perf_counter()
            result.payload = len(chart_spec(chart(view)))
            result.view_ms.append((middle - start) * 1000)
            result.chart_ms.append((time.perf_counter() - middle) * 1000)
            assert view.shift_now is not None, f"no relaxation now: {view.shift_note}"
    return results


def _ready(view: LiveView) -> object:
    return ready_figure(live_figure(view))


def main(size: Size = FULL) -> None:
    repeats = size.pick(61, 5)
    minutes = (60.0, 180.0) if not size.quick else (10.0, 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "live.db")
        therapist = viewer_for(add_user(store, "therapist", role="therapist"))
        # Each case watches a session of its own (the same simulated beats for the three
        # cases of one length), so each refresh finds one second of new beats, as a page's.
        recs = [
            [
                recording(store, therapist, f"Client {k + 1} {case}", length, seed=k + 1)
                for case in ("page", "validated", "scratch")
            ]
            for k, length in enumerate(minutes)
        ]
        feeds = {r.session_id: LiveFeed(r.session_id) for rs in recs for r in rs}

        def kept(r: Recording) -> LiveView:
            return feeds[r.session_id].refresh(store, therapist, now=r.now)

        def scratch(r: Recording) -> LiveView:
            return live_view(store, therapist, r.session_id, now=r.now)

        # Each length in turn: kept feed with the page's chart, kept feed with the chart
        # validated by plotly, a view from scratch.
        cases: list[tuple[Recording, Refresh, Chart]] = []
        for page, validated, fresh in recs:
            cases += [
                (page, kept, _ready),
                (validated, kept, live_figure),
                (fresh, scratch, _ready),
            ]
        timed = timed_refreshes(store, cases, repeats)
        results = [
            (length, rs[0], *timed[3 * k : 3 * k + 3])
            for k, (length, rs) in enumerate(zip(minutes, recs, strict=True))
        ]
        # Rooms started minutes apart, as in a clinic (not all on the same 30 s mark).
        rooms = [
            recording(store, therapist, f"Room {i + 1}", minutes[0] + 1.3 * i, seed=10 + i)
            for i in range(ROOMS)
        ]
        room_feeds = [LiveFeed(r.session_id) for r in rooms]
        seconds = []
        for k in range(repeats + 1):
            for room in rooms:
                room.one_second(store)
            start = time.perf_counter()
            for room, feed in zip(rooms, room_feeds, strict=True):
                view = feed.refresh(store, therapist, now=room.now)
                live_tiles(view)
                chart_spec(_ready(view))
            if k:  # the first reads each session whole
                seconds.append((time.perf_counter() - start) * 1000)
        store.close()
    for length, rec, page, validated, fresh in results:
        print(
            f"{length:.0f} min ({rec.seq} beats): kept feed {page.median_ms:.1f} ms a refresh "
            f"(mean {page.mean_ms:.1f}; view {page.median(page.view_ms):.1f} + chart "
            f"{page.median(page.chart_ms):.1f}); from scratch {fresh.median_ms:.1f} ms (view "
            f"{fresh.median(fresh.view_ms):.1f}) -> {fresh.median_ms / page.median_ms:.1f}x "
            f"faster, view {fresh.median(fresh.view_ms) / page.median(page.view_ms):.1f}x "
            f"(goal < {GOAL_MS:.0f} ms); chart as sent {page.median(page.chart_ms):.2f} ms, "
            f"validated by plotly {validated.median(validated.chart_ms):.2f} ms -> "
            f"{validated.median(validated.chart_ms) / page.median(page.chart_ms):.1f}x; payload "
            f"{page.payload / 1024:.0f} KiB (goal < {GOAL_PAYLOAD_KIB:.0f} KiB)"
        )
    short, long = results[0], results[-1]
    print(
        f"growth, {long[0]:.0f} min / {short[0]:.0f} min: kept feed "
        f"{long[2].median_ms / short[2].median_ms:.2f}x (mean "
        f"{long[2].mean_ms / short[2].mean_ms:.2f}x), from scratch "
        f"{long[4].median_ms / short[4].median_ms:.2f}x (goal <= {GOAL_GROWTH}x)"
    )
    mean_ms = statistics.mean(seconds)
    print(
        f"{ROOMS} rooms of {short[0]:.0f}-{short[0] + 1.3 * (ROOMS - 1):.0f} min watched, one "
        f"refresh each per second, over {len(seconds)} s: mean {mean_ms:.0f} ms = "
        f"{mean_ms / 10:.1f} % of one core (goal < {GOAL_ROOMS_PCT:.0f} %), slowest second "
        f"{max(seconds):.0f} ms; {mean_ms / ROOMS / short[4].median_ms:.2f}x a from-scratch "
        f"refresh each"
    )


if __name__ == "__main__":
    main(size_from_argv())
