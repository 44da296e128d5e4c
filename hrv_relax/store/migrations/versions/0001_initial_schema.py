"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hrv_relax.store.schema

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "straps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("battery_pct", sa.Integer(), nullable=True),
        sa.Column("body_location", sa.String(length=32), nullable=True),
        sa.Column("last_seen_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_straps")),
        sa.UniqueConstraint("address", name=op.f("uq_straps_address")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'therapist', 'client')", name=op.f("ck_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("therapist_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["users.id"],
            name=op.f("fk_clients_therapist_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_clients_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("name", name=op.f("uq_clients_name")),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("therapist_id", sa.Integer(), nullable=True),
        sa.Column("strap_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=True),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("recorder_host", sa.String(length=255), nullable=True),
        sa.Column("recorder_pid", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("import_digest", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "source IN ('simulated', 'ble', 'import')", name=op.f("ck_sessions_source")
        ),
        sa.CheckConstraint(
            "status IN ('recording', 'complete', 'interrupted')", name=op.f("ck_sessions_status")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_sessions_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["strap_id"],
            ["straps.id"],
            name=op.f("fk_sessions_strap_id_straps"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["therapist_id"],
            ["users.id"],
            name=op.f("fk_sessions_therapist_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_client_started", ["client_id", "started_at"], unique=False
        )
        batch_op.create_index("ix_sessions_status", ["status"], unique=False)

    op.create_table(
        "beats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("t_s", sa.Float(), nullable=False),
        sa.Column("rr_ms", sa.Float(), nullable=False),
        sa.Column("bpm", sa.Integer(), nullable=True),
        sa.Column("contact", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_beats_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beats")),
        sa.UniqueConstraint("session_id", "seq", name="uq_beats_session_seq"),
    )
    op.create_table(
        "markers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("t_s", sa.Float(), nullable=False),
        sa.Column("end_t_s", sa.Float(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("created_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('phase', 'technique', 'pressure', 'region', 'note', 'gap')",
            name=op.f("ck_markers_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_markers_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_markers_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markers")),
    )
    with op.batch_alter_table("markers", schema=None) as batch_op:
        batch_op.create_index("ix_markers_session_t", ["session_id", "t_s"], unique=False)

    op.create_table(
        "session_live",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.Column("link", sa.String(length=16), nullable=False),
        sa.Column("bpm", sa.Integer(), nullable=True),
        sa.Column("contact", sa.Boolean(), nullable=True),
        sa.Column("battery_pct", sa.Integer(), nullable=True),
        sa.Column("frames_ok", sa.Integer(), nullable=False),
        sa.Column("frames_malformed", sa.Integer(), nullable=False),
        sa.Column("last_frame", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_live_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_live")),
    )
    op.create_table(
        "session_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("analysis_version", sa.String(length=32), nullable=False),
        sa.Column("computed_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_summaries_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_summaries")),
        sa.UniqueConstraint("session_id", "scope", name="uq_session_summaries_session_scope"),
    )


def downgrade() -> None:
    op.drop_table("session_summaries")
    op.drop_table("session_live")
    with op.batch_alter_table("markers", schema=None) as batch_op:
        batch_op.drop_index("ix_markers_session_t")

    op.drop_table("markers")
    op.drop_table("beats")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_sessions_status")
        batch_op.drop_index("ix_sessions_client_started")

    op.drop_table("sessions")
    op.drop_table("clients")
    op.drop_table("users")
    op.drop_table("straps")
