"""A laptop whose clock is off must not make a live session flap, and a revived session is live.

A laptop 15 s slow wrote heartbeats that another laptop's sweep found stale at once: the session
flipped between recording and interrupted every second, and `ended_at` stayed set after it
revived. Heartbeats and the sweep now read the database's clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from hrv_relax.store import Store, add_client, create_session, get_session, sweep_interrupted
from hrv_relax.store import sessions as session_store
from hrv_relax.store.clock import utcnow
from hrv_relax.store.schema import sessions
from hrv_relax.store.sessions import heartbeat


def _slow_laptop(monkeypatch: pytest.MonkeyPatch, behind_s: float) -> None:
    monkeypatch.setattr(session_store, "utcnow", lambda: utcnow() - dt.timedelta(seconds=behind_s))


@pytest.mark.postgres
def test_a_laptop_with_a_slow_clock_keeps_its_session_recording(
    postgres_server: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hrv_relax.store import open_store

    url = postgres_server.create_database()  # type: ignore[attr-defined]
    store = open_store(url)
    client = add_client(store, "Dana")
    _slow_laptop(monkeypatch, 15.0)  # the recording laptop
    session_id = create_session(store, client.id, source="simulated")
    with store.write() as conn:
        heartbeat(conn, session_id)
    monkeypatch.undo()  # the dashboard's laptop keeps good time
    assert sweep_interrupted(store) == 0
    assert get_session(store, session_id).status == "recording"
    store.close()


def test_a_revived_session_has_no_end(any_store: Store) -> None:
    client = add_client(any_store, "Dana")
    session_id = create_session(any_store, client.id, source="simulated")
    with any_store.write() as conn:  # the recorder fell silent a minute ago
        conn.execute(
            update(sessions)
            .where(sessions.c.id == session_id)
            .values(heartbeat_at=utcnow() - dt.timedelta(minutes=1))
        )
    assert sweep_interrupted(any_store) == 1
    swept = get_session(any_store, session_id)
    assert swept.status == "interrupted" and swept.ended_at is not None
    with any_store.write() as conn:  # and its heartbeat gets through again
        heartbeat(conn, session_id)
    revived = get_session(any_store, session_id)
    assert revived.status == "recording" and revived.ended_at is None
    assert sweep_interrupted(any_store) == 0
