"""The recorder's commit statements, on SQLite (run on the driver's cursor) and PostgreSQL.

They store what SQLAlchemy's own execution stores (types processed the same way), their
errors are the store's errors, and a connection lost in the middle is not handed out again.
"""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update

from hrv_relax.errors import StoreError, StoreUnavailableError
from hrv_relax.store import (
    Beat,
    Store,
    append_beats,
    create_session,
    get_session,
    heartbeat,
    live_row,
    load_beats,
    open_store,
    read_live,
    write_live_rows,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.people import add_client
from hrv_relax.store.prepared import Prepared
from hrv_relax.store.schema import beats, sessions
from hrv_relax.store.sessions import finish_session, heartbeats, request_stop
from hrv_relax.vocabulary import SessionStatus


def _session(store: Store) -> int:
    return create_session(store, add_client(store, "Prue").id, source="simulated")


def test_the_prepared_sql_is_the_statement_sqlalchemy_compiles(store: Store) -> None:
    statement = insert(beats)
    prepared = Prepared(statement, keys=("session_id", "seq", "t_s", "rr_ms"))
    sid = _session(store)
    with store.write() as conn:
        prepared.execute_many(conn, [{"session_id": sid, "seq": 0, "t_s": 0.8, "rr_ms": 800.0}])
        compiled = statement.compile(
            dialect=conn.dialect, column_keys=["session_id", "seq", "t_s", "rr_ms"]
        )
        assert prepared._for(conn.dialect).sql == compiled.string
    stored = load_beats(store, sid)
    assert stored.seq.tolist() == [0] and stored.rr_ms.tolist() == [800.0]


def test_heartbeat_and_live_row_store_their_types_as_sqlalchemy_does(any_store: Store) -> None:
    sid = _session(any_store)
    # Now (an old heartbeat would read as a dead recorder), without microseconds: an edge of
    # SQLite's text format for times.
    at = utcnow().replace(microsecond=0)
    with any_store.write() as conn:
        append_beats(conn, sid, [Beat(0, 0.8, 800.0, bpm=75, contact=True)])
        assert heartbeat(conn, sid, at=at) is False
        write_live_rows(
            conn,
            [
                live_row(
                    sid,
                    link="connected",
                    bpm=75,
                    contact=False,
                    battery_pct=55,
                    frames_ok=3,
                    frames_malformed=1,
                    last_frame=b"\x10\x4b",
                )
            ],
        )
    session = get_session(any_store, sid)
    assert session.heartbeat_at == at and session.status == SessionStatus.RECORDING
    live = read_live(any_store, sid)
    assert live is not None
    assert (live.link, live.bpm, live.contact, live.battery_pct) == ("connected", 75, False, 55)
    assert live.updated_at.tzinfo is not None
    # What the prepared statements wrote reads back the same through SQLAlchemy's own query.
    with any_store.read() as conn:
        row = conn.execute(select(beats.c.bpm, beats.c.contact).where(beats.c.session_id == sid))
        assert row.one() == (75, True)


def test_heartbeat_says_a_stop_was_asked_for_live_finished_or_taken_over(any_store: Store) -> None:
    sid = _session(any_store)
    request_stop(any_store, sid)
    with any_store.write() as conn:
        assert heartbeat(conn, sid) is True  # the row was updated, and says so
    with any_store.write() as conn:
        finish_session(conn, sid)
    with any_store.write() as conn:
        # A finished session is not revived, and its stop request still reads.
        assert heartbeat(conn, sid) is True
    assert get_session(any_store, sid).status == SessionStatus.COMPLETE


def test_a_shared_heartbeat_answers_and_marks_each_session_as_its_own_would(
    any_store: Store,
) -> None:
    """The sessions of one shared commit: recording, asked to stop, finished (not revived),
    interrupted (revived), finished and asked to stop."""
    client = add_client(any_store, "Prue").id
    sids = [create_session(any_store, client, source="simulated") for _ in range(5)]
    request_stop(any_store, sids[1])
    request_stop(any_store, sids[4])
    with any_store.write() as conn:
        finish_session(conn, sids[2])
        finish_session(conn, sids[4])
        conn.execute(
            update(sessions)
            .where(sessions.c.id == sids[3])
            .values(status=SessionStatus.INTERRUPTED)
        )
    before = utcnow()
    with any_store.write() as conn:
        assert heartbeats(conn, sids) == [False, True, False, False, True]
    got = [get_session(any_store, sid) for sid in sids]
    assert [s.status for s in got] == [
        SessionStatus.RECORDING,
        SessionStatus.RECORDING,
        SessionStatus.COMPLETE,
        SessionStatus.RECORDING,
        SessionStatus.COMPLETE,
    ]
    assert all(s.heartbeat_at is not None and s.heartbeat_at >= before for s in got[:2])
    assert got[3].ended_at is None  # revived: not ended


def test_a_refused_row_is_a_store_error_and_nothing_is_half_written(any_store: Store) -> None:
    sid = _session(any_store)
    with any_store.write() as conn:
        append_beats(conn, sid, [Beat(0, 0.8, 800.0)])
    with pytest.raises(StoreError) as refused, any_store.write() as conn:
        heartbeat(conn, sid)
        append_beats(conn, sid, [Beat(1, 1.6, 800.0), Beat(0, 0.8, 800.0)])
    assert not isinstance(refused.value, StoreUnavailableError)
    assert load_beats(any_store, sid).seq.tolist() == [0]
    with any_store.write() as conn:  # the connection went back to the pool usable
        append_beats(conn, sid, [Beat(1, 1.6, 800.0)])
    assert load_beats(any_store, sid).seq.tolist() == [0, 1]


@pytest.mark.postgres
def test_a_connection_lost_mid_commit_is_unavailable_and_not_reused(
    postgres_server: object,
) -> None:
    from tests.support.postgres import PostgresServer

    assert isinstance(postgres_server, PostgresServer)
    url = postgres_server.create_database()
    store, killer = open_store(url), open_store(url, migrate=False)
    try:
        sid = _session(store)
        with pytest.raises(StoreUnavailableError), store.write() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with killer.write() as other:
                other.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            append_beats(conn, sid, [Beat(0, 0.8, 800.0)])
        with store.write() as conn:  # a new connection, not the dead one
            append_beats(conn, sid, [Beat(0, 0.8, 800.0)])
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() != pid
        assert load_beats(store, sid).seq.tolist() == [0]
    finally:
        store.close()
        killer.close()
        postgres_server.drop_database(url)
