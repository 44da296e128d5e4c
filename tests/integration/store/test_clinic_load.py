"""Load: 20 treatment rooms recording at once while dashboards read, on SQLite and PostgreSQL.

Each room is its own `hrv-relax record --simulate` process, as on the rooms' laptops: 20 in
real time and, at the same time, 20 more replaying sessions as fast as they can (one run per
backend instead of two keeps the suite short, and is the harder load). Readers
do what the dashboard's pages do, faster than a person would: list the sessions (which also
marks stale ones interrupted: a write), fetch new beats of every recording session, read the
live status. Every beat each strap sent must be stored exactly once, with no "database is
locked" anywhere.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hrv_relax.store import list_sessions, load_beats, open_store, read_live, request_stop
from tests.support.clinic import (
    assert_stored_once_in_order,
    sent_by_strap,
    session_id_of,
    start_recorder,
)

pytestmark = pytest.mark.slow

N_ROOMS = 20
N_READERS = 4
READ_PAUSE_S = 0.1  # a live page refreshes every second or two; these read 10-20 times as often
FAST_SESSION_S = 600.0  # simulated seconds per room in fast mode
REALTIME_S = 10.0  # wall-clock seconds of the real-time rooms, once all have started
FAST_SEEDS = range(100, 100 + N_ROOMS)
REALTIME_SEEDS = range(200, 200 + N_ROOMS)


@dataclass
class Readers:
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def _read_like_a_dashboard(url: str, readers: Readers) -> None:
    store = open_store(url, migrate=False)
    seen: dict[int, int] = {}
    try:
        while not readers.stop.is_set():
            for session in list_sessions(store, statuses=("recording",)):
                new = load_beats(store, session.id, after_seq=seen.get(session.id, -1))
                if len(new):
                    seen[session.id] = int(new.seq[-1])
                read_live(store, session.id)
            readers.reads += 1
            time.sleep(READ_PAUSE_S)
    except Exception as exc:  # any failure is the finding
        readers.errors.append(repr(exc))
    finally:
        store.close()


@contextlib.contextmanager
def dashboards(url: str) -> Iterator[Readers]:
    readers = Readers()
    threads = [
        threading.Thread(target=_read_like_a_dashboard, args=(url, readers))
        for _ in range(N_READERS)
    ]
    for t in threads:
        t.start()
    try:
        yield readers
    finally:
        readers.stop.set()
        for t in threads:
            t.join(timeout=60)


def test_twenty_rooms_in_real_time_and_twenty_fast_while_dashboards_read(
    any_db_url: str, tmp_path: Path
) -> None:
    open_store(any_db_url).close()  # the clinic's database, set up once
    seeds = [*REALTIME_SEEDS, *FAST_SEEDS]
    logs = {seed: tmp_path / f"room-{seed}.log" for seed in seeds}
    with dashboards(any_db_url) as readers:
        procs = {
            seed: start_recorder(
                any_db_url,
                seed,
                fast=seed in FAST_SEEDS,
                duration_s=FAST_SESSION_S if seed in FAST_SEEDS else None,
                stderr=logs[seed],
            )
            for seed in seeds
        }
        try:
            sids = {seed: session_id_of(proc) for seed, proc in procs.items()}
            time.sleep(REALTIME_S)
            store = open_store(any_db_url, migrate=False)
            for seed in REALTIME_SEEDS:
                request_stop(store, sids[seed])
            store.close()
            codes = {seed: proc.wait(timeout=120) for seed, proc in procs.items()}
        except BaseException:
            for proc in procs.values():  # a failure here must not leave 40 recorders running
                proc.kill()
            said = {seed: log.read_text()[-2000:] for seed, log in logs.items()}
            print({seed: text for seed, text in said.items() if text})
            raise
    assert readers.errors == []
    assert readers.reads >= N_READERS * 5
    for log in logs.values():
        text = log.read_text()
        assert "locked" not in text and "error" not in text.lower(), text
    assert codes == dict.fromkeys(seeds, 0)

    store = open_store(any_db_url, migrate=False)
    totals = {"fast": 0, "real time": 0}
    for seed, sid in sids.items():
        fast = seed in FAST_SEEDS
        sent = sent_by_strap(seed, FAST_SESSION_S if fast else None)
        n = assert_stored_once_in_order(store, sid, sent)
        session = next(s for s in list_sessions(store) if s.id == sid)
        assert session.status == "complete"
        if fast:
            assert n == len(sent.rr_ms)  # the whole simulated session
        else:
            assert session.duration_s is not None and session.duration_s > REALTIME_S / 2
            assert n >= sent.by(session.duration_s - 0.01)  # none missing (see the faults)
        totals["fast" if fast else "real time"] += n
    assert totals["fast"] > N_ROOMS * 500 and totals["real time"] > N_ROOMS * 5
    store.close()
