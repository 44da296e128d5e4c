"""Inserts that may be repeated: rows whose unique key is already stored are skipped.

A recorder that lost its connection during COMMIT cannot know whether the commit landed; it
writes the batch again from its journal, and these inserts make the second write a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Table
from sqlalchemy.dialects import postgresql, sqlite

from hrv_relax.errors import StoreError


def insert_missing(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: Sequence[Column[Any]],
) -> None:
    """Insert `rows`, skipping those whose `key` (a unique constraint) matches a stored row."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.execute(sqlite.insert(table).on_conflict_do_nothing(index_elements=key), rows)
    elif dialect == "postgresql":
        conn.execute(postgresql.insert(table).on_conflict_do_nothing(index_elements=key), rows)
    else:
        raise StoreError(f"the {dialect} database is not supported: use SQLite or PostgreSQL")
