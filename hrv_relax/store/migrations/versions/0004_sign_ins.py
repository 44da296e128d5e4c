"""sign_ins: server-side sign-in sessions, one per signed-in browser

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hrv_relax.store.schema

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("browser_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_active_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("ended_at", hrv_relax.store.schema.UtcDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_ins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
    )
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.create_index("ix_sign_ins_browser", ["browser_digest"], unique=False)
        batch_op.create_index("ix_sign_ins_user", ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_ins_user")
        batch_op.drop_index("ix_sign_ins_browser")
    op.drop_table("sign_ins")
