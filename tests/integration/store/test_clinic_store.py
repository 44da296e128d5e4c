"""The clinic store on SQLite and PostgreSQL: strap claims, PostgreSQL types, outages as errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, inspect, text, update

from hrv_relax.capture.recorder import Recorder
from hrv_relax.capture.simulator import SessionPlan, SimulatedStrap
from hrv_relax.errors import StoreError, StoreUnavailableError, StrapInUseError
from hrv_relax.store import (
    Beat,
    Store,
    add_client,
    append_beats,
    create_session,
    finish_session,
    get_session,
    load_beats,
    open_store,
)
from hrv_relax.store.clock import utcnow
from hrv_relax.store.schema import sessions
from hrv_relax.store.sessions import STALE_HEARTBEAT_S
from tests.support.postgres import PostgresServer

STRAP = "A0:9E:1A:12:34:56"


def test_a_strap_recording_in_one_session_is_refused_to_another(any_store: Store) -> None:
    client = add_client(any_store, "Claim Client").id
    first = create_session(any_store, client, source="ble", strap_address=STRAP)
    with pytest.raises(StrapInUseError, match=rf"strap {STRAP} is in use: session {first} "):
        create_session(any_store, client, source="ble", strap_address=STRAP)
    assert [s.id for s in _sessions(any_store)] == [first]  # nothing half-created
    other = create_session(any_store, client, source="ble", strap_address="A0:9E:1A:00:00:01")
    with any_store.write() as conn:
        finish_session(conn, first)
    again = create_session(any_store, client, source="ble", strap_address=STRAP)
    assert {first, other, again} == {s.id for s in _sessions(any_store)}


def test_a_recorder_that_stopped_writing_does_not_hold_its_strap(any_store: Store) -> None:
    client = add_client(any_store, "Stale Client").id
    first = create_session(any_store, client, source="ble", strap_address=STRAP)
    with any_store.write() as conn:  # its recorder died on another machine a while ago
        conn.execute(
            update(sessions)
            .where(sessions.c.id == first)
            .values(
                recorder_host="room-2-laptop",
                heartbeat_at=utcnow() - dt.timedelta(seconds=STALE_HEARTBEAT_S + 1),
            )
        )
    create_session(any_store, client, source="ble", strap_address=STRAP)
    assert get_session(any_store, first).status == "interrupted"


def test_two_recorders_claiming_one_strap_at_once_one_wins(any_db_url: str) -> None:
    stores = [open_store(any_db_url) for _ in range(6)]
    client = add_client(stores[0], "Race Client").id
    barrier = threading.Barrier(len(stores))
    outcomes: list[str] = []

    def claim(store: Store) -> None:
        barrier.wait()
        try:
            create_session(store, client, source="ble", strap_address=STRAP)
            outcomes.append("won")
        except StrapInUseError:
            outcomes.append("refused")

    threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["refused"] * (len(stores) - 1) + ["won"]
    for s in stores:
        s.close()


def _sessions(store: Store) -> list[object]:
    from hrv_relax.store import list_sessions

    return list(list_sessions(store))


@pytest.mark.postgres
def test_postgresql_gets_native_types_and_times_stay_utc(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database()
    # A laptop whose session time zone is not UTC must still store and read UTC instants.
    store = open_store(url + "?options=-c%20timezone%3DAsia%2FTokyo")
    columns = {c["name"]: c["type"] for c in inspect(store.engine).get_columns("sessions")}
    assert type(columns["started_at"]).__name__ == "TIMESTAMP" and columns["started_at"].timezone
    assert type(columns["stop_requested"]).__name__ == "BOOLEAN"
    summary = {c["name"]: c["type"] for c in inspect(store.engine).get_columns("session_summaries")}
    assert type(summary["data"]).__name__ == "JSON"
    started = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)
    sid = create_session(store, add_client(store, "Tz").id, source="ble", started_at=started)
    got = get_session(store, sid).started_at
    assert got == started and got.utcoffset() == dt.timedelta(0)
    with pytest.raises(StoreError, match="ck_sessions_status"), store.write() as conn:
        conn.execute(update(sessions).values(status="paused"))
    store.close()
    postgres_server.drop_database(url)


@pytest.mark.postgres
def test_an_unreachable_server_is_a_retryable_error(postgres_server: PostgresServer) -> None:
    closed_port = postgres_server.url().replace(f":{postgres_server.port}/", ":1/")
    with pytest.raises(StoreUnavailableError, match="database unreachable"):
        open_store(closed_port)
    wrong_password = postgres_server.url().replace(postgres_server.password, "s3cret-guess")
    with pytest.raises(StoreError, match=r"refused the connection: .*password authentication") as e:
        open_store(wrong_password)
    assert "s3cret-guess" not in str(e.value)


def test_a_held_sqlite_lock_is_retryable_not_fatal(tmp_path: Path) -> None:
    store = open_store(tmp_path / "locked.db")
    sid = create_session(store, add_client(store, "Lock").id, source="simulated")
    impatient = open_store(tmp_path / "locked.db")

    @event.listens_for(impatient.engine, "connect")
    def _short_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=50")  # instead of 30 s

    impatient.engine.dispose()  # its pooled connection predates the listener

    with store.write() as holder:
        append_beats(holder, sid, [Beat(0, 1.0, 800.0)])
        with (
            pytest.raises(StoreUnavailableError, match="database is locked"),
            impatient.write() as conn,
        ):
            append_beats(conn, sid, [Beat(1, 2.0, 800.0)])
    store.close()
    impatient.close()


@pytest.mark.postgres
def test_connections_cut_while_recording_lose_and_repeat_nothing(
    postgres_server: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Network blips: the server drops every recorder connection, again and again."""
    monkeypatch.setattr("hrv_relax.capture.recorder.RETRY_MIN_S", 0.05)
    url = postgres_server.create_database()
    store = open_store(url)
    sid = create_session(store, add_client(store, "Blip").id, source="simulated")
    plan = SessionPlan(300, 3000, 300)  # long enough for many cuts, however fast the recorder
    strap = SimulatedStrap(seed=3, plan=plan, realtime=False)
    recorder = Recorder(store, sid, strap, flush_interval_s=0.005, journal_dir=tmp_path)
    admin = open_store(url, migrate=False)
    cuts = 0

    async def scenario() -> None:
        nonlocal cuts
        task = asyncio.create_task(recorder.run())
        while not task.done():
            await asyncio.sleep(0.01)
            with admin.write() as conn:
                cuts += conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
        await task

    asyncio.run(scenario())
    assert cuts >= 5
    reference = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    ref_sid = create_session(reference, add_client(reference, "Blip").id, source="simulated")
    asyncio.run(
        Recorder(reference, ref_sid, SimulatedStrap(seed=3, plan=plan, realtime=False)).run()
    )
    got, want = load_beats(store, sid), load_beats(reference, ref_sid)
    assert got.seq.tolist() == want.seq.tolist()
    assert got.rr_ms.tolist() == want.rr_ms.tolist()
    assert get_session(store, sid).status == "complete"
    for s in (store, admin, reference):
        s.close()
    postgres_server.drop_database(url)
