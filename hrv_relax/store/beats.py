"""Beats (RR intervals) of a session: appended in batches by the recorder, read as arrays."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, select
from sqlalchemy.sql.selectable import ScalarSelect

from hrv_relax.records import Beat, BeatArrays
from hrv_relax.store.engine import Store
from hrv_relax.store.idempotent import insert_missing
from hrv_relax.store.prepared import Prepared
from hrv_relax.store.schema import beats

_COLUMNS = ("session_id", "seq", "t_s", "rr_ms", "bpm", "contact")
_INSERT = Prepared(insert(beats), keys=_COLUMNS)  # the recorder runs it in every commit
# Built once too: the live page reads new beats every second, and building the query cost
# five times running it.
_BEATS_AFTER = (
    select(beats.c.seq, beats.c.t_s, beats.c.rr_ms, beats.c.bpm)
    .where(beats.c.session_id == bindparam("b_session_id"), beats.c.seq > bindparam("b_after"))
    .order_by(beats.c.seq)
)


def append_beats(conn: Connection, session_id: int, batch: Sequence[Beat]) -> None:
    """Insert beats in the caller's transaction. `seq` is unique per session: a beat twice fails."""
    append_beats_of(conn, [(session_id, batch)])


def append_beats_of(conn: Connection, batches: Iterable[tuple[int, Sequence[Beat]]]) -> None:
    """`append_beats` for several (session_id, beats) batches, in one statement."""
    rows = [row for session_id, batch in batches for row in _rows(session_id, batch)]
    if rows:
        _INSERT.execute_many(conn, rows)


def append_beats_once(conn: Connection, session_id: int, batch: Sequence[Beat]) -> None:
    """Insert the beats of `batch` not stored yet (same session and seq): safe to repeat."""
    insert_missing(conn, beats, _rows(session_id, batch), [beats.c.session_id, beats.c.seq])


def _rows(session_id: int, batch: Sequence[Beat]) -> list[dict[str, object]]:
    return [
        {
            "session_id": session_id,
            "seq": b.seq,
            "t_s": b.t_s,
            "rr_ms": b.rr_ms,
            "bpm": b.bpm,
            "contact": b.contact,
        }
        for b in batch
    ]


def seq_after_last(session_id: int | ColumnElement[int]) -> ScalarSelect[int]:
    """The session's last seq + 1 (NULL while it has no beats), one index lookup.

    It is also the number of beats stored, as a session's seqs run 0, 1, 2... without holes:
    the recorder numbers each beat it gets in turn and commits them in order
    (capture.journal), and an import numbers its beats so.
    """
    return (
        select(func.max(beats.c.seq) + 1).where(beats.c.session_id == session_id).scalar_subquery()
    )


def next_seq(conn: Connection, session_id: int) -> int:
    """The seq the next beat of this session gets (0 for a new session)."""
    return int(conn.execute(select(func.coalesce(seq_after_last(session_id), 0))).scalar_one())


def load_beats(store: Store, session_id: int, *, after_seq: int = -1) -> BeatArrays:
    """The session's beats with seq > `after_seq`, oldest first, as arrays."""
    with store.read() as conn:
        return read_beats(conn, session_id, after_seq=after_seq)


def read_beats(conn: Connection, session_id: int, *, after_seq: int = -1) -> BeatArrays:
    """`load_beats` in the caller's transaction."""
    rows = conn.execute(_BEATS_AFTER, {"b_session_id": session_id, "b_after": after_seq}).all()
    if not rows:
        return empty_beats()
    seq, t_s, rr_ms, bpm = zip(*rows, strict=True)
    return BeatArrays(
        seq=np.asarray(seq, dtype=np.int64),
        t_s=np.asarray(t_s, dtype=np.float64),
        rr_ms=np.asarray(rr_ms, dtype=np.float64),
        bpm=np.asarray([np.nan if v is None else v for v in bpm], dtype=np.float64),
    )


def empty_beats() -> BeatArrays:
    return BeatArrays(
        seq=np.empty(0, dtype=np.int64),
        t_s=np.empty(0, dtype=np.float64),
        rr_ms=np.empty(0, dtype=np.float64),
        bpm=np.empty(0, dtype=np.float64),
    )
