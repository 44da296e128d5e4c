"""History page speed with real volume, against recomputing every summary from the beats.

Practice: one client with 300 sessions and 14 more clients with 50 each (1,000 sessions, about
45 minutes and 3,000 beats each, ~3 million beats). Timed, median of 5:

- ``history_view`` + every history chart + the table, from the summaries cache (what the page
  does on each visit), for the 300-session client and for the whole clinic;
- the history page itself under Streamlit's AppTest (script run = server time);
- baseline: the same summaries recomputed from the beats (load beats and markers, analyse),
  timed on 50 sessions and scaled to 300 and 1,000.

To keep the run short the cache is filled by computing 50 sessions' summaries and storing
copies of them for the other sessions: the warm path reads the same amount of JSON either way.
"""

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from hrv_relax.dashboard.charts.history import comparison_figure, timeline_figure, weekly_figure
from hrv_relax.dashboard.text_tables import history_frame
from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.store import Store, add_client, list_markers, load_beats, open_store
from hrv_relax.store.access import SYSTEM
from hrv_relax.store.summaries import save_summaries, summary_rows
from hrv_relax.views.history import HistoryFilters, history_view
from hrv_relax.views.summary import ANALYSIS_VERSION, summarize, to_json

BIG_CLIENT_SESSIONS = 300
OTHER_CLIENTS = 14
OTHER_SESSIONS = 50
BASELINE_SAMPLE = 50
REPEATS = 5
FIRST_DAY = dt.datetime(2020, 1, 6, 10, tzinfo=dt.UTC)


def seed(store: Store) -> int:
    big = add_client(store, "Bench Client")
    seed_sessions(store, big.id, BIG_CLIENT_SESSIONS, first_day=FIRST_DAY, seed=1)
    for k in range(OTHER_CLIENTS):
        other = add_client(store, f"Clinic Client {k + 1}")
        seed_sessions(store, other.id, OTHER_SESSIONS, first_day=FIRST_DAY, seed=1000 + 100 * k)
    return big.id


def recompute(store: Store, session_ids: list[int]) -> tuple[float, dict[int, dict[str, object]]]:
    """Seconds to summarise these sessions from their beats, and the summaries."""
    out = {}
    start = time.perf_counter()
    for sid in session_ids:
        _, figures = summarize(load_beats(store, sid), list_markers(store, sid))
        out[sid] = to_json(figures)
    return time.perf_counter() - start, out


def fill_cache(store: Store, sample: dict[int, dict[str, object]]) -> None:
    ids = [r.session_id for r in summary_rows(store)]
    values = list(sample.values())
    save_summaries(
        store, {sid: values[i % len(values)] for i, sid in enumerate(ids)}, ANALYSIS_VERSION
    )


def page_work(store: Store, filters: HistoryFilters) -> None:
    view = history_view(store, SYSTEM, filters)
    timeline_figure(view)
    weekly_figure(view)
    for group in ("technique", "pressure", "session length"):
        comparison_figure(view.comparisons, group)
    history_frame(view, {})


def median_s(fn: object, *args: object) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn(*args)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def apptest_s(db: Path, clinic: bool) -> float:
    from streamlit.testing.v1 import AppTest

    from hrv_relax.dashboard.server import dashboard_app

    os.environ["HRV_RELAX_DB"] = str(db)
    times = []
    for _ in range(REPEATS):
        at = AppTest.from_file(str(dashboard_app()), default_timeout=120).run()
        at.switch_page("pages/history.py").run()
        start = time.perf_counter()
        if clinic:
            at.selectbox(key="history_client").select(0).run()
        else:
            at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = open_store(db)
        start = time.perf_counter()
        big = seed(store)
        n = len(summary_rows(store))
        print(f"seeded {n} sessions in {time.perf_counter() - start:.0f} s", flush=True)
        sample_ids = [r.session_id for r in summary_rows(store, client_ids=[big])][:BASELINE_SAMPLE]
        cold_s, sample = recompute(store, sample_ids)
        per_session_s = cold_s / len(sample_ids)
        fill_cache(store, sample)
        rows = (
            ("client, 300 sessions", HistoryFilters(client_ids=(big,)), BIG_CLIENT_SESSIONS, False),
            ("clinic, 1,000 sessions", HistoryFilters(), n, True),
        )
        print("| what | from the cache | page (AppTest) | recompute from beats | ratio | goal |")
        print("|---|---|---|---|---|---|")
        for label, filters, count, clinic in rows:
            warm = median_s(page_work, store, filters)
            page = apptest_s(db, clinic)
            baseline = per_session_s * count
            print(
                f"| {label} | {1000 * warm:.0f} ms | {1000 * page:.0f} ms | "
                f"{baseline:.0f} s ({1000 * per_session_s:.0f} ms x {count}) | "
                f"{baseline / warm:.0f}x faster | page < 1 s |",
                flush=True,
            )
        store.close()


if __name__ == "__main__":
    main()
