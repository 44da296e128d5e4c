"""Statements the recorder runs in every commit: on SQLite, compiled once and run on the cursor.

The recorder commits twice a second in every room: its beats, its heartbeat and its live row.
On SQLite every writer of the file waits while one commits, and through SQLAlchemy's
execution machinery each of those statements cost several times what SQLite took to run it.
There a `Prepared` statement is compiled by SQLAlchemy once (the same statement object the
rest of the store uses, so there is no second copy of its SQL), its parameters go through the
same type processing, and it runs on the driver's cursor: only the per-call bookkeeping is
skipped. A driver error is raised as the `DBAPIError` SQLAlchemy would raise, so the store's
error handling sees no difference.

On PostgreSQL, whose writers do not wait on one another, a `Prepared` statement runs through
SQLAlchemy as any other: its handling of connections the server cuts mid-statement is kept
whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase

Params = Mapping[str, Any]


class _Compiled:
    """One statement compiled for SQLite: its SQL, parameter order and processors."""

    def __init__(self, statement: UpdateBase, dialect: Dialect, keys: Sequence[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=list(keys) if keys else None)
        assert isinstance(compiled, SQLCompiler) and compiled.positiontup is not None
        self.sql = compiled.string
        names = compiled.bind_names
        binds = compiled.binds.values()
        # Values fixed in the statement itself (`.values(status=...)`, a where clause's literal).
        self.fixed = {names[bind]: bind.effective_value for bind in binds if not bind.required}
        self.processors: dict[str, Callable[[Any], Any]] = {}
        for bind in binds:
            process = bind.type._cached_bind_processor(dialect)
            if process is not None:
                self.processors[names[bind]] = process
        self.order = tuple(compiled.positiontup)  # SQLite's parameters are positional (?)

    def driver_params(self, params: Params) -> tuple[Any, ...]:
        values = {**self.fixed, **params}
        for name, process in self.processors.items():
            if name in values:
                values[name] = process(values[name])
        return tuple(values[name] for name in self.order)


class Prepared:
    """An SQLAlchemy statement, compiled the first time SQLite runs it.

    `keys` names the columns an INSERT's rows give (the rest take their defaults).
    """

    def __init__(self, statement: UpdateBase, *, keys: Sequence[str] | None = None) -> None:
        self._statement = statement
        self._keys = keys
        self._compiled: _Compiled | None = None

    def _for(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None:
            self._compiled = _Compiled(self._statement, dialect, self._keys)
        return self._compiled

    def execute(self, conn: Connection, params: Params) -> list[tuple[Any, ...]]:
        """Run once in the caller's transaction; the rows it returns, if any."""
        if conn.dialect.name != "sqlite":
            result = conn.execute(self._statement, dict(params))
            return [tuple(row) for row in result] if result.returns_rows else []
        compiled = self._for(conn.dialect)
        driver_params = compiled.driver_params(params)
        with _driver_errors(conn, compiled.sql, driver_params) as cursor:
            cursor.execute(compiled.sql, driver_params)
            return list(cursor.fetchall()) if cursor.description else []

    def execute_many(self, conn: Connection, rows: Sequence[Params]) -> None:
        """Run once per row of `rows`, in the caller's transaction."""
        if not rows:
            return
        if conn.dialect.name != "sqlite":
            conn.execute(self._statement, [dict(row) for row in rows])
            return
        compiled = self._for(conn.dialect)
        driver_rows = [compiled.driver_params(row) for row in rows]
        with _driver_errors(conn, compiled.sql, driver_rows) as cursor:
            cursor.executemany(compiled.sql, driver_rows)


@contextmanager
def _driver_errors(conn: Connection, sql: str, params: Sequence[Any]) -> Iterator[Any]:
    """The driver's cursor of `conn`; its errors raised as SQLAlchemy raises them."""
    dialect = conn.dialect
    driver_conn = conn.connection.dbapi_connection
    assert driver_conn is not None
    cursor = driver_conn.cursor()
    try:
        yield cursor
    except dialect.loaded_dbapi.Error as exc:
        lost = dialect.is_disconnect(exc, driver_conn, cursor)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            sql,
            params,
            exc,
            dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=dialect,
        ) from exc
    finally:
        if not conn.invalidated:
            cursor.close()
