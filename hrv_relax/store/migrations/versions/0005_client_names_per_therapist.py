"""clients: names unique per therapist, not practice-wide

Two therapists may each have a client of the same name, and adding one no longer tells a
therapist that another therapist's client has it. `name_key` is the name with spacing and case
folded (Unicode case folding, done here in Python as the application does it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_INDEX = "uq_clients_therapist_name"


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def upgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=800), nullable=True))
    conn = op.get_bind()
    for client_id, name in conn.execute(sa.text("SELECT id, name FROM clients")).all():
        conn.execute(
            sa.text("UPDATE clients SET name_key = :key WHERE id = :id"),
            {"key": _key(name), "id": client_id},
        )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("name_key", existing_type=sa.String(length=800), nullable=False)
        batch_op.drop_constraint("uq_clients_name", type_="unique")
    op.create_index(
        _INDEX, "clients", [sa.text("coalesce(therapist_id, 0)"), "name_key"], unique=True
    )


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="clients")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("name_key")
        batch_op.create_unique_constraint("uq_clients_name", ["name"])
