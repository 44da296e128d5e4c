"""Sign-in sessions: which browser is signed in as whom, since when, and when it last acted.

Each row is tied to a browser by the SHA-256 of a random cookie the dashboard gave that browser;
the cookie itself is never stored. Ending a sign-in is a write the next page run of every tab
of that browser sees, so sign-out, disabling an account and a password reset take effect at
once on every dashboard process sharing the database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Row, insert, select, update

from hrv_relax.records import SignInRecord
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import sign_ins

# Why a sign-in ended (sign_ins.end_reason).
SIGNED_OUT = "signed out"
IDLE = "idle"
EXPIRED = "expired"
DISABLED = "account disabled"
PASSWORD_RESET = "password reset"
REPLACED = "signed in again"


def _record(row: Row[tuple[object, ...]]) -> SignInRecord:
    m = row._mapping
    return SignInRecord(
        id=m["id"],
        user_id=m["user_id"],
        created_at=m["created_at"],
        last_active_at=m["last_active_at"],
        ended_at=m["ended_at"],
        end_reason=m["end_reason"],
    )


def start_sign_in(
    store: Store, user_id: int, browser_digest: str, now: dt.datetime | None = None
) -> SignInRecord:
    """A new sign-in for this browser; any earlier one of the same browser ends."""
    now = now or utcnow()
    with store.write() as conn:
        _end(conn, sign_ins.c.browser_digest == browser_digest, REPLACED, now)
        new_id = conn.execute(
            insert(sign_ins).values(
                user_id=user_id, browser_digest=browser_digest, created_at=now, last_active_at=now
            )
        ).inserted_primary_key
        assert new_id is not None
        row = conn.execute(select(sign_ins).where(sign_ins.c.id == new_id[0])).one()
    return _record(row)


def latest_sign_in(store: Store, browser_digest: str) -> SignInRecord | None:
    """This browser's newest sign-in, ended or not (None if it never signed in)."""
    with store.read() as conn:
        row = conn.execute(
            select(sign_ins)
            .where(sign_ins.c.browser_digest == browser_digest)
            .order_by(sign_ins.c.id.desc())
            .limit(1)
        ).first()
    return None if row is None else _record(row)


def touch_sign_in(store: Store, sign_in_id: int, now: dt.datetime) -> None:
    """Note activity on a sign-in that has not ended."""
    with store.write() as conn:
        conn.execute(
            update(sign_ins)
            .where(sign_ins.c.id == sign_in_id, sign_ins.c.ended_at.is_(None))
            .values(last_active_at=now)
        )


def rebind_sign_in(store: Store, sign_in_id: int, old_digest: str, new_digest: str) -> bool:
    """Move a sign-in that has not ended from one browser cookie to another; False if it is
    not that cookie's (or has ended)."""
    with store.write() as conn:
        result = conn.execute(
            update(sign_ins)
            .where(
                sign_ins.c.id == sign_in_id,
                sign_ins.c.browser_digest == old_digest,
                sign_ins.c.ended_at.is_(None),
            )
            .values(browser_digest=new_digest)
        )
        return bool(result.rowcount == 1)


def end_sign_in(store: Store, sign_in_id: int, reason: str, now: dt.datetime | None = None) -> None:
    with store.write() as conn:
        _end(conn, sign_ins.c.id == sign_in_id, reason, now or utcnow())


def end_user_sign_ins(
    conn: Connection, user_id: int, reason: str, now: dt.datetime | None = None
) -> int:
    """End every sign-in of the account, in every browser; how many were open."""
    return _end(conn, sign_ins.c.user_id == user_id, reason, now or utcnow())


def end_all_sign_ins_of(store: Store, user_id: int, reason: str) -> int:
    with store.write() as conn:
        return end_user_sign_ins(conn, user_id, reason)


def _end(conn: Connection, which: object, reason: str, now: dt.datetime) -> int:
    result = conn.execute(
        update(sign_ins)
        .where(which, sign_ins.c.ended_at.is_(None))  # type: ignore[arg-type]
        .values(ended_at=now, end_reason=reason)
    )
    return int(result.rowcount)
