"""The recorder's live status of its strap and link, one row per recording session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hrv_relax.records import LiveStatus
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.prepared import Prepared
from hrv_relax.store.schema import session_live

LINK_STATES = ("connecting", "connected", "reconnecting", "simulated", "stopped")
# Built once: the live page reads the row every second.
_LIVE_ROW = select(session_live).where(session_live.c.session_id == bindparam("b_session_id"))


def live_row(
    session_id: int,
    *,
    link: str,
    bpm: int | None,
    contact: bool | None,
    battery_pct: int | None,
    frames_ok: int,
    frames_malformed: int,
    last_frame: bytes | None = None,
) -> dict[str, Any]:
    """One session's live row as `write_live_rows` takes it, stamped now."""
    return {
        "session_id": session_id,
        "updated_at": utcnow(),
        "link": link,
        "bpm": bpm,
        "contact": contact,
        "battery_pct": battery_pct,
        "frames_ok": frames_ok,
        "frames_malformed": frames_malformed,
        "last_frame": last_frame,
    }


def write_live_rows(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert or replace several sessions' live rows (from `live_row`), in one statement."""
    if not rows:
        return
    upsert = _UPSERTS.get(conn.dialect.name)
    if upsert is not None:
        upsert.execute_many(conn, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    for values in rows:
        changed = conn.execute(
            update(session_live)
            .where(session_live.c.session_id == values["session_id"])
            .values(**values)
        )
        if not changed.rowcount:
            conn.execute(session_live.insert().values(**values))


def _upsert(module: Any) -> Any:
    """INSERT ... ON CONFLICT (session_id) DO UPDATE of every column, with bound values."""
    columns = [c.name for c in session_live.columns]
    stmt = module.insert(session_live).values({c: bindparam(f"b_{c}") for c in columns})
    return stmt.on_conflict_do_update(
        index_elements=[session_live.c.session_id],
        set_={c: stmt.excluded[c] for c in columns if c != "session_id"},
    )


# Prepared: the recorder writes its live row in every commit (see sessions.heartbeat).
_UPSERTS = {"sqlite": Prepared(_upsert(sqlite)), "postgresql": Prepared(_upsert(postgresql))}


def read_live(store: Store, session_id: int) -> LiveStatus | None:
    with store.read() as conn:
        return read_live_row(conn, session_id)


def read_live_row(conn: Connection, session_id: int) -> LiveStatus | None:
    """`read_live` in the caller's transaction."""
    row = conn.execute(_LIVE_ROW, {"b_session_id": session_id}).first()
    if row is None:
        return None
    return LiveStatus(
        session_id=row.session_id,
        updated_at=row.updated_at,
        link=row.link,
        bpm=row.bpm,
        contact=row.contact,
        battery_pct=row.battery_pct,
        frames_ok=row.frames_ok,
        frames_malformed=row.frames_malformed,
    )
