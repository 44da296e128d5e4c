"""Markers on a session's time line: phases, techniques, pressure, body region, notes, gaps."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from hrv_relax.errors import NotFoundError, SessionStateError, StoreError
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.records import MarkerRecord
from hrv_relax.store.schema import MARKER_KINDS, PHASES, markers, sessions

MAX_MARKER_TEXT = 500


def add_marker(
    store: Store,
    session_id: int,
    kind: str,
    value: str = "",
    *,
    t_s: float | None = None,
    end_t_s: float | None = None,
    created_by: int | None = None,
) -> MarkerRecord:
    """Put a marker on a session; `t_s` defaults to now on a session that is recording."""
    with store.write() as conn:
        return insert_marker(
            conn,
            session_id,
            kind,
            value,
            t_s=t_s,
            end_t_s=end_t_s,
            created_by=created_by,
        )


def insert_marker(
    conn: Connection,
    session_id: int,
    kind: str,
    value: str = "",
    *,
    t_s: float | None = None,
    end_t_s: float | None = None,
    created_by: int | None = None,
) -> MarkerRecord:
    """`add_marker` inside the caller's transaction."""
    text = " ".join(value.split())
    if kind not in MARKER_KINDS:
        raise StoreError(f"unknown marker kind {kind!r}: choose one of {', '.join(MARKER_KINDS)}")
    if kind == "phase" and text not in PHASES:
        raise StoreError(f"unknown phase {text!r}: choose one of {', '.join(PHASES)}")
    if kind == "note" and not text:
        raise StoreError("a note needs some text")
    if len(text) > MAX_MARKER_TEXT:
        raise StoreError(f"marker text is longer than {MAX_MARKER_TEXT} characters")
    row = conn.execute(
        select(sessions.c.status, sessions.c.started_at).where(sessions.c.id == session_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no session with id {session_id}")
    now = utcnow()
    if t_s is None:
        if row.status != "recording":
            raise SessionStateError(
                f"session {session_id} is {row.status}: give the marker's time explicitly"
            )
        t_s = (now - row.started_at).total_seconds()
    if t_s < 0 or (end_t_s is not None and end_t_s < t_s):
        raise StoreError("a marker cannot start before its session or end before it starts")
    key = conn.execute(
        insert(markers).values(
            session_id=session_id,
            t_s=t_s,
            end_t_s=end_t_s,
            kind=kind,
            value=text,
            created_at=now,
            created_by=created_by,
        )
    ).inserted_primary_key
    assert key is not None
    return MarkerRecord(
        id=int(key[0]),
        session_id=session_id,
        t_s=t_s,
        end_t_s=end_t_s,
        kind=kind,
        value=text,
        created_at=now,
    )


def list_markers(store: Store, session_id: int) -> list[MarkerRecord]:
    with store.read() as conn:
        rows = conn.execute(
            select(markers)
            .where(markers.c.session_id == session_id)
            .order_by(markers.c.t_s, markers.c.id)
        ).all()
    return [
        MarkerRecord(
            id=r.id,
            session_id=r.session_id,
            t_s=r.t_s,
            end_t_s=r.end_t_s,
            kind=r.kind,
            value=r.value,
            created_at=r.created_at,
        )
        for r in rows
    ]
