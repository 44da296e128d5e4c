"""Accounts: users, their passwords' hashes, login attempts, client links, client deletion.

Everything a person changes here goes through an admin `Viewer` (or SYSTEM) and the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Select,
    Table,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)

from hrv_relax.config import parse_zone
from hrv_relax.errors import InvalidInputError, NotFoundError
from hrv_relax.records import ClientRecord, UserRecord, Viewer
from hrv_relax.store.access import require_admin
from hrv_relax.store.audit import write_audit, write_audit_as
from hrv_relax.store.clock import utcnow
from hrv_relax.store.engine import Store
from hrv_relax.store.people import (
    add_user,
    client_from_row,
    find_client,
    find_user,
    move_client,
    no_such_client,
    user_from_row,
)
from hrv_relax.store.schema import (
    beats,
    clients,
    login_attempts,
    session_summaries,
    sessions,
    summary_figures,
    summary_segments,
    users,
)
from hrv_relax.store.settings import (
    CLINIC_NAME,
    SHARE_CLIENTS,
    TIME_ZONE,
    read_setting,
    write_setting,
)
from hrv_relax.store.sign_ins import DISABLED, PASSWORD_RESET, end_user_sign_ins
from hrv_relax.vocabulary import Role

MAX_USERNAME = 64
MAX_CLIENT_KEY = 64
# PostgreSQL: reservations of sign-in attempts take this transaction-level advisory lock, so
# two laptops cannot both pass the throttle with the same last free attempt ("hrl" in ASCII).
PG_ATTEMPT_LOCK = 0x68726C


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login checks: the user (None if unknown) and the stored hash."""

    user: UserRecord | None
    password_hash: str | None


@dataclass(frozen=True, slots=True)
class DeletedClient:
    name: str
    n_sessions: int
    n_beats: int


def attempt_key(username: str) -> str:
    """The name login attempts are counted under (what was typed, trimmed and cut)."""
    return username.strip()[:MAX_USERNAME]


def credentials(store: Store, username: str) -> Credentials:
    key = attempt_key(username)
    with store.read() as conn:
        row = conn.execute(select(users).where(users.c.username == key)).first()
    if row is None:
        return Credentials(None, None)
    return Credentials(user_from_row(row), row.password_hash)


@dataclass(frozen=True, slots=True)
class AttemptHistory:
    """The failed sign-ins a new attempt is judged by (in-flight attempts count as failed)."""

    name_failures: tuple[dt.datetime, ...]  # on this name, since its last success
    client_failures: tuple[dt.datetime, ...]  # from this client, on any name


def _name_failures(
    conn: Connection, key: str, since: dt.datetime, *, besides: int | None
) -> list[dt.datetime]:
    last_ok = conn.execute(
        select(func.max(login_attempts.c.at)).where(
            login_attempts.c.username == key, login_attempts.c.success.is_(True)
        )
    ).scalar()
    start = since if last_ok is None else max(since, _aware(last_ok))
    query = select(login_attempts.c.at).where(
        login_attempts.c.username == key,
        login_attempts.c.success.is_(False),
        login_attempts.c.at > start,
    )
    if besides is not None:
        query = query.where(login_attempts.c.id != besides)
    return [_aware(t) for t in conn.execute(query).scalars()]


def _client_failures(
    conn: Connection, client: str, since: dt.datetime, *, besides: int
) -> list[dt.datetime]:
    rows = conn.execute(
        select(login_attempts.c.at).where(
            login_attempts.c.client == client,
            login_attempts.c.success.is_(False),
            login_attempts.c.at > since,
            login_attempts.c.id != besides,
        )
    ).scalars()
    return [_aware(t) for t in rows]


def reserve_attempt(
    store: Store,
    username: str,
    *,
    client: str,
    at: dt.datetime,
    since: dt.datetime,
    refuse: Callable[[AttemptHistory], Exception | None],
) -> int:
    """Book a sign-in attempt before its password is checked; its id, or `refuse`'s error.

    The attempt is written as failed first and the history read after, in one transaction
    that holds the database's write lock (SQLite) or an advisory lock (PostgreSQL): of many
    attempts arriving together, from one process or several laptops, each sees every earlier
    one, so no more than the throttle's limit are ever checked. `finish_attempt` records the
    outcome; an attempt whose process died stays a failure.
    """
    key = attempt_key(username)
    where = client[:MAX_CLIENT_KEY]
    with store.write() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_ATTEMPT_LOCK})
        # Writing first takes SQLite's write lock before anything is read.
        attempt_id = int(
            conn.execute(
                insert(login_attempts)
                .values(username=key, at=at, success=False, client=where)
                .returning(login_attempts.c.id)
            ).scalar_one()
        )
        history = AttemptHistory(
            name_failures=tuple(_name_failures(conn, key, since, besides=attempt_id)),
            client_failures=tuple(_client_failures(conn, where, since, besides=attempt_id))
            if where
            else (),
        )
        refusal = refuse(history)
        if refusal is not None:
            raise refusal  # rolls the booking back: a refused attempt is not counted
    return attempt_id


def finish_attempt(
    store: Store, attempt_id: int, username: str, *, success: bool, user_id: int | None
) -> None:
    """Record how a booked attempt ended, and audit it (never saying whether the name exists)."""
    with store.write() as conn:
        if success:
            conn.execute(
                update(login_attempts).where(login_attempts.c.id == attempt_id).values(success=True)
            )
        write_audit(
            conn,
            user_id=user_id if success else None,
            username=attempt_key(username),
            action="login" if success else "login_failed",
        )


def _aware(value: dt.datetime) -> dt.datetime:
    # func.max() bypasses the column type on SQLite: the zone comes back dropped.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def store_new_hash(store: Store, user_id: int, password_hash: str) -> None:
    """Replace a hash at login (stronger parameters): the password itself is unchanged."""
    with store.write() as conn:
        conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def list_users(store: Store, viewer: Viewer) -> list[UserRecord]:
    require_admin(store, viewer, "list users")
    with store.read() as conn:
        return [user_from_row(r) for r in conn.execute(select(users).order_by(users.c.username))]


def count_users(store: Store) -> int:
    """How many accounts exist (none: the dashboard explains how to create the first admin)."""
    with store.read() as conn:
        return int(conn.execute(select(func.count(users.c.id))).scalar_one())


def create_user(
    store: Store,
    viewer: Viewer,
    username: str,
    *,
    role: str,
    password_hash: str,
    display_name: str = "",
    client_name: str | None = None,
    is_demo: bool = False,
) -> UserRecord:
    """Add an account; a client account is linked to the client record `client_name`."""
    require_admin(store, viewer, "add users")
    if role == Role.CLIENT and not client_name:
        raise InvalidInputError(
            "a client login needs the client record it belongs to (--client NAME)"
        )
    client = None
    if client_name:
        client = find_client(store, client_name)
        if client is None:
            raise NotFoundError(no_such_client(client_name))
        if client.user_id is not None:
            raise InvalidInputError(f"client {client.name!r} has a login already")
    user = add_user(
        store,
        username,
        role=role,
        display_name=display_name,
        password_hash=password_hash,
        is_demo=is_demo,
    )
    with store.write() as conn:
        write_audit_as(conn, viewer, "user_added", target=user.username, detail=f"role {role}")
        if client is not None:
            _link(conn, viewer, client, user)
    return user


def _link(conn: Connection, viewer: Viewer, client: ClientRecord, user: UserRecord) -> None:
    conn.execute(update(clients).where(clients.c.id == client.id).values(user_id=user.id))
    write_audit_as(
        conn, viewer, "client_linked", target=f"client {client.id}", detail=f"login {user.username}"
    )


def _existing(store: Store, username: str) -> UserRecord:
    user = find_user(store, username)
    if user is None:
        raise NotFoundError(f"no user named {username!r}")
    return user


def set_active(store: Store, viewer: Viewer, username: str, active: bool) -> UserRecord:
    """Disable (nobody can sign in as it; its sign-ins end at once) or enable."""
    require_admin(store, viewer, "disable or enable users")
    user = _existing(store, username)
    if not active and user.id == viewer.user_id:
        raise InvalidInputError("you cannot disable your own account")
    with store.write() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(active=active))
        if not active:
            end_user_sign_ins(conn, user.id, DISABLED)
        write_audit_as(
            conn,
            viewer,
            "user_changed",
            target=user.username,
            detail="enabled" if active else "disabled",
        )
    return _existing(store, username)


def set_password_hash(store: Store, viewer: Viewer, username: str, password_hash: str) -> None:
    require_admin(store, viewer, "reset passwords")
    user = _existing(store, username)
    with store.write() as conn:
        conn.execute(update(users).where(users.c.id == user.id).values(password_hash=password_hash))
        end_user_sign_ins(conn, user.id, PASSWORD_RESET)  # whoever knew the old one is out
        # Counts as a success for the lockout: a reset lifts a lock at once.
        conn.execute(
            insert(login_attempts).values(username=user.username, at=utcnow(), success=True)
        )
        write_audit_as(conn, viewer, "user_changed", target=user.username, detail="password reset")


def assign_therapist(store: Store, viewer: Viewer, client_name: str, therapist: str) -> None:
    """Make `therapist` the client's therapist (who then sees the client's sessions)."""
    require_admin(store, viewer, "assign clients")
    client = find_client(store, client_name)
    if client is None:
        raise NotFoundError(no_such_client(client_name))
    user = _existing(store, therapist)
    if user.role != Role.THERAPIST:
        raise InvalidInputError(f"{user.username!r} is not a therapist")
    with store.write() as conn:
        move_client(conn, client, user.id)
        write_audit_as(
            conn,
            viewer,
            "client_linked",
            target=f"client {client.id}",
            detail=f"therapist {user.username}",
        )


def linked_client(store: Store, user_id: int) -> ClientRecord | None:
    """The client record a client login belongs to."""
    with store.read() as conn:
        row = conn.execute(select(clients).where(clients.c.user_id == user_id)).first()
    return None if row is None else client_from_row(row)


def delete_client(store: Store, viewer: Viewer, client_id: int) -> DeletedClient:
    """Delete a client with every session, beat, marker and summary, and their login. Final."""
    require_admin(store, viewer, "delete clients")
    with store.write() as conn:
        row = conn.execute(select(clients).where(clients.c.id == client_id)).first()
        if row is None:
            raise NotFoundError(f"no client with id {client_id}")
        session_ids = select(sessions.c.id).where(sessions.c.client_id == client_id)
        n_sessions = conn.execute(
            select(func.count()).select_from(session_ids.subquery())
        ).scalar_one()
        n_beats = conn.execute(
            select(func.count(beats.c.id)).where(beats.c.session_id.in_(session_ids))
        ).scalar_one()
        # Children first: the same on both backends, whatever the foreign-key pragma.
        summary_ids = select(session_summaries.c.id).where(
            session_summaries.c.session_id.in_(session_ids)
        )
        for child in (summary_figures, summary_segments):
            conn.execute(delete(child).where(child.c.summary_id.in_(summary_ids)))
        for table in ("session_summaries", "session_live", "markers", "beats"):
            child = sessions.metadata.tables[table]
            conn.execute(delete(child).where(child.c.session_id.in_(session_ids)))
        conn.execute(delete(sessions).where(sessions.c.client_id == client_id))
        conn.execute(delete(clients).where(clients.c.id == client_id))
        if row.user_id is not None:
            # The client's own login goes too: it would give access to nothing.
            conn.execute(
                delete(users).where(users.c.id == row.user_id, users.c.role == Role.CLIENT)
            )
        write_audit_as(
            conn,
            viewer,
            "client_deleted",
            target=f"client {client_id}",
            detail=f"{n_sessions} sessions, {n_beats} beats",
        )
    return DeletedClient(name=row.name, n_sessions=int(n_sessions), n_beats=int(n_beats))


def therapists_share(store: Store) -> bool:
    with store.read() as conn:
        return read_setting(conn, SHARE_CLIENTS) == "1"


def set_therapists_share(store: Store, viewer: Viewer, share: bool) -> None:
    require_admin(store, viewer, "change the practice's settings")
    with store.write() as conn:
        write_setting(conn, SHARE_CLIENTS, "1" if share else "0")
        write_audit_as(
            conn, viewer, "setting_changed", target=SHARE_CLIENTS, detail="on" if share else "off"
        )


#: The longest clinic name kept (it heads the report's first page).
MAX_CLINIC_NAME = 120


def set_time_zone(store: Store, viewer: Viewer, name: str) -> None:
    """Set the clinic's IANA time zone ("" for the server's own); an unknown name is refused."""
    require_admin(store, viewer, "change the practice's settings")
    value = name.strip()
    if value:
        value = parse_zone(value).key
    _write_practice_setting(store, viewer, TIME_ZONE, value)


def set_clinic_name(store: Store, viewer: Viewer, name: str) -> None:
    """Set the practice's name printed on reports ("" for none)."""
    require_admin(store, viewer, "change the practice's settings")
    value = " ".join(name.split())
    if len(value) > MAX_CLINIC_NAME:
        raise InvalidInputError(f"the clinic name is longer than {MAX_CLINIC_NAME} characters")
    _write_practice_setting(store, viewer, CLINIC_NAME, value)


def _write_practice_setting(store: Store, viewer: Viewer, key: str, value: str) -> None:
    with store.write() as conn:
        write_setting(conn, key, value)
        write_audit_as(conn, viewer, "setting_changed", target=key, detail=value or "(cleared)")


def demo_only(store: Store) -> bool:
    """Whether the database holds demo accounts and clients only, and at least one account."""
    counts = demo_counts(store)
    return counts.accounts > 0 and counts.is_demo_only


@dataclass(frozen=True, slots=True)
class DemoCounts:
    """How many accounts and clients a database holds, and how many the demo did not make."""

    accounts: int
    clients: int
    real_accounts: int
    real_clients: int

    @property
    def is_demo_only(self) -> bool:
        return self.real_accounts == 0 and self.real_clients == 0


def _demo_count(table: Table) -> Select[int, int]:
    """How many rows, and how many not made by the demo."""
    return select(func.count(table.c.id), func.count(table.c.id).filter(table.c.is_demo.is_(False)))


def demo_counts(store: Store) -> DemoCounts:
    """The counts; an empty database (no tables yet, opened without migrating) holds none."""
    with store.read() as conn:
        if not inspect(conn).has_table(users.name):
            return DemoCounts(accounts=0, clients=0, real_accounts=0, real_clients=0)
        n_users, n_real_users = conn.execute(
            select(
                func.count(users.c.id), func.count(users.c.id).filter(users.c.is_demo.is_(False))
            )
        ).one()
        n_clients, n_real_clients = conn.execute(
            select(
                func.count(clients.c.id),
                func.count(clients.c.id).filter(clients.c.is_demo.is_(False)),
            )
        ).one()
    return DemoCounts(
        accounts=int(n_users),
        clients=int(n_clients),
        real_accounts=int(n_real_users),
        real_clients=int(n_real_clients),
    )
