"""The indicators computed ahead (issue 16 item 2): one stored snapshot of every figure per
scope (all cases, or one agency's) and period, read by the indicators page.

Reviewed by hand: one new table, nothing else changes; the same on SQLite and PostgreSQL.
No data to migrate: the page computes a missing snapshot, ``flask indicators refresh`` fills
them all.

Revision ID: b7e2d4f6a8c1
Revises: f3b8d2a6c1e4
Create Date: 2026-11-30 12:50:00
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "b7e2d4f6a8c1"
down_revision = "f3b8d2a6c1e4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("computed_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_snapshot")),
        sa.UniqueConstraint(
            "scope",
            "period_start",
            "period_end",
            name=op.f("uq_indicator_snapshot_scope_period_start_period_end"),
        ),
    )


def downgrade():
    op.drop_table("indicator_snapshot")
