"""One recorder commit on SQLite: through the store, against the same transaction in raw sqlite3.

The recorder's transaction (hrv_relax.capture.recorder): two beats, the heartbeat (which reads
back whether a stop was asked for) and the live-status row, committed. Baseline, in the same
run on the same kind of file (WAL, synchronous=NORMAL): the same statements written by hand
and run on a bare `sqlite3` connection, which is as cheap as this transaction gets from Python.
The ratio is what the store's layers cost on top; the write lock is held for all of it.

A shared transaction (hrv_relax.capture.group_commit: the holder writes the commits of the
recorders waiting for the turn with its own): twelve recorders' commits, written as one
(`apply_commits`: one statement for all beats, one for the heartbeats, one for the live rows)
against the baseline of each commit's statements in turn (`apply_commit` twelve times), in
transactions of the same twelve sessions on the same kind of file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path

from benchmarks.timing import FULL, Size, median_ms, size_from_argv

# The baseline's statements, by hand: what the store's prepared statements compile to.
_RAW_BEATS = (
    "INSERT INTO beats (session_id, seq, t_s, rr_ms, bpm, contact) VALUES (?, ?, ?, ?, ?, ?)"
)
_RAW_HEARTBEAT = (
    "UPDATE sessions SET status = 'recording', ended_at = NULL, heartbeat_at = ? "
    "WHERE id = ? AND status != 'complete' RETURNING stop_requested"
)
_RAW_LIVE = (
    "INSERT INTO session_live (session_id, updated_at, link, bpm, contact, battery_pct, "
    "frames_ok, frames_malformed, last_frame) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (session_id) DO UPDATE SET updated_at = excluded.updated_at, "
    "link = excluded.link, bpm = excluded.bpm, contact = excluded.contact, "
    "battery_pct = excluded.battery_pct, frames_ok = excluded.frames_ok, "
    "frames_malformed = excluded.frames_malformed, last_frame = excluded.last_frame"
)


def _store_commits(db: Path, commits: int) -> float:
    """Median ms of one commit through the store, as the recorder makes it."""
    from benchmarks.recorder_commit import recorder_commit
    from hrv_relax.capture.group_commit import GroupCommitter
    from hrv_relax.capture.journal import Batch
    from hrv_relax.store import Beat, open_store
    from hrv_relax.store.people import get_or_add_client
    from hrv_relax.store.sessions import create_session

    store = open_store(db)
    sid = create_session(store, get_or_add_client(store, "Room").id, source="simulated")
    committer = GroupCommitter(store)
    seq = iter(range(10**9))

    def commit() -> None:
        batch = Batch(sid, tuple(Beat(k, 0.8 * k, 800.0) for k in (next(seq), next(seq))))
        recorder_commit(committer, batch, frames_ok=batch.beats[0].seq)

    try:
        return median_ms(commit, commits)
    finally:
        committer.close()
        store.close()


def _raw_commits(db: Path, commits: int) -> float:
    """Median ms of the same transaction by hand on a bare sqlite3 connection."""
    from hrv_relax.store import open_store
    from hrv_relax.store.people import get_or_add_client
    from hrv_relax.store.sessions import create_session

    store = open_store(db)  # the same schema, and a session to beat for
    sid = create_session(store, get_or_add_client(store, "Room").id, source="simulated")
    store.close()
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    seq = iter(range(10**9))

    def commit() -> None:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        rows = [(sid, k, 0.8 * k, 800.0, None, None) for k in (next(seq), next(seq))]
        conn.executemany(_RAW_BEATS, rows)
        conn.execute(_RAW_HEARTBEAT, (now, sid)).fetchall()
        conn.execute(_RAW_LIVE, (sid, now, "simulated", 75, 1, 80, rows[0][1], 0, None))
        conn.commit()

    try:
        return median_ms(commit, commits)
    finally:
        conn.close()


GROUP = 12  # commits a shared transaction holds, about, with twenty straps flat out


def _shared_commits(db: Path, transactions: int, *, as_one: bool) -> float:
    """Median ms a commit of a shared transaction of GROUP recorders' commits."""
    from benchmarks.recorder_commit import live_update
    from hrv_relax.capture.commit import RecorderCommit, apply_commit, apply_commits
    from hrv_relax.capture.journal import Batch
    from hrv_relax.store import Beat, open_store
    from hrv_relax.store.people import get_or_add_client
    from hrv_relax.store.sessions import create_session

    store = open_store(db)
    client = get_or_add_client(store, "Room").id
    sids = [create_session(store, client, source="simulated") for _ in range(GROUP)]
    seq = iter(range(0, 10**9, 2))

    def transaction() -> None:
        k = next(seq)
        commits = [
            RecorderCommit(
                sid, (Batch(sid, (Beat(k, 0.8 * k, 800.0), Beat(k + 1, 0.8 * k + 0.8, 800.0))),),
                live_update(k),
            )
            for sid in sids
        ]  # fmt: skip
        with store.write() as conn:
            if as_one:
                apply_commits(conn, commits)
            else:
                for commit in commits:
                    apply_commit(conn, commit)

    try:
        return median_ms(transaction, transactions) / GROUP
    finally:
        store.close()


def main(size: Size = FULL) -> None:
    commits = size.pick(3000, 200)
    with tempfile.TemporaryDirectory(prefix="hrv-bench-") as tmp:
        raw: list[float] = []
        ours: list[float] = []
        for i in range(2):  # alternated, so drift on a shared machine falls on both alike
            raw.append(_raw_commits(Path(tmp) / f"raw-{i}.db", commits))
            ours.append(_store_commits(Path(tmp) / f"store-{i}.db", commits))
        in_turn: list[float] = []
        as_one: list[float] = []
        for i in range(2):
            in_turn.append(_shared_commits(Path(tmp) / f"turn-{i}.db", commits // 10, as_one=False))
            as_one.append(_shared_commits(Path(tmp) / f"one-{i}.db", commits // 10, as_one=True))
    raw_ms, our_ms = min(raw), min(ours)
    print(f"raw sqlite3, the same transaction by hand (baseline): {raw_ms:.3f} ms a commit")
    print(
        f"the recorder's commit through the store: {our_ms:.3f} ms a commit "
        f"({our_ms / raw_ms:.1f}x baseline)"
    )
    turn_ms, one_ms = min(in_turn), min(as_one)
    print(
        f"a shared transaction of {GROUP} commits, each commit's statements in turn (baseline): "
        f"{turn_ms:.3f} ms a commit"
    )
    print(f"the same, written as one: {one_ms:.3f} ms a commit ({one_ms / turn_ms:.2f}x baseline)")


if __name__ == "__main__":
    main(size_from_argv())
