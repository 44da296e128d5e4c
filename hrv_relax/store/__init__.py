"""The store: the only place that speaks SQL. SQLite by default, PostgreSQL for a clinic."""

from hrv_relax.records import (
    Beat,
    BeatArrays,
    ClientRecord,
    LiveStatus,
    MarkerRecord,
    SessionRecord,
    UserRecord,
)
from hrv_relax.store.beats import append_beats, load_beats, next_seq
from hrv_relax.store.engine import Store, open_store
from hrv_relax.store.live import live_row, read_live, write_live_rows
from hrv_relax.store.markers import add_marker, insert_marker, list_markers
from hrv_relax.store.people import (
    add_client,
    add_user,
    find_client,
    find_user,
    get_client,
    get_or_add_client,
    list_clients,
)
from hrv_relax.store.sessions import (
    create_session,
    finish_session,
    get_session,
    heartbeat,
    list_sessions,
    request_stop,
    sweep_interrupted,
)

__all__ = [
    "Beat",
    "BeatArrays",
    "ClientRecord",
    "LiveStatus",
    "MarkerRecord",
    "SessionRecord",
    "Store",
    "UserRecord",
    "add_client",
    "add_marker",
    "add_user",
    "append_beats",
    "create_session",
    "find_client",
    "find_user",
    "finish_session",
    "get_client",
    "get_or_add_client",
    "get_session",
    "heartbeat",
    "insert_marker",
    "list_clients",
    "list_markers",
    "list_sessions",
    "live_row",
    "load_beats",
    "next_seq",
    "open_store",
    "read_live",
    "request_stop",
    "sweep_interrupted",
    "write_live_rows",
]
