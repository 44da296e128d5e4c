"""Straps the practice has used: address, name, battery and where it is worn."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from hrv_relax.store.clock import utcnow
from hrv_relax.store.schema import sessions, straps


def upsert_strap(
    conn: Connection,
    address: str,
    *,
    name: str | None = None,
    battery_pct: int | None = None,
    body_location: str | None = None,
) -> int:
    """Record that a strap was seen (creating it on first sight); return its id."""
    values: dict[str, object] = {"last_seen_at": utcnow()}
    if name is not None:
        values["name"] = name
    if battery_pct is not None:
        values["battery_pct"] = battery_pct
    if body_location is not None:
        values["body_location"] = body_location
    existing = conn.execute(select(straps.c.id).where(straps.c.address == address)).scalar()
    if existing is not None:
        conn.execute(update(straps).where(straps.c.id == existing).values(**values))
        return int(existing)
    values.setdefault("name", "")
    key = conn.execute(straps.insert().values(address=address, **values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def attach_strap(conn: Connection, session_id: int, strap_id: int) -> None:
    conn.execute(update(sessions).where(sessions.c.id == session_id).values(strap_id=strap_id))
