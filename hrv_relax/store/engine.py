"""Open a store: create the engine, set SQLite up for a concurrent reader and writer, migrate."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError

from hrv_relax.config import resolve_db_url
from hrv_relax.errors import StoreError

log = logging.getLogger(__name__)

# A writer holds the SQLite lock for milliseconds; readers and a second writer wait this long
# before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_S = 30.0
MIGRATIONS = "hrv_relax.store:migrations"


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
        """A transaction: committed on success, rolled back (nothing half-written) on error."""
        with _store_errors(), self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()


@contextmanager
def _store_errors() -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(f"database error: {_short(exc)}") from exc


def _short(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig) if orig is not None else str(exc).splitlines()[0]


def open_store(db: str | Path | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default create or upgrade) the database: `db`, `HRV_RELAX_DB` or the default."""
    url = make_url(resolve_db_url(db))
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for database {path}: {exc}") from exc
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    store = Store(engine)
    if migrate:
        migrate_to_head(store)
    return store


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
            config = alembic_config(store)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {store.url}: {_short(exc)}") from exc
