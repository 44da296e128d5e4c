"""Access rules: every read of clients, sessions, beats, markers and summaries for a person.

Each function takes the `Viewer` asking (built at login, or `SYSTEM` for the recorder and the
local command-line operator) and returns only what that viewer may see:

- admin and SYSTEM: everything;
- therapist: the clients assigned to them, or every client when the practice shares clients
  (a setting an admin changes);
- client: only the client record linked to their login, read-only.

Anything outside the viewer's scope raises NotFoundError with the same words as a record that
does not exist, so probing ids tells nothing; the denial is logged and written to the audit log.
The unscoped functions of this package (`get_session`, `load_beats`...) are the system's own:
the recorder, migrations and these rules use them; pages and view models never do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select, true
from sqlalchemy.sql.elements import ColumnElement

from hrv_relax.errors import AccessDeniedError, NotFoundError
from hrv_relax.records import (
    ADMIN_ROLES,
    BeatArrays,
    ClientRecord,
    LiveStatus,
    MarkerRecord,
    SessionRecord,
    Viewer,
)
from hrv_relax.store.audit import audit_as
from hrv_relax.store.beats import load_beats, read_beats
from hrv_relax.store.engine import Store
from hrv_relax.store.live import read_live, read_live_row
from hrv_relax.store.markers import add_marker, list_markers, read_markers, undo_marker
from hrv_relax.store.people import (
    client_from_row,
    clients_named,
    get_client,
    get_or_add_client,
    only_client,
    read_client,
)
from hrv_relax.store.schema import clients
from hrv_relax.store.sessions import (
    get_session,
    list_sessions,
    read_session,
    request_stop,
    sweep_interrupted,
)
from hrv_relax.store.settings import SHARE_CLIENTS, read_setting
from hrv_relax.vocabulary import Role

MAX_ID = 2**31  # ids are INTEGER: 32 bits on PostgreSQL


def _scope(conn: Connection, viewer: Viewer) -> ColumnElement[bool] | None:
    """A condition on `clients` selecting what the viewer sees; None: everything."""
    if viewer.role in ADMIN_ROLES:
        return None
    if viewer.role == Role.THERAPIST:
        if read_setting(conn, SHARE_CLIENTS) == "1":
            return None
        return clients.c.therapist_id == viewer.user_id
    if viewer.role == Role.CLIENT and viewer.user_id is not None:
        return clients.c.user_id == viewer.user_id
    return ~true()


def _sees(conn: Connection, viewer: Viewer, client_id: int) -> bool:
    """Whether the viewer may see this client, in the caller's transaction."""
    scope = _scope(conn, viewer)
    return (
        scope is None
        or conn.execute(select(clients.c.id).where(scope, clients.c.id == client_id)).first()
        is not None
    )


def visible_client_ids(store: Store, viewer: Viewer) -> list[int] | None:
    """Ids of the clients the viewer may see; None when that is every client."""
    with store.read() as conn:
        scope = _scope(conn, viewer)
        if scope is None:
            return None
        return [int(i) for i in conn.execute(select(clients.c.id).where(scope)).scalars()]


def narrow(visible: list[int] | None, wanted: Sequence[int] | None) -> list[int] | None:
    """The wanted client ids the viewer may see (None: no narrowing at all)."""
    if visible is None:
        return None if wanted is None else list(wanted)
    if wanted is None:
        return visible
    allowed = set(visible)
    return [i for i in wanted if i in allowed]


def deny(store: Store, viewer: Viewer, what: str, ident: object) -> NotFoundError:
    """Log and audit a denied read; return the error to raise (worded as "not found")."""
    _record_denial(store, viewer, f"{what} {ident}"[:200])
    return NotFoundError(f"no {what} with id {ident}")


def _record_denial(store: Store, viewer: Viewer, target: str) -> None:
    audit_as(store, viewer, "denied", target=target)


def visible_clients(store: Store, viewer: Viewer) -> list[ClientRecord]:
    with store.read() as conn:
        scope = _scope(conn, viewer)
        query = select(clients).order_by(clients.c.name)
        if scope is not None:
            query = query.where(scope)
        return [client_from_row(r) for r in conn.execute(query)]


def _real_id(what: str, ident: int) -> None:
    """NotFoundError for an id no row can have (the databases' INTEGER is 32 or 64 bits)."""
    if not 0 < ident < MAX_ID:
        raise NotFoundError(f"no {what} with id {ident}")


def visible_client(store: Store, viewer: Viewer, client_id: int) -> ClientRecord:
    _real_id("client", client_id)
    visible = visible_client_ids(store, viewer)
    if visible is not None and client_id not in visible:
        raise deny(store, viewer, "client", client_id)
    return get_client(store, client_id)


def find_visible_client(store: Store, viewer: Viewer, name: str) -> ClientRecord | None:
    """The visible client with this name (case and spacing ignored) or number (`#N`), else
    None; AmbiguousClientError when several visible clients have the name."""
    with store.read() as conn:
        scope = _scope(conn, viewer)
        found = clients_named(conn, name, scope)
    return only_client(found)


def visible_sessions(
    store: Store,
    viewer: Viewer,
    *,
    client_id: int | None = None,
    statuses: Sequence[str] = (),
    limit: int | None = None,
) -> list[SessionRecord]:
    """The viewer's sessions, newest first (a client id outside the scope gives none)."""
    return list_sessions(
        store,
        client_id=client_id,
        client_ids=visible_client_ids(store, viewer),
        statuses=statuses,
        limit=limit,
    )


def visible_session(store: Store, viewer: Viewer, session_id: int) -> SessionRecord:
    """One session, or NotFoundError if it does not exist or is not the viewer's to see."""
    _real_id("session", session_id)
    session = get_session(store, session_id)
    visible = visible_client_ids(store, viewer)
    if visible is not None and session.client_id not in visible:
        raise deny(store, viewer, "session", session_id)
    return session


def visible_beats(
    store: Store, viewer: Viewer, session_id: int, *, after_seq: int = -1
) -> BeatArrays:
    visible_session(store, viewer, session_id)
    return load_beats(store, session_id, after_seq=after_seq)


def visible_markers(store: Store, viewer: Viewer, session_id: int) -> list[MarkerRecord]:
    visible_session(store, viewer, session_id)
    return list_markers(store, session_id)


@dataclass(frozen=True, slots=True)
class LiveRead:
    """What one live-page refresh reads: the session, its markers and live status, new beats."""

    session: SessionRecord  # n_beats: the beats read so far, these new ones included
    markers: tuple[MarkerRecord, ...]
    status: LiveStatus | None
    new_beats: BeatArrays  # seq > after_seq


def visible_live_read(
    store: Store, viewer: Viewer, session_id: int, *, after_seq: int = -1
) -> LiveRead:
    """One refresh's reads of one of the viewer's sessions, in one transaction: the session
    (stale recordings swept once), its beats after `after_seq`, its markers and live row."""
    _real_id("session", session_id)
    sweep_interrupted(store)
    with store.read() as conn:
        new_beats = read_beats(conn, session_id, after_seq=after_seq)
        session = read_session(conn, session_id)
        visible = _sees(conn, viewer, session.client_id)
        markers = tuple(read_markers(conn, session_id)) if visible else ()
        status = read_live_row(conn, session_id) if visible else None
    if not visible:
        raise deny(store, viewer, "session", session_id)
    return LiveRead(session, markers, status, new_beats)


@dataclass(frozen=True, slots=True)
class SessionRead:
    """One session as the review reads it, once: the session, its client, beats and markers."""

    session: SessionRecord
    client: ClientRecord
    beats: BeatArrays
    markers: tuple[MarkerRecord, ...]


def visible_session_read(store: Store, viewer: Viewer, session_id: int) -> SessionRead:
    """One of the viewer's sessions with its client, beats and markers, in one transaction
    (NotFoundError when it does not exist or is not theirs to see)."""
    _real_id("session", session_id)
    sweep_interrupted(store)
    with store.read() as conn:
        session = read_session(conn, session_id)
        visible = _sees(conn, viewer, session.client_id)
        if visible:
            client = read_client(conn, session.client_id)
            beats = read_beats(conn, session_id)
            markers = tuple(read_markers(conn, session_id))
    if not visible:  # the denial is written after the read transaction ends
        raise deny(store, viewer, "session", session_id)
    return SessionRead(session, client, beats, markers)


def visible_live(store: Store, viewer: Viewer, session_id: int) -> LiveStatus | None:
    visible_session(store, viewer, session_id)
    return read_live(store, session_id)


def require_writer(store: Store, viewer: Viewer, action: str) -> None:
    """AccessDeniedError (audited) unless the viewer may change data."""
    if not viewer.can_write:
        _record_denial(store, viewer, action)
        raise AccessDeniedError(f"your account can only read: it cannot {action}")


def require_admin(store: Store, viewer: Viewer, action: str) -> None:
    """AccessDeniedError (audited) unless the viewer is an admin (or the local operator)."""
    if not viewer.is_admin:
        _record_denial(store, viewer, action)
        raise AccessDeniedError(f"only an admin can {action}")


def mark_session(
    store: Store, viewer: Viewer, session_id: int, kind: str, value: str = ""
) -> MarkerRecord:
    """Put a marker on one of the viewer's sessions that is recording."""
    visible_session(store, viewer, session_id)
    require_writer(store, viewer, "mark sessions")
    return add_marker(store, session_id, kind, value, created_by=viewer.user_id)


def unmark_session(store: Store, viewer: Viewer, session_id: int, marker_id: int) -> MarkerRecord:
    """Undo a marker the viewer put on one of their recording sessions a moment ago."""
    visible_session(store, viewer, session_id)
    require_writer(store, viewer, "mark sessions")
    if all(m.id != marker_id for m in list_markers(store, session_id)):
        raise NotFoundError(f"no marker with id {marker_id} on session {session_id}")
    return undo_marker(store, marker_id, user_id=viewer.user_id, username=viewer.username)


def stop_session(store: Store, viewer: Viewer, session_id: int) -> None:
    """Ask the recorder of one of the viewer's sessions to stop."""
    visible_session(store, viewer, session_id)
    require_writer(store, viewer, "stop sessions")
    request_stop(store, session_id)


def client_for_recording(store: Store, viewer: Viewer, name: str) -> ClientRecord:
    """The viewer's client of this name (or `#N`), created (assigned to a therapist viewer) if
    the viewer has none.

    Names are unique per therapist: only clients the viewer sees are looked at, so a name
    another therapist's client has gives this therapist a client of their own, and says
    nothing about the other.
    """
    require_writer(store, viewer, "add clients or sessions")
    with store.read() as conn:
        scope = _scope(conn, viewer)
    therapist_id = viewer.user_id if viewer.role == Role.THERAPIST else None
    return get_or_add_client(store, name, therapist_id=therapist_id, within=scope)


def local_operator(os_user: str) -> Viewer:
    """SYSTEM, named after the operating-system account running `hrv-relax` (for the audit)."""
    return Viewer(
        user_id=None,
        username=f"local:{os_user}"[:64],
        role=Role.SYSTEM,
        display_name="Local operator",
    )
