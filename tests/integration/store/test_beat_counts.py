"""Each session's beat count is its beats: stored once it is complete, counted before that.

A complete session's count is stored as it ends (migration 0007), so listing a clinic's years
of sessions does not count their beats again. Checked here against a plain `COUNT(*)` after
each way beats arrive or a session ends, on SQLite and PostgreSQL, and after an upgrade of a
database written before the stored count existed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, select, update

from hrv_relax.errors import StoreError
from hrv_relax.records import SYSTEM, Beat
from hrv_relax.store import Store, add_client, append_beats, create_session, get_session, open_store
from hrv_relax.store.accounts import delete_client
from hrv_relax.store.beats import append_beats_once
from hrv_relax.store.imports import ImportedBeats, import_beats
from hrv_relax.store.schema import beats, sessions
from hrv_relax.store.sessions import finish_session, list_sessions, read_session
from tests.support.migrations import migrate

BEFORE = "0006"  # the last revision without the stored count


def _beats(first: int, n: int) -> list[Beat]:
    return [Beat(seq=i, t_s=0.8 * (i + 1), rr_ms=800.0, bpm=75) for i in range(first, first + n)]


def _assert_counts_true(store: Store) -> None:
    """Every way of reading a session gives its beats, counted the slow way."""
    with store.read() as conn:
        rows = conn.execute(select(beats.c.session_id, func.count()).group_by(beats.c.session_id))
        counted = {int(sid): int(n) for sid, n in rows}
    listed = {s.id: s.n_beats for s in list_sessions(store)}
    assert listed == {sid: counted.get(sid, 0) for sid in listed}
    with store.read() as conn:
        for sid, n in listed.items():
            assert read_session(conn, sid).n_beats == n
            assert get_session(store, sid).n_beats == n


def _stored(store: Store) -> dict[int, int | None]:
    with store.read() as conn:
        return dict(conn.execute(select(sessions.c.id, sessions.c.final_beats)).all())


def _imported(n: int, digest: str) -> ImportedBeats:
    rr = np.full(n, 900.0)
    return ImportedBeats(
        rr_ms=rr,
        t_s=np.cumsum(rr) / 1000,
        started_at=dt.datetime(2026, 11, 3, 10, tzinfo=dt.UTC),
        digest=digest,
        notes="",
    )


def test_the_count_follows_every_write_and_is_stored_when_the_session_ends(
    any_store: Store,
) -> None:
    store = any_store
    kept, gone = add_client(store, "Kept"), add_client(store, "Gone")
    recorded = create_session(store, kept.id, source="simulated")
    other = create_session(store, gone.id, source="simulated")
    assert get_session(store, recorded).n_beats == 0
    with store.write() as conn:  # the recorder's commits
        append_beats(conn, recorded, _beats(0, 5))
        append_beats(conn, other, _beats(0, 7))
    _assert_counts_true(store)
    with store.write() as conn:  # a journal replayed after an unconfirmed commit
        append_beats_once(conn, recorded, _beats(3, 6))  # 3 and 4 are stored: 4 new
    assert get_session(store, recorded).n_beats == 9
    with pytest.raises(StoreError), store.write() as conn:  # a beat twice: all rolled back
        append_beats(conn, recorded, _beats(9, 2) + _beats(0, 1))
    assert get_session(store, recorded).n_beats == 9
    assert _stored(store) == {recorded: None, other: None}  # still recording: counted
    with store.write() as conn:  # the last beats and the end, in one commit
        append_beats(conn, recorded, _beats(9, 3))
        finish_session(conn, recorded)
        finish_session(conn, recorded)  # the end replayed: counted again, the same
    imported = import_beats(store, kept.id, _imported(1234, "d" * 64))
    assert _stored(store) == {recorded: 12, other: None, imported: 1234}
    _assert_counts_true(store)
    delete_client(store, SYSTEM, gone.id)
    assert {s.id for s in list_sessions(store)} == {recorded, imported}
    _assert_counts_true(store)


def test_an_older_database_is_counted_when_it_is_upgraded(any_db_url: str) -> None:
    store = open_store(any_db_url)
    client = add_client(store, "Older")
    done, recording = (create_session(store, client.id, source="simulated") for _ in range(2))
    migrate(store, BEFORE, down=True)  # as the clinic's database was before the count
    with store.write() as conn:  # written by the older version
        append_beats(conn, done, _beats(0, 25))
        append_beats(conn, recording, _beats(0, 4))
        conn.execute(update(sessions).where(sessions.c.id == done).values(status="complete"))
    store.close()

    upgraded = open_store(any_db_url)  # the new version opens it: upgraded to the head
    assert _stored(upgraded) == {done: 25, recording: None}
    with upgraded.write() as conn:
        append_beats(conn, recording, _beats(4, 3))
    assert {s.id: s.n_beats for s in list_sessions(upgraded)} == {done: 25, recording: 7}
    _assert_counts_true(upgraded)
    upgraded.close()
