"""Sessions and their life cycle: recording -> complete, or interrupted when the recorder dies."""

from __future__ import annotations

import datetime as dt
import functools
import os
import socket
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.selectable import ScalarSelect

from hrv_relax.errors import (
    InvalidInputError,
    NotFoundError,
    SessionStateError,
    StrapInUseError,
)
from hrv_relax.records import SessionRecord
from hrv_relax.store.beats import seq_after_last
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.idempotent import insert_missing
from hrv_relax.store.prepared import Prepared
from hrv_relax.store.schema import SESSION_SOURCES, beats, clients, sessions, straps
from hrv_relax.store.straps import attach_strap, upsert_strap
from hrv_relax.vocabulary import SessionStatus

# The recorder writes a heartbeat with every commit (at least once a second). A session whose
# heartbeat is older than this is taken as interrupted: its recorder was killed or lost power.
STALE_HEARTBEAT_S = 10.0


def database_now(conn: Connection) -> dt.datetime:
    """Now by the database's clock: every laptop of a clinic reads the one server's clock.

    Heartbeats and the interrupted-session sweep compare times written by one machine with
    times read by another; with each laptop's own clock a laptop 15 s slow had its live session
    flap between recording and interrupted. SQLite lives on this machine: its clock is ours.
    """
    if conn.dialect.name == "postgresql":
        value = conn.execute(select(func.now())).scalar_one()
        assert isinstance(value, dt.datetime)
        return value.astimezone(dt.UTC)
    return utcnow()


def create_session(
    store: Store,
    client_id: int,
    *,
    source: str,
    therapist_id: int | None = None,
    strap_id: int | None = None,
    strap_address: str | None = None,
    started_at: dt.datetime | None = None,
    notes: str = "",
) -> int:
    """Open a session in state `recording` and return its id.

    With `strap_address`, the session claims that strap: StrapInUseError if another recorder
    is recording from it right now (see `claim_strap`).
    """
    if source not in SESSION_SOURCES:
        raise InvalidInputError(f"unknown session source {source!r}")
    with store.write() as conn:
        now = database_now(conn)
        if conn.execute(select(clients.c.id).where(clients.c.id == client_id)).first() is None:
            raise NotFoundError(f"no client with id {client_id}")
        key = conn.execute(
            insert(sessions).values(
                client_id=client_id,
                therapist_id=therapist_id,
                strap_id=strap_id,
                source=source,
                status=SessionStatus.RECORDING,
                started_at=started_at or now,
                heartbeat_at=now,
                recorder_host=socket.gethostname(),
                recorder_pid=os.getpid(),
                notes=notes,
            )
        ).inserted_primary_key
        assert key is not None
        if strap_address is not None:
            claim_strap(conn, int(key[0]), strap_address)
    return int(key[0])


def claim_strap(conn: Connection, session_id: int, address: str) -> int:
    """Attach the strap to the session, unless another live recorder is recording from it.

    A strap streams to one recorder at a time; two sessions fed by one strap would each hold
    half of the beats or the same beats twice. A session still `recording` whose recorder is
    gone (stale heartbeat, or its process on this machine no longer exists) does not hold the
    strap: it is marked interrupted here, so a new session can start at once after a crash.
    Returns the strap's id.
    """
    # Creating the strap row first and then updating it locks the row (PostgreSQL) or the
    # database (SQLite) until commit, so two recorders claiming at once are serialized.
    insert_missing(conn, straps, [{"address": address, "name": ""}], [straps.c.address])
    strap_id = upsert_strap(conn, address)
    holders = conn.execute(
        select(
            sessions.c.id,
            sessions.c.heartbeat_at,
            sessions.c.recorder_host,
            sessions.c.recorder_pid,
        ).where(
            sessions.c.strap_id == strap_id,
            sessions.c.status == SessionStatus.RECORDING,
            sessions.c.id != session_id,
        )
    ).all()
    cutoff = utcnow() - dt.timedelta(seconds=STALE_HEARTBEAT_S)
    for holder in holders:
        alive = holder.heartbeat_at is not None and holder.heartbeat_at >= cutoff
        if alive and not _recorder_gone(holder.recorder_host, holder.recorder_pid):
            raise StrapInUseError(
                f"strap {address} is in use: session {holder.id} is recording from it "
                f"(process {holder.recorder_pid} on {holder.recorder_host}); stop that session "
                f"first (hrv-relax stop {holder.id}) or use another strap"
            )
        # Asked to stop too: if its recorder was only stalled, it must not revive the
        # session (see heartbeat) and record the same strap as this one.
        conn.execute(
            update(sessions)
            .where(sessions.c.id == holder.id)
            .values(
                status=SessionStatus.INTERRUPTED,
                ended_at=sessions.c.heartbeat_at,
                stop_requested=True,
            )
        )
    attach_strap(conn, session_id, strap_id)
    return strap_id


def _recorder_gone(host: str | None, pid: int | None) -> bool:
    """Whether the recording process is known to have ended (only knowable on this machine)."""
    if host != socket.gethostname() or pid is None:
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, under another user
    return False


def heartbeat(conn: Connection, session_id: int, *, at: dt.datetime | None = None) -> bool:
    """Mark the recorder alive; return whether a stop was requested. Runs in the caller's commit.

    A session marked interrupted while the recorder could not write (e.g. the database was
    unreachable) becomes `recording` again as soon as the recorder's heartbeat gets through.
    """
    if at is None and conn.dialect.name == "postgresql":
        beating = _HEARTBEAT_SERVER_CLOCK.execute(conn, {"b_session_id": session_id})
    else:
        beating = _HEARTBEAT.execute(conn, {"b_session_id": session_id, "b_at": at or utcnow()})
    if beating:  # the session's row, updated: it says whether a stop was asked for
        return bool(beating[0][0])
    # A finished or taken-over session is not revived: only read its request.
    return _stop_requested(conn, session_id)


def heartbeats(conn: Connection, session_ids: Sequence[int]) -> list[bool]:
    """`heartbeat` for the sessions of a shared SQLite commit, in one statement; whether a stop
    was requested, for each (on PostgreSQL, or for one session, one statement each)."""
    if len(session_ids) < 2 or conn.dialect.name != "sqlite":
        return [heartbeat(conn, session_id) for session_id in session_ids]
    params: dict[str, object] = {f"b_id_{i}": sid for i, sid in enumerate(session_ids)}
    params["b_at"] = utcnow()
    beating = dict(_heartbeat_of(len(session_ids)).execute(conn, params))
    return [
        bool(beating[sid]) if sid in beating else _stop_requested(conn, sid) for sid in session_ids
    ]


def _stop_requested(conn: Connection, session_id: int) -> bool:
    return bool(conn.execute(_STOP_REQUESTED, {"b_session_id": session_id}).scalar_one_or_none())


def _taken_over() -> ColumnElement[bool]:
    """Sessions whose strap another recorder claimed: they stay interrupted."""
    return and_(sessions.c.status == SessionStatus.INTERRUPTED, sessions.c.stop_requested.is_(True))


def _beating(which: ColumnElement[bool]) -> Update:
    return (
        update(sessions)
        .where(which, sessions.c.status != SessionStatus.COMPLETE, ~_taken_over())
        # A revived session has not ended: the sweep's ended_at goes.
        .values(status=SessionStatus.RECORDING, ended_at=None)
    )


# Prepared: the recorder runs these in every commit, and SQLAlchemy's execution costs more
# than SQLite takes to run them (the write lock is held meanwhile).
_BEATING = _beating(sessions.c.id == bindparam("b_session_id")).returning(sessions.c.stop_requested)
_HEARTBEAT = Prepared(_BEATING.values(heartbeat_at=bindparam("b_at")))
_HEARTBEAT_SERVER_CLOCK = Prepared(_BEATING.values(heartbeat_at=func.now()))
_STOP_REQUESTED = select(sessions.c.stop_requested).where(
    sessions.c.id == bindparam("b_session_id")
)


@functools.lru_cache(maxsize=64)
def _heartbeat_of(n: int) -> Prepared:
    """The heartbeat of `n` sessions (b_id_0...), returning each updated one's id and stop."""
    which = sessions.c.id.in_([bindparam(f"b_id_{i}") for i in range(n)])
    return Prepared(
        _beating(which)
        .values(heartbeat_at=bindparam("b_at"))
        .returning(sessions.c.id, sessions.c.stop_requested)
    )


def session_started_at(conn: Connection, session_id: int) -> dt.datetime:
    started = conn.execute(
        select(sessions.c.started_at).where(sessions.c.id == session_id)
    ).scalar_one_or_none()
    if started is None:
        raise NotFoundError(f"no session with id {session_id}")
    assert isinstance(started, dt.datetime)
    return started


def finish_session(
    conn: Connection, session_id: int, *, ended_at: dt.datetime | None = None
) -> None:
    conn.execute(
        update(sessions)
        .where(sessions.c.id == session_id, ~_taken_over())
        .values(
            status=SessionStatus.COMPLETE,
            ended_at=ended_at or utcnow(),
            heartbeat_at=utcnow(),
            final_beats=_counted(sessions.c.id),
        )
    )


def discard_if_empty(store: Store, session_id: int) -> bool:
    """Delete a session that never received a beat (and its markers); True if it was deleted.

    A recording that got nothing is not a session: left in place it would count in a client's
    history as a "complete" session of 0 beats.
    """
    with store.write() as conn:
        has_beats = conn.execute(
            select(beats.c.session_id).where(beats.c.session_id == session_id).limit(1)
        ).first()
        if has_beats is not None:
            return False
        # The markers, live status and summaries go with it (ON DELETE CASCADE).
        return conn.execute(delete(sessions).where(sessions.c.id == session_id)).rowcount > 0


def request_stop(store: Store, session_id: int) -> None:
    """Ask the session's recorder (wherever it runs) to end the session cleanly."""
    with store.write() as conn:
        status = conn.execute(
            select(sessions.c.status).where(sessions.c.id == session_id)
        ).scalar_one_or_none()
        if status is None:
            raise NotFoundError(f"no session with id {session_id}")
        if status != SessionStatus.RECORDING:
            raise SessionStateError(f"session {session_id} is {status}, not recording")
        conn.execute(
            update(sessions).where(sessions.c.id == session_id).values(stop_requested=True)
        )


def sweep_interrupted(store: Store, *, now: dt.datetime | None = None) -> int:
    """Mark sessions whose recorder stopped writing as interrupted; return how many."""
    # Read first: pages call this every second, and a write each time would contend with
    # the recorders for the SQLite lock (and fail for a read-only database user).
    with store.read() as conn:
        cutoff = {"b_cutoff": (now or database_now(conn)) - dt.timedelta(seconds=STALE_HEARTBEAT_S)}
        if conn.execute(_ANY_STALE, cutoff).first() is None:
            return 0
    with store.write() as conn:
        result = conn.execute(_SWEEP, cutoff)
    return int(result.rowcount or 0)


# Built once, as the statements below: pages sweep and read their session every second.
_STALE = and_(
    sessions.c.status == SessionStatus.RECORDING, sessions.c.heartbeat_at < bindparam("b_cutoff")
)
_ANY_STALE = select(sessions.c.id).where(_STALE).limit(1)
_SWEEP = (
    update(sessions)
    .where(_STALE)
    .values(status=SessionStatus.INTERRUPTED, ended_at=sessions.c.heartbeat_at)
)


def _counted(session_id: ColumnElement[int]) -> ScalarSelect[int]:
    return select(func.count(beats.c.id)).where(beats.c.session_id == session_id).scalar_subquery()


def _session_query() -> Select[Any]:
    # A complete session's count was stored as it ended; one still recording (or interrupted,
    # which may come back) is read from its last beat, so no listing counts every beat.
    n_beats = func.coalesce(
        sessions.c.final_beats, seq_after_last(sessions.c.id).correlate(sessions), 0
    )
    return select(sessions, clients.c.name.label("client_name"), n_beats.label("n_beats")).join(
        clients, clients.c.id == sessions.c.client_id
    )


def _record(row: Row[tuple[object, ...]]) -> SessionRecord:
    m = row._mapping
    return SessionRecord(
        id=m["id"],
        client_id=m["client_id"],
        client_name=m["client_name"],
        therapist_id=m["therapist_id"],
        source=m["source"],
        status=SessionStatus(m["status"]),
        started_at=m["started_at"],
        ended_at=m["ended_at"],
        heartbeat_at=m["heartbeat_at"],
        n_beats=int(m["n_beats"]),
        notes=m["notes"],
    )


def list_sessions(
    store: Store,
    *,
    client_id: int | None = None,
    client_ids: Sequence[int] | None = None,
    statuses: Sequence[str] = (),
    limit: int | None = None,
) -> list[SessionRecord]:
    """Sessions, newest first (stale recordings are marked interrupted first).

    `client_ids` narrows to those clients (an access rule's visible clients; empty: none).
    """
    sweep_interrupted(store)
    query = _session_query()
    conditions = []
    if client_id is not None:
        conditions.append(sessions.c.client_id == client_id)
    if client_ids is not None:
        conditions.append(sessions.c.client_id.in_(list(client_ids)))
    if statuses:
        conditions.append(sessions.c.status.in_(statuses))
    if conditions:
        query = query.where(and_(*conditions))
    query = query.order_by(sessions.c.started_at.desc(), sessions.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with store.read() as conn:
        return [_record(r) for r in conn.execute(query)]


_SESSION_BY_ID = _session_query().where(sessions.c.id == bindparam("b_session_id"))


def read_session(conn: Connection, session_id: int) -> SessionRecord:
    """One session in the caller's transaction. NotFoundError if missing."""
    row = conn.execute(_SESSION_BY_ID, {"b_session_id": session_id}).first()
    if row is None:
        raise NotFoundError(f"no session with id {session_id}")
    return _record(row)


def get_session(store: Store, session_id: int) -> SessionRecord:
    sweep_interrupted(store)
    query = _session_query().where(sessions.c.id == session_id)
    with store.read() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NotFoundError(f"no session with id {session_id}")
    return _record(row)
