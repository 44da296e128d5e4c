"""Clients and users."""

from __future__ import annotations

from sqlalchemy import Connection, Row, insert, select

from hrv_relax.errors import InvalidInputError, NotFoundError
from hrv_relax.records import ClientRecord, UserRecord
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import ROLES, clients, users
from hrv_relax.vocabulary import Role

MAX_NAME_LENGTH = 200


def client_from_row(row: Row[tuple[object, ...]]) -> ClientRecord:
    m = row._mapping
    return ClientRecord(
        id=m["id"],
        name=m["name"],
        therapist_id=m["therapist_id"],
        user_id=m["user_id"],
        notes=m["notes"],
        is_demo=bool(m["is_demo"]),
    )


def clean_name(name: str, what: str = "name") -> str:
    """Strip a person's name and check it is usable; raise StoreError saying why not."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInputError(f"{what} is empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInputError(f"{what} is longer than {MAX_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise InvalidInputError(f"{what} contains control characters")
    return cleaned


def add_client(
    store: Store,
    name: str,
    *,
    therapist_id: int | None = None,
    notes: str = "",
    is_demo: bool = False,
) -> ClientRecord:
    cleaned = clean_name(name, "client name")
    with store.write() as conn:
        if _find_client(conn, cleaned) is not None:
            raise InvalidInputError(f"a client named {cleaned!r} exists already")
        new_id = conn.execute(
            insert(clients).values(
                name=cleaned,
                therapist_id=therapist_id,
                notes=notes,
                is_demo=is_demo,
                created_at=utcnow(),
            )
        ).inserted_primary_key
        assert new_id is not None
        return read_client(conn, int(new_id[0]))


def get_client(store: Store, client_id: int) -> ClientRecord:
    with store.read() as conn:
        return read_client(conn, client_id)


def read_client(conn: Connection, client_id: int) -> ClientRecord:
    """`get_client` in the caller's transaction."""
    row = conn.execute(select(clients).where(clients.c.id == client_id)).first()
    if row is None:
        raise NotFoundError(f"no client with id {client_id}")
    return client_from_row(row)


def find_client(store: Store, name: str) -> ClientRecord | None:
    """The client with this name, ignoring case and spacing; None if there is none."""
    with store.read() as conn:
        return _find_client(conn, name)


def _find_client(conn: Connection, name: str) -> ClientRecord | None:
    cleaned = " ".join(name.split())
    exact = conn.execute(select(clients).where(clients.c.name == cleaned)).first()
    if exact is not None:
        return client_from_row(exact)
    # Case-insensitive in Python: SQLite's lower() folds ASCII only ("Émilie" stays "É").
    key = cleaned.casefold()
    for row in conn.execute(select(clients)):
        if row.name.casefold() == key:
            return client_from_row(row)
    return None


def get_or_add_client(store: Store, name: str, *, therapist_id: int | None = None) -> ClientRecord:
    existing = find_client(store, name)
    return existing or add_client(store, name, therapist_id=therapist_id)


def list_clients(store: Store) -> list[ClientRecord]:
    with store.read() as conn:
        rows = conn.execute(select(clients).order_by(clients.c.name)).all()
    return [client_from_row(r) for r in rows]


def add_user(
    store: Store,
    username: str,
    *,
    role: str,
    display_name: str = "",
    password_hash: str | None = None,
    is_demo: bool = False,
) -> UserRecord:
    if role not in ROLES:
        raise InvalidInputError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    login = username.strip()
    if not login or len(login) > 64 or not login.replace(".", "").replace("-", "").isalnum():
        raise InvalidInputError("user names are 1-64 letters, digits, dots or dashes")
    with store.write() as conn:
        if conn.execute(select(users.c.id).where(users.c.username == login)).first():
            raise InvalidInputError(f"a user named {login!r} exists already")
        conn.execute(
            insert(users).values(
                username=login,
                display_name=clean_name(display_name or login, "display name"),
                role=role,
                password_hash=password_hash,
                active=True,
                is_demo=is_demo,
                created_at=utcnow(),
            )
        )
    user = find_user(store, login)
    assert user is not None
    return user


def find_user(store: Store, username: str) -> UserRecord | None:
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    return None if row is None else user_from_row(row)


def find_user_by_id(store: Store, user_id: int) -> UserRecord | None:
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return None if row is None else user_from_row(row)


def user_from_row(row: Row[tuple[object, ...]]) -> UserRecord:
    m = row._mapping
    return UserRecord(
        id=m["id"],
        username=m["username"],
        display_name=m["display_name"],
        role=Role(m["role"]),
        active=bool(m["active"]),
        is_demo=bool(m["is_demo"]),
    )
