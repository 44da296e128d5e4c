"""The audit log: who did what to whom (logins, denials, account changes, exports, deletions)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from hrv_relax.records import Viewer
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import audit_log

log = logging.getLogger("hrv_relax.audit")

MAX_TARGET = 200
MAX_DETAIL = 2000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: dt.datetime
    user_id: int | None
    username: str
    action: str
    target: str
    detail: str


def write_audit(
    conn: Connection,
    *,
    user_id: int | None,
    username: str,
    action: str,
    target: str = "",
    detail: str = "",
) -> None:
    """Record an entry in the caller's transaction, and log it."""
    log.info("audit: %s %s %s %s", username, action, target, detail)
    conn.execute(
        insert(audit_log).values(
            at=utcnow(),
            user_id=user_id,
            username=username[:64],
            action=action,
            target=target[:MAX_TARGET],
            detail=detail[:MAX_DETAIL],
        )
    )


def write_audit_as(
    conn: Connection, viewer: Viewer, action: str, *, target: str = "", detail: str = ""
) -> None:
    """Record what `viewer` did, in the caller's transaction."""
    write_audit(
        conn,
        user_id=viewer.user_id,
        username=viewer.username,
        action=action,
        target=target,
        detail=detail,
    )


def audit_as(
    store: Store, viewer: Viewer, action: str, *, target: str = "", detail: str = ""
) -> None:
    """Record what `viewer` did, in its own transaction."""
    with store.write() as conn:
        write_audit_as(conn, viewer, action, target=target, detail=detail)


def recent_audit(store: Store, *, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    """The newest entries first."""
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    with store.read() as conn:
        rows = conn.execute(query).all()
    return [
        AuditEntry(
            at=r.at,
            user_id=r.user_id,
            username=r.username,
            action=r.action,
            target=r.target,
            detail=r.detail,
        )
        for r in rows
    ]
