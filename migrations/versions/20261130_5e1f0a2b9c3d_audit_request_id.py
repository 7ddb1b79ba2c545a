"""Audit entries carry the id of the web request that recorded them (issue 13 item 6).

Reviewed by hand: one nullable column on ``audit_entry`` and its index, no data touched.
Entries recorded before this migration (and by the command line or background jobs) have
none; their sealed form is unchanged, so every existing chain and bundle still verifies.
``audit_entry`` refuses UPDATE and DELETE by trigger; adding a column is neither.

Revision ID: 5e1f0a2b9c3d
Revises: 5d2a9e7c4b18
Create Date: 2026-11-30 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5e1f0a2b9c3d"
down_revision = "5d2a9e7c4b18"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch copy of the table): the append-only triggers stay as they are.
    op.add_column("audit_entry", sa.Column("request_id", sa.String(length=32), nullable=True))
    op.create_index("ix_audit_entry_request_id", "audit_entry", ["request_id"], unique=False)


def downgrade():
    op.drop_index("ix_audit_entry_request_id", table_name="audit_entry")
    # Not in batch mode: copying the table would drop its append-only triggers on SQLite
    # (DROP COLUMN needs SQLite 3.35 or later).
    op.execute("ALTER TABLE audit_entry DROP COLUMN request_id")
