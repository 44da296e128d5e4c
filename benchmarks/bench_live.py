"""Live page refresh cost with a 60-minute session in progress, as a ratio to reading its beats.

Baseline: `load_beats` of the same session from the same SQLite file (the least any refresh
must do). Measured: everything the live fragment computes on the server each second —
`live_view` (store reads + analysis), the tiles and the plotly figure — for one session, and
for four sessions recording at once (four rooms, four open pages).
"""

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hrv_relax.capture.simulator import ClientProfile, SessionPlan, simulate_beats
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
from hrv_relax.views.live import live_view

SESSION_PLAN = SessionPlan(baseline_s=300, massage_s=3000, recovery_s=300)
ROOMS = 4
REPEATS = 15
GOAL_MS = 100.0


def _session_in_progress(store: Store, name: str, seed: int) -> int:
    beats, _ = simulate_beats(SESSION_PLAN, ClientProfile(), seed)
    sid = create_session(store, add_client(store, name).id, source="simulated")
    with store.write() as conn:
        append_beats(conn, sid, [Beat(i, b.t_s, b.rr_ms, 70, True) for i, b in enumerate(beats)])
        heartbeat(conn, sid)
    for t_s, phase in SESSION_PLAN.phase_starts():
        add_marker(store, sid, "phase", phase, t_s=t_s)
    return sid


def _median_ms(work: Callable[[], object]) -> float:
    work()  # warm caches and imports
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "live.db")
        ids = [_session_in_progress(store, f"Room {i + 1}", seed=i) for i in range(ROOMS)]

        def refresh(sid: int) -> None:
            view = live_view(store, SYSTEM, sid)
            live_tiles(view)
            live_figure(view)

        baseline_ms = _median_ms(lambda: load_beats(store, ids[0]))
        one_ms = _median_ms(lambda: refresh(ids[0]))
        four_ms = _median_ms(lambda: [refresh(sid) for sid in ids])
        n_beats = len(load_beats(store, ids[0]))
        store.close()
    print(f"session: 60 min in progress, {n_beats} beats; baseline load_beats {baseline_ms:.1f} ms")
    print(
        f"one live refresh: {one_ms:.1f} ms = {one_ms / baseline_ms:.1f}x load_beats "
        f"(goal < {GOAL_MS:.0f} ms: {'met' if one_ms < GOAL_MS else 'NOT met'})"
    )
    print(
        f"{ROOMS} sessions, one refresh each: {four_ms:.1f} ms per second of wall time "
        f"= {four_ms / baseline_ms:.1f}x load_beats ({four_ms / 10:.0f} % of one core)"
    )


if __name__ == "__main__":
    main()
