"""Markers on a session's time line: phases, techniques, pressure, body region, notes, gaps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, select

from hrv_relax.errors import InvalidInputError, NotFoundError, SessionStateError
from hrv_relax.records import MarkerRecord
from hrv_relax.store.audit import write_audit
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import MARKER_KINDS, PHASES, markers, sessions
from hrv_relax.vocabulary import MARKER_GROUPS, MarkerKind, SessionStatus

# Technique, pressure and region markers use the one-tap vocabulary, so sessions compare.
VOCABULARY = {kind: values for kind, _, values in MARKER_GROUPS}

MAX_MARKER_TEXT = 500
# A marker tapped by mistake can be taken back this long after it was made (by whoever made it).
UNDO_MARKER_S = 30.0
# Built once: the live page reads a session's markers every second.
_MARKERS_OF = (
    select(markers)
    .where(markers.c.session_id == bindparam("b_session_id"))
    .order_by(markers.c.t_s, markers.c.id)
)


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
    once: bool = False,
) -> MarkerRecord:
    """`add_marker` inside the caller's transaction; with `once`, an identical marker is kept."""
    text = " ".join(value.split())
    if kind not in MARKER_KINDS:
        raise InvalidInputError(
            f"unknown marker kind {kind!r}: choose one of {', '.join(MARKER_KINDS)}"
        )
    if kind == MarkerKind.PHASE and text not in PHASES:
        raise InvalidInputError(f"unknown phase {text!r}: choose one of {', '.join(PHASES)}")
    vocabulary = VOCABULARY.get(kind)
    if vocabulary is not None and text not in vocabulary:
        raise InvalidInputError(
            f"unknown {kind} {text!r}: choose one of {', '.join(vocabulary)} "
            "(anything else can go in a note)"
        )
    if kind == MarkerKind.NOTE and not text:
        raise InvalidInputError("a note needs some text")
    if len(text) > MAX_MARKER_TEXT:
        raise InvalidInputError(f"marker text is longer than {MAX_MARKER_TEXT} characters")
    row = conn.execute(
        select(sessions.c.status, sessions.c.started_at).where(sessions.c.id == session_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no session with id {session_id}")
    if once and t_s is not None:
        # A recorder writing its journal again after an unconfirmed commit (capture.journal).
        same = conn.execute(
            select(markers).where(
                markers.c.session_id == session_id,
                markers.c.kind == kind,
                markers.c.value == text,
                markers.c.t_s == t_s,
            )
        ).first()
        if same is not None:
            return _marker(same)
    now = utcnow()
    if t_s is None:
        if row.status != SessionStatus.RECORDING:
            raise SessionStateError(
                f"session {session_id} is {row.status}: give the marker's time explicitly"
            )
        t_s = (now - row.started_at).total_seconds()
    if t_s < 0 or (end_t_s is not None and end_t_s < t_s):
        raise InvalidInputError("a marker cannot start before its session or end before it starts")
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
        kind=MarkerKind(kind),
        value=text,
        created_at=now,
    )


def undo_marker(
    store: Store,
    marker_id: int,
    *,
    user_id: int | None,
    username: str,
    now: dt.datetime | None = None,
) -> MarkerRecord:
    """Take back a marker its maker put on a recording session in the last `UNDO_MARKER_S`.

    The removal is written to the audit log with what the marker said, in the same transaction.
    """
    at = now or utcnow()
    with store.write() as conn:
        row = conn.execute(select(markers).where(markers.c.id == marker_id)).first()
        if row is None:
            raise NotFoundError(f"no marker with id {marker_id}")
        status = conn.execute(
            select(sessions.c.status).where(sessions.c.id == row.session_id)
        ).scalar_one()
        if status != SessionStatus.RECORDING:
            raise SessionStateError(
                f"session {row.session_id} is {status}: markers stay as they are"
            )
        if row.created_by != user_id:
            raise SessionStateError("only whoever put a marker on can undo it")
        if (at - row.created_at).total_seconds() > UNDO_MARKER_S:
            raise SessionStateError(
                f"a marker can be undone for {UNDO_MARKER_S:.0f} s after it was made"
            )
        conn.execute(delete(markers).where(markers.c.id == marker_id))
        marker = _marker(row)
        write_audit(
            conn,
            user_id=user_id,
            username=username,
            action="marker_undone",
            target=f"session {marker.session_id}",
            detail=f"{marker.kind} {marker.value!r} at {marker.t_s:.0f} s",
        )
    return marker


def list_markers(store: Store, session_id: int) -> list[MarkerRecord]:
    with store.read() as conn:
        return read_markers(conn, session_id)


def read_markers(conn: Connection, session_id: int) -> list[MarkerRecord]:
    """`list_markers` in the caller's transaction."""
    rows = conn.execute(_MARKERS_OF, {"b_session_id": session_id}).all()
    return [_marker(r) for r in rows]


def _marker(row: Row[Any]) -> MarkerRecord:
    return MarkerRecord(
        id=row.id,
        session_id=row.session_id,
        t_s=row.t_s,
        end_t_s=row.end_t_s,
        kind=MarkerKind(row.kind),
        value=row.value,
        created_at=row.created_at,
    )
