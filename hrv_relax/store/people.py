"""Clients and users.

Client names are unique within one therapist's clients (and within the clients nobody is
assigned to), ignoring case and spacing: two therapists may each have an "Alex Smith", and a
therapist adding a client never learns whether another therapist has one of that name. Where one
name means several clients, `#N` names client number N.
"""

from __future__ import annotations

import re

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.sql.elements import ColumnElement

from hrv_relax.errors import AmbiguousClientError, InvalidInputError, NotFoundError
from hrv_relax.records import ClientRecord, UserRecord
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.schema import ROLES, clients, users
from hrv_relax.vocabulary import Role

MAX_NAME_LENGTH = 200
_CLIENT_NUMBER = re.compile(r"#([0-9]{1,10})")


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


def name_key(name: str) -> str:
    """What makes two client names the same: spacing and case ignored (Unicode case folding,
    which SQL's lower() does not do for non-ASCII letters)."""
    return " ".join(name.split()).casefold()


def clean_client_name(name: str) -> str:
    cleaned = clean_name(name, "client name")
    if _CLIENT_NUMBER.fullmatch(cleaned):
        raise InvalidInputError(f"{cleaned!r} names client number {cleaned[1:]}, not a new client")
    return cleaned


def _same_therapist(therapist_id: int | None) -> ColumnElement[bool]:
    """The clients of this therapist (None: the clients assigned to nobody)."""
    if therapist_id is None:
        return clients.c.therapist_id.is_(None)
    return clients.c.therapist_id == therapist_id


def clients_named(
    conn: Connection, name: str, within: ColumnElement[bool] | None = None
) -> list[ClientRecord]:
    """The clients called `name` (or the one numbered `#N`), among `within` (None: all)."""
    number = _CLIENT_NUMBER.fullmatch(name.strip())
    if number is not None:
        query = select(clients).where(clients.c.id == int(number.group(1)))
    else:
        query = select(clients).where(clients.c.name_key == name_key(name))
    if within is not None:
        query = query.where(within)
    return [client_from_row(r) for r in conn.execute(query.order_by(clients.c.id))]


def no_such_client(reference: str) -> str:
    """What to say when no client has this name (or number)."""
    cleaned = reference.strip()
    if _CLIENT_NUMBER.fullmatch(cleaned):
        return f"no client numbered {cleaned}"
    return f"no client named {cleaned!r}"


def ambiguity(found: list[ClientRecord]) -> str:
    """Why a name does not say which client is meant (the clients are the asker's to see)."""
    numbers = ", ".join(f"#{c.id}" for c in found)
    return (
        f"{len(found)} clients are named {found[0].name!r} ({numbers}): "
        f"give the one you mean by its number, e.g. {'#' + str(found[-1].id)!r}"
    )


def only_client(found: list[ClientRecord]) -> ClientRecord | None:
    """The one client found, None for none; AmbiguousClientError for several."""
    if len(found) > 1:
        raise AmbiguousClientError(ambiguity(found))
    return found[0] if found else None


def add_client(
    store: Store,
    name: str,
    *,
    therapist_id: int | None = None,
    notes: str = "",
    is_demo: bool = False,
) -> ClientRecord:
    cleaned = clean_client_name(name)
    with store.write() as conn:
        return _insert_client(conn, cleaned, therapist_id, notes=notes, is_demo=is_demo)


def _insert_client(
    conn: Connection,
    cleaned: str,
    therapist_id: int | None,
    *,
    notes: str = "",
    is_demo: bool = False,
) -> ClientRecord:
    if clients_named(conn, cleaned, _same_therapist(therapist_id)):
        raise InvalidInputError(f"a client named {cleaned!r} exists already")
    new_id = conn.execute(
        insert(clients).values(
            name=cleaned,
            name_key=name_key(cleaned),
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
    """The client with this name (case and spacing ignored) or number (`#N`); None if there is
    none; AmbiguousClientError when several clients have the name."""
    with store.read() as conn:
        return only_client(clients_named(conn, name))


def get_or_add_client(
    store: Store,
    name: str,
    *,
    therapist_id: int | None = None,
    within: ColumnElement[bool] | None = None,
) -> ClientRecord:
    """The client called `name` among `within` (the asker's scope; None: all), else a new
    client of `therapist_id`, in one transaction.

    The therapist's own client of that name comes first; otherwise the only one in scope;
    several in scope: AmbiguousClientError. Clients outside `within` are never looked at, so
    the answer says nothing about them.
    """
    with store.write() as conn:
        found = clients_named(conn, name, within)
        own = [c for c in found if therapist_id is not None and c.therapist_id == therapist_id]
        chosen = only_client(own or found)
        if chosen is not None:
            return chosen
        if _CLIENT_NUMBER.fullmatch(name.strip()):
            raise NotFoundError(no_such_client(name))
        return _insert_client(conn, clean_client_name(name), therapist_id)


def move_client(conn: Connection, client: ClientRecord, therapist_id: int) -> None:
    """Assign a client to a therapist, unless that therapist has a client of the same name."""
    same = clients_named(conn, client.name, _same_therapist(therapist_id))
    for other in (c for c in same if c.id != client.id):
        raise InvalidInputError(
            f"that therapist has a client named {client.name!r} already (#{other.id}): "
            "two clients of one therapist cannot share a name"
        )
    conn.execute(update(clients).where(clients.c.id == client.id).values(therapist_id=therapist_id))


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
