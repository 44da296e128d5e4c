"""sessions.final_beats: a finished session's beat count, stored when it ends

Listing sessions counted every beat of every listed session: about 50 ms for 300 one-hour
sessions, growing with the clinic's years, on every visit to the sessions, review and live
pages. A complete session's beats no longer change, so their count is now stored when it ends
(by the recorder's end, or by an import, which writes a complete session at once). A session
still recording, or interrupted (it may yet come back), is read from its last beat (its seqs
run 0, 1, 2... without holes): one index lookup. The sessions complete before this revision
are counted here, once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("final_beats", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE sessions SET final_beats ="
        " (SELECT count(*) FROM beats WHERE beats.session_id = sessions.id)"
        " WHERE status = 'complete'"
    )


def downgrade() -> None:
    # Not a batch (a copied table): SQLite would drop the old one, and its beats with it.
    op.execute("ALTER TABLE sessions DROP COLUMN final_beats")
