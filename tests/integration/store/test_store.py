"""The store on SQLite and PostgreSQL: migrations, round trips, concurrent readers, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import inspect, text

from hrv_relax.errors import InvalidInputError, NotFoundError, SessionStateError, StoreError
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    add_marker,
    append_beats,
    create_session,
    find_client,
    finish_session,
    get_or_add_client,
    get_session,
    heartbeat,
    list_clients,
    list_markers,
    list_sessions,
    live_row,
    load_beats,
    next_seq,
    open_store,
    read_live,
    request_stop,
    sweep_interrupted,
    write_live_rows,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.sessions import STALE_HEARTBEAT_S
from tests.support.migrations import head_revision


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on both backends (PostgreSQL tests carry the `postgres` mark)."""
    return any_store


def test_migrations_create_every_table_and_sqlite_uses_wal(store: Store) -> None:
    tables = set(inspect(store.engine).get_table_names())
    assert {
        "users",
        "clients",
        "straps",
        "sessions",
        "beats",
        "markers",
        "session_summaries",
        "summary_figures",
        "summary_segments",
    } <= tables
    assert "alembic_version" in tables
    if not store.is_sqlite:
        return
    with store.read() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_reopening_an_existing_database_is_a_no_op(any_db_url: str) -> None:
    first = open_store(any_db_url)
    add_client(first, "Dana")
    first.close()
    again = open_store(any_db_url)
    with again.read() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision(again)
    assert [c.name for c in list_clients(again)] == ["Dana"]


def test_beats_round_trip_exactly(store: Store) -> None:
    client = add_client(store, "Erin")
    sid = create_session(store, client.id, source="simulated")
    rr = [804.6875, 777.34375, 1000.0 * 813 / 1024]
    with store.write() as conn:
        append_beats(conn, sid, [Beat(i, 0.8 * (i + 1), v, 74, True) for i, v in enumerate(rr)])
        assert next_seq(conn, sid) == 3
    beats = load_beats(store, sid)
    assert beats.rr_ms.tolist() == rr  # exact: RR values are kept as sent
    assert beats.seq.tolist() == [0, 1, 2]
    assert np.allclose(beats.t_s, [0.8, 1.6, 2.4])
    assert load_beats(store, sid, after_seq=1).rr_ms.tolist() == rr[2:]
    assert get_session(store, sid).n_beats == 3


def test_a_beat_cannot_be_stored_twice_and_the_batch_rolls_back(store: Store) -> None:
    sid = create_session(store, add_client(store, "Finn").id, source="simulated")
    with store.write() as conn:
        append_beats(conn, sid, [Beat(0, 1.0, 800.0)])
    with pytest.raises(StoreError), store.write() as conn:
        append_beats(conn, sid, [Beat(1, 1.8, 800.0), Beat(0, 1.0, 800.0)])
    assert load_beats(store, sid).seq.tolist() == [0]  # nothing half-written


def test_session_life_cycle_and_markers(store: Store) -> None:
    client = add_client(store, "Gus")
    sid = create_session(store, client.id, source="simulated")
    add_marker(store, sid, "phase", "baseline", t_s=0.0)
    add_marker(store, sid, "technique", "effleurage")
    add_marker(store, sid, "note", "client  asked for\tless pressure", t_s=61.5)
    kinds = [(m.kind, m.value) for m in list_markers(store, sid)]
    assert kinds[0] == ("phase", "baseline")
    assert ("note", "client asked for less pressure") in kinds
    request_stop(store, sid)
    with store.write() as conn:
        assert heartbeat(conn, sid) is True
        finish_session(conn, sid)
    record = get_session(store, sid)
    assert record.status == "complete" and record.ended_at is not None
    with pytest.raises(SessionStateError):
        request_stop(store, sid)
    with pytest.raises(SessionStateError, match="give the marker's time"):
        add_marker(store, sid, "note", "late")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("phase", "nap", "unknown phase"),
        ("mood", "", "unknown marker kind"),
        ("note", "   ", "needs some text"),
        ("note", "x" * 501, "longer than"),
        ("technique", "karate", "choose one of effleurage"),
        ("pressure", "hard", "choose one of light, moderate, firm"),
    ],
)
def test_bad_markers_are_refused_clearly(store: Store, kind: str, value: str, message: str) -> None:
    sid = create_session(store, add_client(store, "Hana").id, source="simulated")
    with pytest.raises(InvalidInputError, match=message):
        add_marker(store, sid, kind, value)
    assert list_markers(store, sid) == []


def test_unknown_ids_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        get_session(store, 404)
    with pytest.raises(NotFoundError):
        create_session(store, 404, source="simulated")
    with pytest.raises(NotFoundError):
        add_marker(store, 404, "note", "x", t_s=1.0)


@pytest.mark.parametrize("name", ["", "   ", "a\x00b", "x" * 201])
def test_bad_client_names_are_refused(store: Store, name: str) -> None:
    with pytest.raises(InvalidInputError):
        add_client(store, name)


def test_duplicate_client_names_are_refused(store: Store) -> None:
    add_client(store, "Ivy Lee")
    with pytest.raises(InvalidInputError, match="exists already"):
        add_client(store, "  Ivy   Lee ")


def test_stale_recordings_become_interrupted_and_come_back(store: Store) -> None:
    sid = create_session(store, add_client(store, "Jo").id, source="simulated")
    assert sweep_interrupted(store) == 0
    later = utcnow() + dt.timedelta(seconds=STALE_HEARTBEAT_S + 1)
    assert sweep_interrupted(store, now=later) == 1
    assert get_session(store, sid).status == "interrupted"
    with store.write() as conn:  # the recorder was only cut off: its next heartbeat revives it
        heartbeat(conn, sid)
    assert get_session(store, sid).status == "recording"


def test_live_status_upsert(store: Store) -> None:
    sid = create_session(store, add_client(store, "Kim").id, source="ble")
    assert read_live(store, sid) is None
    for frames in (1, 2):
        with store.write() as conn:
            write_live_rows(
                conn,
                [
                    live_row(
                        sid,
                        link="connected",
                        bpm=70 + frames,
                        contact=True,
                        battery_pct=80,
                        frames_ok=frames,
                        frames_malformed=0,
                    )
                ],
            )
    live = read_live(store, sid)
    assert live is not None and live.bpm == 72 and live.frames_ok == 2


def test_a_reader_sees_commits_while_a_writer_holds_a_transaction(any_db_url: str) -> None:
    writer = open_store(any_db_url)
    reader = open_store(any_db_url)
    sid = create_session(writer, add_client(writer, "Lou").id, source="simulated")
    with writer.write() as conn:
        append_beats(conn, sid, [Beat(0, 1.0, 800.0)])
        # Under WAL (SQLite) and MVCC (PostgreSQL) the reader is not blocked by the open
        # write transaction and sees the last committed state.
        assert len(load_beats(reader, sid)) == 0
    assert len(load_beats(reader, sid)) == 1
    assert [s.id for s in list_sessions(reader)] == [sid]


def test_naive_datetimes_are_refused(store: Store) -> None:
    client = add_client(store, "Max")
    with pytest.raises((ValueError, StoreError)):
        create_session(store, client.id, source="simulated", started_at=dt.datetime(2026, 1, 1))


def test_folder_as_database_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="is a folder"):
        open_store(tmp_path)


def test_client_names_match_ignoring_case_beyond_ascii(store: Store) -> None:
    first = add_client(store, "Émilie Durand")
    assert find_client(store, "émilie  durand") == first
    assert find_client(store, "Émilie Durand") == first
    assert get_or_add_client(store, "ÉMILIE DURAND") == first
    with pytest.raises(InvalidInputError, match="exists already"):
        add_client(store, "émilie durand")
