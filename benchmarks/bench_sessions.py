"""Listing a clinic's sessions: the stored counts of complete sessions against counting every beat.

Practice: 300 complete one-hour sessions (imported, 3,600 beats each, about a million beats)
and 4 recording now (3,600 beats each, read from their last beat). Ours: `list_sessions`, all of
them, the newest 12 (the live page's pick list) and the 4 recording (what the live page and
the recorders list every run). Baseline, timed in the same run: the same listing counting each
session's beats (`COUNT(*)` per session, what it did before the counts were stored).

Run: ``python -m benchmarks.bench_sessions [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
from sqlalchemy import func, select, true

from benchmarks.timing import FULL, Size, median_ms, size_from_argv
from hrv_relax.records import Beat
from hrv_relax.store import (
    Store,
    add_client,
    append_beats,
    create_session,
    list_sessions,
    open_store,
)
from hrv_relax.store.imports import ImportedBeats, import_beats
from hrv_relax.store.schema import beats, clients, sessions

START = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)


def seed(store: Store, n_complete: int, n_recording: int, n_beats: int) -> None:
    client_id = add_client(store, "Listed Client").id
    rr = np.full(n_beats, 1000.0)
    for i in range(n_complete):
        recording = ImportedBeats(
            rr_ms=rr,
            t_s=np.cumsum(rr) / 1000,
            started_at=START + dt.timedelta(days=i),
            digest=f"{i:064x}",
            notes="",
        )
        import_beats(store, client_id, recording)
    batch = [Beat(seq=i, t_s=float(i + 1), rr_ms=1000.0, bpm=60) for i in range(n_beats)]
    for _ in range(n_recording):
        session_id = create_session(store, client_id, source="simulated")
        with store.write() as conn:
            append_beats(conn, session_id, batch)


def counting_every_beat(store: Store, limit: int | None, statuses: tuple[str, ...]) -> None:
    """The listing as it was: every session's beats counted."""
    n_beats = (
        select(func.count(beats.c.id))
        .where(beats.c.session_id == sessions.c.id)
        .correlate(sessions)
        .scalar_subquery()
    )
    query = (
        select(sessions, clients.c.name, n_beats.label("n_beats"))
        .join(clients, clients.c.id == sessions.c.client_id)
        .where(sessions.c.status.in_(statuses) if statuses else true())
        .order_by(sessions.c.started_at.desc(), sessions.c.id.desc())
        .limit(limit)
    )
    with store.read() as conn:
        conn.execute(query).all()


def main(size: Size = FULL) -> None:
    n_complete, n_beats, repeats = size.pick(300, 20), size.pick(3_600, 600), size.pick(15, 3)
    with tempfile.TemporaryDirectory(prefix="hrv-bench-") as tmp:
        store = open_store(Path(tmp) / "sessions.db")
        seed(store, n_complete, 4, n_beats)
        print(
            f"{n_complete} complete sessions and 4 recording, {n_beats:,} beats each (SQLite file),"
            f" medians of {repeats}:"
        )
        for what, limit, statuses in (
            ("all", None, ()),
            ("the newest 12", 12, ()),
            ("the 4 recording", None, ("recording",)),
        ):
            ours = median_ms(
                lambda limit=limit, statuses=statuses: list_sessions(
                    store, limit=limit, statuses=statuses
                ),
                repeats,
            )
            base = median_ms(
                lambda limit=limit, statuses=statuses: counting_every_beat(store, limit, statuses),
                repeats,
            )
            print(
                f"  {what}: list_sessions {ours:.1f} ms, counting every beat (baseline)"
                f" {base:.1f} ms: {ours / base:.2f}x the baseline"
            )
        store.close()


if __name__ == "__main__":
    main(size_from_argv())
