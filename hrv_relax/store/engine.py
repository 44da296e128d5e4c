"""Open a store: create the engine, set SQLite or PostgreSQL up for recorders and readers, migrate.

SQLite (one machine) runs in WAL mode so the dashboard reads while a recorder writes. PostgreSQL (a
clinic: one server, several laptops) gets short connection and TCP timeouts, so a recorder notices a
dead network in seconds and keeps its beats in its local journal (hrv_relax.capture.journal) instead
of hanging. Errors are sorted into "unreachable for now" (StoreUnavailableError: retry) and the rest
(StoreError: a person has to act), each with a message that says what happened.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)

from hrv_relax.config import data_dir, resolve_db_url
from hrv_relax.errors import StoreError, StoreUnavailableError
from hrv_relax.private_files import private_database_file, private_dir
from hrv_relax.store.write_queue import write_queue

log = logging.getLogger(__name__)

# A writer holds the SQLite lock for milliseconds; readers and a second writer wait this long
# before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30.0
MIGRATIONS = "hrv_relax.store:migrations"

# libpq settings for a recorder on a clinic network, unless the URL sets them: give up a
# connection attempt after 5 s, and an unanswered write after 10 s (TCP keepalives and
# tcp_user_timeout), instead of the operating system's ~15 minutes.
PG_CONNECT_DEFAULTS: dict[str, object] = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,  # ms
    "application_name": "hrv-relax",
}
# Two laptops opening a fresh clinic database at once must not both create the tables:
# migrations take this transaction-level advisory lock first (any constant; "hrv" in ASCII).
PG_MIGRATION_LOCK = 0x687276
# SQLSTATEs that mean "the server cannot serve you right now" rather than "this is wrong":
# class 08 connection exceptions, admin/crash shutdown, starting up, too many connections,
# and serialization/deadlock failures (retrying the transaction is the documented remedy).
PG_RETRYABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300", "40001", "40P01"})


@dataclass(frozen=True, slots=True)
class Store:
    """A migrated database. Cheap to share: it holds only the engine and its connection pool."""

    engine: Engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading."""
        with _store_errors(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction: committed on success, rolled back (nothing half-written) on error.

        Writers of one SQLite file take turns in its write queue (see `write_queue`).
        """
        database = self.engine.url.database if self.is_sqlite else None
        if database in (None, "", ":memory:"):
            with _store_errors(), self.engine.begin() as conn:
                yield conn
            return
        assert database is not None
        # The connection is taken from the pool (and given back) outside the turn: the turn
        # is held only while the transaction runs.
        with (
            _store_errors(),
            self.engine.connect() as conn,
            write_queue(database).turn(),
            conn.begin(),
        ):
            yield conn

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise store_error(exc) from exc


def store_error(exc: SQLAlchemyError, context: str | None = None) -> StoreError:
    """The project error for a database failure: unavailable (retry later) or not."""
    prefix = f"{context}: " if context else ""
    if is_unavailable(exc):
        detail = _short(exc)
        # The server answered but turned the connection away (password, missing database, a
        # restart in progress): psycopg gives no SQLSTATE for these, only libpq's text.
        what = (
            "the database server refused the connection"
            if "FATAL:" in detail
            else ("database unreachable")
        )
        return StoreUnavailableError(f"{prefix}{what}: {detail}")
    return StoreError(f"{prefix or 'database error: '}{_explain(exc)}")


def is_unavailable(exc: SQLAlchemyError) -> bool:
    """Whether the failure is the database being out of reach for now, not a bad request."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    code = getattr(orig, "sqlite_errorname", None)
    if code is not None:
        # A local file is never "unreachable"; only a lock held past the busy timeout passes.
        return str(code).startswith("SQLITE_BUSY") or str(code).startswith("SQLITE_LOCKED")
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    state = getattr(orig, "sqlstate", None)
    # psycopg sets no SQLSTATE for failures to connect or on the client side of the wire
    # (refused, reset, also a rejected password). A recorder keeps its beats in its journal
    # and retries on all of them: a person may be fixing the server meanwhile.
    return state is None or str(state).startswith("08") or state in PG_RETRYABLE_STATES


def _explain(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    code = str(getattr(orig, "sqlite_errorname", ""))
    if code == "SQLITE_FULL":
        return "the disk holding the database is full (free some space and start again)"
    if code.startswith("SQLITE_READONLY"):
        return "the database file is read-only (check its permissions and its folder's)"
    if code.startswith("SQLITE_CANTOPEN"):
        return "unable to open the database file (does its folder exist and allow writing?)"
    if getattr(orig, "sqlstate", None) == "53100":
        return f"the database server's disk is full: {_short(exc)}"
    return _short(exc)


def _short(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig).strip() if orig is not None else str(exc).splitlines()[0]


def open_store(db: str | Path | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default create or upgrade) the database: `db`, `HRV_RELAX_DB` or the default."""
    url = make_url(resolve_db_url(db))
    kwargs: dict[str, Any] = {}
    # An SQLite URI (file:...?uri=true, e.g. mode=ro) is taken as given: it names its own file.
    is_uri = url.query.get("uri") == "true"
    if (
        url.get_backend_name() == "sqlite"
        and url.database not in (None, "", ":memory:")
        and not is_uri
    ):
        path = Path(url.database)
        ours = path.parent == data_dir()
        if not ours and not path.parent.is_dir():
            # A typo in --db must not start a new, empty practice in a folder made for it.
            what = "is a file, not a folder" if path.parent.exists() else "does not exist"
            raise StoreError(
                f"the folder {path.parent} for database {path.name} {what} "
                "(create the folder first, or check the path)"
            )
        try:
            private_dir(path.parent, ours=ours)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for database {path}: {exc}") from exc
        _check_writable(path)
        try:
            private_database_file(path)
        except OSError as exc:
            raise StoreError(f"cannot create database {path}: {exc}") from exc
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    elif url.get_backend_name() == "postgresql":
        kwargs["connect_args"] = _pg_connect_args(url)
    if url.get_backend_name() != "sqlite":
        # A server restart leaves dead connections in the pool: test each before use.
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except (ImportError, ArgumentError) as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine)
    if migrate:
        migrate_to_head(store)
    return store


def _check_writable(path: Path) -> None:
    # SQLite would only say "unable to open database file": say which and why. It writes the
    # file and, beside it, the -wal and -shm files of WAL mode.
    for target in (path, path.parent):
        if target.exists() and not os.access(target, os.W_OK):
            raise StoreError(
                f"the database {'file' if target == path else 'folder'} {target} is read-only: "
                "hrv-relax writes the file and, beside it, its -wal and -shm files "
                "(check the permissions, or whether the disk is mounted read-only)"
            )


def _pg_connect_args(url: URL) -> dict[str, object]:
    return {k: v for k, v in PG_CONNECT_DEFAULTS.items() if k not in url.query}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    # WAL lets the dashboard read while a recorder writes; NORMAL sync is durable across a
    # process kill (only a power cut can lose the last commit).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def alembic_config(store: Store) -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    return config


def migrate_to_head(store: Store) -> None:
    """Create the schema or upgrade it to the newest migration, in one transaction."""
    try:
        with store.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            config = alembic_config(store)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise store_error(exc, f"cannot open database {store.url}") from exc
