"""summary_figures, summary_segments: the history's figures of each cached summary

The history page decoded every session's whole summary JSON to show ten of its numbers. They
now have rows of their own beside the summary, written with its JSON: one per summary in
`summary_figures` and one per marked technique or pressure stretch in `summary_segments`.
Summaries cached before have none: they are marked stale here and recomputed, figures and
all, on the next visit to the history (as after any change of the analysis).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

#: What a summary cached before this revision is marked with: no analysis has this version.
STALE_VERSION = "before-0006"


def _summary_id() -> sa.Column[int]:
    return sa.Column("summary_id", sa.Integer(), nullable=False)


def _summary_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["summary_id"],
        ["session_summaries.id"],
        name=op.f(f"fk_{table}_summary_id_session_summaries"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "summary_figures",
        _summary_id(),
        *(
            sa.Column(name, sa.Float(), nullable=True)
            for name in (
                "duration_s",
                "artifact_pct",
                "baseline_ln_rmssd",
                "baseline_hr_bpm",
                "ln_rmssd_change",
                "ln_rmssd_change_low",
                "ln_rmssd_change_high",
                "rmssd_change_pct",
                "hr_change_bpm",
            )
        ),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        _summary_fk("summary_figures"),
        sa.PrimaryKeyConstraint("summary_id", name=op.f("pk_summary_figures")),
    )
    op.create_table(
        "summary_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        _summary_id(),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("ln_rmssd_change", sa.Float(), nullable=True),
        sa.Column("hr_change_bpm", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=32), nullable=True),
        _summary_fk("summary_segments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_segments")),
    )
    op.create_index("ix_summary_segments_summary", "summary_segments", ["summary_id"])
    op.execute(
        sa.text("UPDATE session_summaries SET analysis_version = :stale").bindparams(
            stale=STALE_VERSION
        )
    )


def downgrade() -> None:
    op.drop_index("ix_summary_segments_summary", table_name="summary_segments")
    op.drop_table("summary_segments")
    op.drop_table("summary_figures")
