"""Practice-wide settings an admin changes, stored as text under a key."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, insert, select

from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import settings

#: "1": every therapist sees every client; anything else (the default): only their own.
SHARE_CLIENTS = "therapists_share_clients"
#: The clinic's IANA time zone ("Europe/Berlin"); empty: the server's own zone.
TIME_ZONE = "time_zone"
#: The practice's name, printed on reports; empty: none printed.
CLINIC_NAME = "clinic_name"


# Built once: the live page reads who may see what every second.
_SETTING = select(settings.c.value).where(settings.c.key == bindparam("b_key"))


def read_setting(conn: Connection, key: str, default: str = "") -> str:
    value = conn.execute(_SETTING, {"b_key": key}).scalar()
    return default if value is None else str(value)


def get_setting(store: Store, key: str, default: str = "") -> str:
    with store.read() as conn:
        return read_setting(conn, key, default)


def write_setting(conn: Connection, key: str, value: str) -> None:
    """Set the key in the caller's transaction (portable: delete then insert)."""
    conn.execute(delete(settings).where(settings.c.key == key))
    conn.execute(insert(settings).values(key=key, value=value, updated_at=utcnow()))


def clinic_name(store: Store) -> str:
    """The practice's name for reports ("" when none was set)."""
    return get_setting(store, CLINIC_NAME).strip()
