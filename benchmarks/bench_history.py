"""History page speed with real volume, against recomputing every summary from the beats.

Practice: one client with 300 sessions and 14 more clients with 50 each (1,000 sessions, about
45 minutes and 3,000 beats each, ~3 million beats), then 9,000 more finished sessions (a busy
clinic's years). Timed, median of 5:

- ``history_view`` + every history chart + the table, from the summaries cache (what the page
  does on each visit: the history figures stored beside each summary, read as columns), for
  the 300-session client, the whole clinic and the busy clinic;
- the history page itself under Streamlit's AppTest (script run = server time), signed in as
  an admin through the sign-in form;
- baseline 1, "decoding every summary": the same work from every session's full summary JSON,
  decoded and reduced to the history's figures (what the page read before the figures had
  their own columns; still its path when the cache cannot be written);
- baseline 2: the same summaries recomputed from the beats (load beats and markers, analyse),
  timed on 50 sessions and scaled. One session is analysed first, untimed: the first analysis
  in a process pays one-off imports and warm-up (seconds), which the page pays once per
  server, not once per session.

To keep the run short the cache is filled by computing 50 sessions' summaries and storing
copies of them for the other sessions: every path reads as much per session either way.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert

from benchmarks.timing import FULL, Size, median_ms, size_from_argv
from hrv_relax.dashboard.charts.history import comparison_figure, timeline_figure, weekly_figure
from hrv_relax.dashboard.text_tables import history_frame
from hrv_relax.demo.synthetic_history import seed_sessions
from hrv_relax.records import SYSTEM
from hrv_relax.store import Store, add_client, list_markers, load_beats, open_store
from hrv_relax.store.schema import sessions
from hrv_relax.store.summaries import summary_rows
from hrv_relax.views.history import HistoryFilters, HistoryView, build_history, history_view
from hrv_relax.views.local_time import ClinicClock
from hrv_relax.views.summary import SessionFigures, summarize
from hrv_relax.views.summary_cache import cache_figures, session_summaries, summaries_as_columns

FIRST_DAY = dt.datetime(2020, 1, 6, 10, tzinfo=dt.UTC)
#: The history page, as AppTest's switch_page names it (relative to the dashboard app).
HISTORY_PAGE = "screens/history.py"
#: Issue 16's goals for the page's server time and the work from the cache, by sessions shown.
GOALS_MS = {1_000: 200.0, 10_000: 1000.0}


@dataclass(frozen=True, slots=True)
class Practice:
    """How big the practice is: one client with many sessions and several with fewer."""

    big_client_sessions: int
    other_clients: int
    other_sessions: int
    baseline_sample: int
    repeats: int
    busy_clinic: int  # sessions in all for the busy clinic's row

    @classmethod
    def of(cls, size: Size) -> Practice:
        if size.quick:
            return cls(20, 2, 5, 3, 1, 100)
        return cls(300, 14, 50, 50, 5, 10_000)


def seed(store: Store, practice: Practice) -> int:
    big = add_client(store, "Bench Client")
    seed_sessions(store, big.id, practice.big_client_sessions, first_day=FIRST_DAY, seed=1)
    for k in range(practice.other_clients):
        other = add_client(store, f"Clinic Client {k + 1}")
        seed_sessions(
            store, other.id, practice.other_sessions, first_day=FIRST_DAY, seed=1000 + 100 * k
        )
    return big.id


def add_years(store: Store, client_ids: list[int], n: int) -> None:
    """`n` more finished sessions spread over the clients, a session row each and no beats:
    the history page reads only their cached summaries (filled by `fill_cache`)."""
    day = FIRST_DAY - dt.timedelta(days=3650)
    rows = [
        {
            "client_id": client_ids[k % len(client_ids)],
            "source": "simulated",
            "status": "complete",
            "started_at": day + dt.timedelta(hours=8 * k),
            "ended_at": day + dt.timedelta(hours=8 * k, minutes=50),
            "heartbeat_at": day + dt.timedelta(hours=8 * k, minutes=50),
            "stop_requested": False,
            "notes": "",
        }
        for k in range(n)
    ]
    with store.write() as conn:
        conn.execute(insert(sessions), rows)


def recompute(store: Store, session_ids: list[int]) -> tuple[float, dict[int, SessionFigures]]:
    """Seconds per session to summarise these sessions from their beats, and the summaries.

    The first session is summarised once untimed (imports and first-call warm-up).
    """
    summarize(load_beats(store, session_ids[0]), list_markers(store, session_ids[0]))
    out = {}
    start = time.perf_counter()
    for sid in session_ids:
        _, out[sid] = summarize(load_beats(store, sid), list_markers(store, sid))
    return (time.perf_counter() - start) / len(session_ids), out


def fill_cache(store: Store, sample: dict[int, SessionFigures]) -> None:
    """Cache a copy of one of the sample's summaries for every finished session."""
    ids = [r.session_id for r in summary_rows(store)]
    values = list(sample.values())
    cache_figures(store, {sid: values[i % len(values)] for i, sid in enumerate(ids)})


def draw(view: HistoryView, store: Store) -> None:
    """Every chart and the table of the history page."""
    timeline_figure(view)
    weekly_figure(view)
    for group in ("technique", "pressure", "session length"):
        comparison_figure(view.comparisons, group)
    history_frame(view, {}, ClinicClock.for_store(store))


def page_work(store: Store, filters: HistoryFilters) -> None:
    draw(history_view(store, SYSTEM, filters), store)


def decoding_work(store: Store, filters: HistoryFilters) -> None:
    """The page's work from every summary's JSON, decoded (baseline 1)."""
    summaries = session_summaries(store, SYSTEM, client_ids=filters.client_ids)
    draw(build_history(summaries_as_columns(summaries), filters), store)


def apptest_s(store: Store, db: Path, clinic: bool, repeats: int) -> float:
    """Median server time of the history page's script run, signed in as an admin."""
    from tests.support.accounts import signed_in_app

    os.environ["HRV_RELAX_DB"] = str(db)
    times = []
    for _ in range(repeats):
        at = signed_in_app(store, timeout_s=120)
        at.switch_page(HISTORY_PAGE).run()
        assert not at.exception, at.exception
        assert at.title and at.title[0].value == "Client history", "not on the history page"
        start = time.perf_counter()
        if clinic:
            at.selectbox(key="history_client").select(0).run()
        else:
            at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)


def report(
    store: Store,
    db: Path,
    *,
    practice: Practice,
    per_session_s: float,
    label: str,
    filters: HistoryFilters,
    count: int,
    clinic: bool,
) -> None:
    """One row of the table: cached work, the page under AppTest, and the two baselines."""
    warm = median_ms(lambda: page_work(store, filters), practice.repeats) / 1000
    decoding = median_ms(lambda: decoding_work(store, filters), practice.repeats) / 1000
    page = apptest_s(store, db, clinic, practice.repeats)
    baseline = per_session_s * count
    goal_ms = GOALS_MS.get(count)
    goal = "" if goal_ms is None else f"page and cache < {goal_ms:,.0f} ms"
    if goal_ms is not None:
        met = 1000 * max(warm, page) < goal_ms
        goal += ": met" if met else ": not met"
    print(
        f"| {label} | {1000 * warm:,.0f} ms | {1000 * page:,.0f} ms | "
        f"{1000 * decoding:,.0f} ms ({decoding / warm:.1f}x the cache) | "
        f"{baseline:,.0f} s ({1000 * per_session_s:.0f} ms x {count:,}; "
        f"{baseline / warm:,.0f}x the cache) | {goal} |",
        flush=True,
    )


def main(size: Size = FULL) -> None:
    practice = Practice.of(size)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        store = open_store(db)
        start = time.perf_counter()
        big = seed(store, practice)
        n = len(summary_rows(store))
        print(f"seeded {n} sessions in {time.perf_counter() - start:.0f} s", flush=True)
        big_ids = [r.session_id for r in summary_rows(store, client_ids=[big])]
        per_session_s, sample = recompute(store, big_ids[: practice.baseline_sample])
        fill_cache(store, sample)
        rows = (
            (
                f"client, {len(big_ids):,} sessions",
                HistoryFilters(client_ids=(big,)),
                len(big_ids),
                False,
            ),
            (f"clinic, {n:,} sessions", HistoryFilters(), n, True),
        )
        print(
            "| what | from the cache | page (AppTest) | decoding every summary | "
            "recompute from beats | goal |"
        )
        print("|---|---|---|---|---|---|")
        for label, filters, count, clinic in rows:
            report(
                store,
                db,
                practice=practice,
                per_session_s=per_session_s,
                label=label,
                filters=filters,
                count=count,
                clinic=clinic,
            )
        clients = sorted({r.client_id for r in summary_rows(store)})
        add_years(store, clients, practice.busy_clinic - n)
        fill_cache(store, sample)
        busy = len(summary_rows(store))
        label = f"busy clinic, {busy:,} sessions (years of them)"
        report(
            store,
            db,
            practice=practice,
            per_session_s=per_session_s,
            label=label,
            filters=HistoryFilters(),
            count=busy,
            clinic=True,
        )
        store.close()


if __name__ == "__main__":
    main(size_from_argv())
