"""Clinic load: beats/s and p99 commit latency for 20 straps, on SQLite and PostgreSQL.

A "commit" is the recorder's transaction: a batch of beats (hrv_relax.capture.journal.write_batch),
the heartbeat and the live-status row, committed. Each strap is its own process, as each
treatment room is its own laptop; four dashboard readers (threads) list sessions, fetch new
beats and read live status meanwhile.

Baseline, measured in the same run on the same database: ONE strap committing alone, as fast
as it can. Figures are ratios against it:
- 20 straps flat out: aggregate beats/s (how writing scales) and p99 commit latency.
- 20 straps in real time (a commit every 0.5 s, as the recorder does): p99 commit latency, and
  headroom = flat-out capacity / what 20 real straps need (~1.2 beats/s each).
PostgreSQL runs durable (fsync on), in a throwaway server (tests/postgres.py); SQLite is a file
in WAL mode, synchronous=NORMAL, as hrv-relax opens it.
"""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.timing import FULL, Size, size_from_argv

N_READERS = 4
BEATS_PER_COMMIT = 2  # ~1.2 beats/s per strap, one commit every 0.5 s (rounded up)
COMMIT_EVERY_S = 0.5  # hrv_relax.capture.recorder.FLUSH_INTERVAL_S
REAL_STRAP_BEATS_S = 1.2  # 72 bpm


@dataclass(frozen=True, slots=True)
class Load:
    """How many straps, and how long each run lasts."""

    straps: int
    baseline_commits: int
    flat_out_commits: int  # per strap
    realtime_s: float
    start_delay_s: float  # lets every strap process connect and open its session first
    rounds: int  # baseline and flat out, one after the other, this many times

    @classmethod
    def of(cls, size: Size) -> Load:
        if size.quick:
            return cls(3, 50, 20, 1.0, 0.5, 1)
        # Runs of about a second and three (one strap alone at ~10,000 beats/s, twenty at
        # ~8,000): at 600 and 150 commits the baseline lasted a tenth of a second, and one
        # scheduling hiccup moved a round's ratio by a third.
        return cls(20, 4000, 600, 15.0, 2.0, 5)


@dataclass(frozen=True, slots=True)
class Run:
    beats: int
    latencies_s: list[float]
    started: float
    ended: float


def _strap(url: str, room: int, commits: int, pace_s: float, start_at: float) -> Run:
    """One strap's recorder transactions, timed (runs in its own process).

    In real time (`pace_s`) each room commits at its own moment of the cycle, as rooms that
    started their sessions independently do: `start_at` is that room's first commit.
    """
    from benchmarks.recorder_commit import recorder_commit
    from hrv_relax.capture.group_commit import GroupCommitter
    from hrv_relax.capture.journal import Batch
    from hrv_relax.store import Beat, open_store
    from hrv_relax.store.people import get_or_add_client
    from hrv_relax.store.sessions import create_session

    store = open_store(url, migrate=False)
    sid = create_session(store, get_or_add_client(store, f"Room {room}").id, source="simulated")
    committer = GroupCommitter(store)
    latencies = []
    seq = 0
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    for i in range(commits):
        batch = Batch(
            sid, tuple(Beat(seq + k, 0.8 * (seq + k), 800.0) for k in range(BEATS_PER_COMMIT))
        )
        seq += BEATS_PER_COMMIT
        t0 = time.perf_counter()
        recorder_commit(committer, batch, frames_ok=i)
        latencies.append(time.perf_counter() - t0)
        if pace_s:
            time.sleep(max(0.0, started + (i + 1) * pace_s - time.time()))
    ended = time.time()
    committer.close()
    store.close()
    return Run(seq, latencies, started, ended)


def _readers(url: str, stop: threading.Event) -> list[threading.Thread]:
    from hrv_relax.store import list_sessions, load_beats, open_store, read_live

    def read() -> None:
        store = open_store(url, migrate=False)
        seen: dict[int, int] = {}
        while not stop.is_set():
            for s in list_sessions(store, statuses=("recording",)):
                new = load_beats(store, s.id, after_seq=seen.get(s.id, -1))
                if len(new):
                    seen[s.id] = int(new.seq[-1])
                read_live(store, s.id)
            time.sleep(0.1)
        store.close()

    threads = [threading.Thread(target=read) for _ in range(N_READERS)]
    for t in threads:
        t.start()
    return threads


def _ready(hold_s: float) -> int:
    """Import what a strap needs, then hold the worker so the next task takes another one."""
    import os

    import hrv_relax.capture.journal
    import hrv_relax.store  # noqa: F401

    time.sleep(hold_s)
    return os.getpid()


def _pool(n: int) -> ProcessPoolExecutor:
    """`n` strap processes, started and with their imports done before any clock starts."""
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))
    pids = {f.result() for f in [pool.submit(_ready, 0.5) for _ in range(n)]}
    if len(pids) < n:  # a slow start let one worker take two tasks: wait for the rest
        for f in [pool.submit(_ready, 2.0) for _ in range(n)]:
            f.result()
    return pool


def _run(
    pool: ProcessPoolExecutor, url: str, n: int, *, commits: int, pace_s: float, delay_s: float
) -> tuple[float, float, float]:
    """(beats/s over all straps, p99 and max commit latency in s) for `n` straps at once."""
    stop = threading.Event()
    readers = _readers(url, stop) if n > 1 else []
    start_at = time.time() + delay_s
    # Real time: the rooms' commits spread over the cycle (they did not all start together);
    # flat out: all start at once, a stress of the write path (a recorder commits every 0.5 s,
    # and after an outage writes its whole journal in one commit).
    phases = [pace_s * i / n for i in range(n)]
    try:
        futures = [
            pool.submit(_strap, url, i, commits, pace_s, start_at + phases[i]) for i in range(n)
        ]
        runs = [f.result() for f in futures]
    finally:
        stop.set()
        for t in readers:
            t.join()
    beats = sum(r.beats for r in runs)
    wall = max(r.ended for r in runs) - min(r.started for r in runs)
    latencies = np.concatenate([r.latencies_s for r in runs])
    _check_stored(url, beats)
    return beats / wall, float(np.percentile(latencies, 99)), float(latencies.max())


def _check_stored(url: str, expected: int) -> None:
    from sqlalchemy import func, select

    from hrv_relax.store import open_store
    from hrv_relax.store.schema import beats

    store = open_store(url, migrate=False)
    with store.read() as conn:
        stored = conn.execute(select(func.count()).select_from(beats)).scalar_one()
    store.close()
    if stored != expected:
        raise AssertionError(f"{url}: {stored} beats stored, {expected} written")


def _fresh(make_url: object) -> str:
    from hrv_relax.store import open_store

    assert callable(make_url)
    url = str(make_url())
    open_store(url).close()  # migrated before the clock starts
    return url


@dataclass(frozen=True, slots=True)
class Round:
    """One strap alone, then all of them flat out, right after it."""

    base_rate: float
    base_p99_s: float
    flat_rate: float
    flat_p99_s: float
    flat_max_s: float

    @property
    def ratio(self) -> float:
        return self.flat_rate / self.base_rate


def _spread(values: list[float], fmt: str) -> str:
    """The median, and the range when there are several."""
    middle = format(statistics.median(values), fmt)
    if len(values) == 1:
        return middle
    return f"{middle} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def bench_backend(name: str, make_url: object, load: Load) -> None:
    n, delay = load.straps, load.start_delay_s
    real_commits = int(load.realtime_s / COMMIT_EVERY_S)
    rounds = []
    with _pool(n) as pool:
        # The ratio is taken within each round: the machine's speed drifts between rounds
        # (on a shared machine, one strap alone by a factor of 1.5 or more).
        for _ in range(load.rounds):
            base_rate, base_p99, _ = _run(
                pool, _fresh(make_url), 1, commits=load.baseline_commits, pace_s=0.0, delay_s=delay
            )
            flat = _run(
                pool, _fresh(make_url), n, commits=load.flat_out_commits, pace_s=0.0, delay_s=delay
            )
            rounds.append(Round(base_rate, base_p99, *flat))
        _, real_p99, real_max = _run(
            pool, _fresh(make_url), n, commits=real_commits, pace_s=COMMIT_EVERY_S, delay_s=delay
        )
    needed = n * REAL_STRAP_BEATS_S
    medians = f"medians of {len(rounds)} rounds (range)" if len(rounds) > 1 else "one round"
    print(
        f"{name}, {medians}: baseline 1 strap alone: "
        f"{_spread([r.base_rate for r in rounds], ',.0f')} beats/s, p99 commit "
        f"{_spread([r.base_p99_s * 1000 for r in rounds], '.1f')} ms"
    )
    print(
        f"{name}: {n} straps flat out + {N_READERS} readers: "
        f"{_spread([r.flat_rate for r in rounds], ',.0f')} beats/s, "
        f"{_spread([r.ratio for r in rounds], '.2f')}x the baseline of its round; p99 commit "
        f"{_spread([r.flat_p99_s * 1000 for r in rounds], '.1f')} ms, max "
        f"{max(r.flat_max_s for r in rounds) * 1000:.0f} ms"
    )
    flat_rate = statistics.median(r.flat_rate for r in rounds)
    print(
        f"{name}: {n} straps real time + {N_READERS} readers: p99 commit "
        f"{real_p99 * 1000:.1f} ms, max {real_max * 1000:.0f} ms; headroom "
        f"{flat_rate / needed:,.0f}x what {n} straps need ({needed:.0f} beats/s)"
    )


def main(size: Size = FULL) -> None:
    """Print the load figures for SQLite and, when its server is installed, PostgreSQL."""
    load = Load.of(size)
    with tempfile.TemporaryDirectory(prefix="hrv-bench-") as tmp:
        counter = iter(range(1_000))
        bench_backend("SQLite", lambda: f"sqlite:///{Path(tmp) / f'load-{next(counter)}.db'}", load)
    try:
        from tests.support.postgres import find_bindir, running_server
    except ImportError:
        print("PostgreSQL load figures skipped: run from the repository root")
        return
    bindir = find_bindir()
    if bindir is None:
        print("PostgreSQL load figures skipped: the postgresql server package is not installed")
        return
    with running_server(bindir, durable=True) as server:
        bench_backend("PostgreSQL", server.create_database, load)


if __name__ == "__main__":
    main(size_from_argv())
