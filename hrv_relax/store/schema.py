"""The database schema (SQLAlchemy Core). Alembic migrations in `migrations/` create it.

Times: `*_at` columns are timezone-aware UTC datetimes; `t_s` columns are seconds from the
session's `started_at` (a float, so beat timing keeps sub-millisecond resolution).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)

from hrv_relax.vocabulary import ACCOUNT_ROLES, MarkerKind, Phase, SessionSource, SessionStatus

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

ROLES = tuple(r.value for r in ACCOUNT_ROLES)
SESSION_STATUSES = tuple(s.value for s in SessionStatus)
SESSION_SOURCES = tuple(s.value for s in SessionSource)
MARKER_KINDS = tuple(k.value for k in MarkerKind)
PHASES = tuple(p.value for p in Phase)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A datetime stored as UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store: use timezone-aware UTC")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255)),
    Column("active", Boolean, nullable=False, default=True),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint(f"role IN {ROLES}", name="role"),
)

clients = Table(
    "clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    # people.name_key(name): unique per therapist (0: assigned to nobody), not practice-wide.
    Column("name_key", String(800), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("therapist_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("notes", Text, nullable=False, default=""),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
)
Index(
    "uq_clients_therapist_name",
    func.coalesce(clients.c.therapist_id, 0),
    clients.c.name_key,
    unique=True,
)

straps = Table(
    "straps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(64), nullable=False, unique=True),
    Column("name", String(200), nullable=False, default=""),
    Column("battery_pct", Integer),
    Column("body_location", String(32)),
    Column("last_seen_at", UtcDateTime),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("therapist_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("strap_id", ForeignKey("straps.id", ondelete="SET NULL")),
    Column("source", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    # Written by the recorder with every commit; a stale heartbeat means the recorder died.
    Column("heartbeat_at", UtcDateTime),
    Column("stop_requested", Boolean, nullable=False, default=False),
    Column("recorder_host", String(255)),
    Column("recorder_pid", Integer),
    Column("notes", Text, nullable=False, default=""),
    Column("import_digest", String(64)),
    # A complete session's beat count, stored as it ends (its beats no longer change); NULL
    # while it may still get beats (recording, interrupted): those are read from their last seq.
    Column("final_beats", Integer),
    CheckConstraint(f"status IN {SESSION_STATUSES}", name="status"),
    CheckConstraint(f"source IN {SESSION_SOURCES}", name="source"),
    Index("ix_sessions_client_started", "client_id", "started_at"),
    Index("ix_sessions_status", "status"),
)

beats = Table(
    "beats",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    # Position of the beat in the session (0, 1, 2...): makes every beat storable exactly once.
    Column("seq", Integer, nullable=False),
    Column("t_s", Float, nullable=False),
    Column("rr_ms", Float, nullable=False),
    Column("bpm", Integer),
    Column("contact", Boolean),
    UniqueConstraint("session_id", "seq", name="uq_beats_session_seq"),
)

markers = Table(
    "markers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("t_s", Float, nullable=False),
    Column("end_t_s", Float),
    Column("kind", String(16), nullable=False),
    Column("value", String(500), nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", ForeignKey("users.id", ondelete="SET NULL")),
    CheckConstraint(f"kind IN {MARKER_KINDS}", name="kind"),
    Index("ix_markers_session_t", "session_id", "t_s"),
)

# The recorder's view of the strap and link, rewritten about once a second while recording.
session_live = Table(
    "session_live",
    metadata,
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("link", String(16), nullable=False),
    Column("bpm", Integer),
    Column("contact", Boolean),
    Column("battery_pct", Integer),
    Column("frames_ok", Integer, nullable=False, default=0),
    Column("frames_malformed", Integer, nullable=False, default=0),
    Column("last_frame", LargeBinary),
)

session_summaries = Table(
    "session_summaries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("scope", String(64), nullable=False),
    Column("analysis_version", String(32), nullable=False),
    Column("computed_at", UtcDateTime, nullable=False),
    Column("data", JSON, nullable=False),
    UniqueConstraint("session_id", "scope", name="uq_session_summaries_session_scope"),
)

# The few figures of a cached summary that the history page shows, written with its JSON
# (NULL where not computable) and kept apart from it: the page reads these narrow rows without
# reading or decoding the JSON. The main phase (the massage) against the baseline; `verdict`
# NULL: no comparison.
summary_figures = Table(
    "summary_figures",
    metadata,
    Column(
        "summary_id",
        ForeignKey("session_summaries.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("duration_s", Float),
    Column("artifact_pct", Float),
    Column("baseline_ln_rmssd", Float),
    Column("baseline_hr_bpm", Float),
    Column("ln_rmssd_change", Float),
    Column("ln_rmssd_change_low", Float),
    Column("ln_rmssd_change_high", Float),
    Column("rmssd_change_pct", Float),
    Column("hr_change_bpm", Float),
    Column("verdict", String(32)),
)

# Each marked technique or pressure stretch of a cached summary, against the baseline (NULL:
# not judged, e.g. held too briefly): what the history compares, without decoding `data`.
summary_segments = Table(
    "summary_segments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("summary_id", ForeignKey("session_summaries.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("value", String(500), nullable=False),
    Column("ln_rmssd_change", Float),
    Column("hr_change_bpm", Float),
    Column("verdict", String(32)),
    Index("ix_summary_segments_summary", "summary_id"),
)

# Practice-wide settings an admin changes (e.g. whether therapists share clients), as text.
settings = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Every login attempt, kept so the lockout survives restarts and holds across dashboard
# processes. `username` is what was typed (cut to 64 characters), not a foreign key: attempts
# on names that do not exist are limited the same way, so the lockout reveals nothing.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("success", Boolean, nullable=False),
    # Where the attempt came from (the browser's address): many names tried from one place
    # are throttled together. "" when unknown (the command line).
    Column("client", String(64), nullable=False, server_default=""),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_client_at", "client", "at"),
)

AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "denied",
    "user_added",
    "user_changed",
    "client_deleted",
    "client_linked",
    "export",
    "setting_changed",
)

# Who did what to whom: logins, denials, account changes, exports and deletions. `username` is
# copied so the entry still says who acted after the account is gone.
# One row per browser signed in: the browser presents a random cookie, this keeps its SHA-256.
# Ended (signed out, idle, account disabled, password reset) rows stay for the audit trail.
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("browser_digest", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_active_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    Column("end_reason", String(32)),
    Index("ix_sign_ins_browser", "browser_digest"),
    Index("ix_sign_ins_user", "user_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("username", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("target", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
    Index("ix_audit_log_at", "at"),
)
