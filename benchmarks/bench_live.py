"""Live page refresh cost as a session grows, as a ratio to reading its beats.

Sessions are recording (their clock reads the session's length, so "relaxation now" is
computed) with the baseline, massage and recovery marked. Between two timed refreshes one
second of beats arrives, as while recording. Measured: everything the live fragment computes on
the server each second (`live_view`: store reads and analysis; the tiles; the chart as
Streamlit sends it, validated by plotly and encoded to JSON), at 60 and at 180 minutes, and
the chart payload. Baseline, same run and same SQLite file: `load_beats` of the 60-minute
session, the least a refresh that reads everything must do.
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
from hrv_relax.dashboard.tiles import live_tiles
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    add_marker,
    append_beats,
    create_session,
    heartbeat,
    load_beats,
    open_store,
)
from hrv_relax.store.access import SYSTEM
from hrv_relax.store.clock import utcnow
from hrv_relax.views.live import live_view

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


def scratch_refresh(store: Store, sid: int) -> int:
    """One refresh computed from everything stored; returns the chart payload in bytes."""
    view = live_view(store, SYSTEM, sid)
    assert view.shift_now is not None, f"no relaxation now: {view.shift_note}"
    live_tiles(view)
    return len(chart_spec(live_figure(view)))


def timed_refreshes(
    store: Store, rec: Recording, refresh: Callable[[], int], repeats: int
) -> tuple[float, int]:
    """Median ms of `refresh` with a second of new beats before each, and the last payload."""
    refresh()  # warm
    times, payload = [], 0
    for _ in range(repeats):
        rec.one_second(store)
        start = time.perf_counter()
        payload = refresh()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), payload


def main(size: Size = FULL) -> None:
    repeats = size.pick(15, 3)
    short_min, long_min = (60.0, 180.0) if not size.quick else (10.0, 30.0)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "live.db")
        short = recording(store, "Short", short_min, seed=1)
        long = recording(store, "Long", long_min, seed=2)
        rooms = [recording(store, f"Room {i + 1}", short_min, seed=10 + i) for i in range(ROOMS)]
        baseline_ms = median_ms(lambda: load_beats(store, short.session_id), repeats)
        short_ms, short_kib = timed_refreshes(
            store, short, lambda: scratch_refresh(store, short.session_id), repeats
        )
        long_ms, long_kib = timed_refreshes(
            store, long, lambda: scratch_refresh(store, long.session_id), repeats
        )

        def every_room() -> int:
            for room in rooms:
                room.one_second(store)
            return sum(scratch_refresh(store, r.session_id) for r in rooms)

        rooms_ms = median_ms(every_room, max(1, repeats // 3))
        n_beats = short.seq
        store.close()
    print(
        f"baseline: load_beats of the {short_min:.0f}-min session ({n_beats} beats) "
        f"{baseline_ms:.1f} ms"
    )
    for label, ms, payload in (
        (f"{short_min:.0f} min", short_ms, short_kib),
        (f"{long_min:.0f} min", long_ms, long_kib),
    ):
        print(
            f"live refresh at {label}: {ms:.1f} ms = {ms / baseline_ms:.1f}x baseline "
            f"(goal < {GOAL_MS:.0f} ms); chart payload {payload / 1024:.0f} KiB "
            f"(goal < {GOAL_PAYLOAD_KIB:.0f} KiB)"
        )
    print(
        f"growth: refresh at {long_min:.0f} min / at {short_min:.0f} min = "
        f"{long_ms / short_ms:.2f}x (goal <= {GOAL_GROWTH}x)"
    )
    print(
        f"{ROOMS} rooms watched, one refresh each per second: {rooms_ms:.0f} ms = "
        f"{rooms_ms / baseline_ms:.1f}x baseline = {rooms_ms / 10:.0f} % of one core "
        "(goal < 10 %)"
    )


if __name__ == "__main__":
    main(size_from_argv())
