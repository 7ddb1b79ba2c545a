"""Saved case-list searches: the post/redirect/get key of the case list (issue 12 item 1).

Reviewed by hand: a new table, no existing data touched.

Revision ID: b8e2f4a61c07
Revises: 7a3c91d2e4b5
Create Date: 2026-11-29 22:55:00
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "b8e2f4a61c07"
down_revision = "7a3c91d2e4b5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_search",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_saved_search_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_search")),
        sa.UniqueConstraint("key", name=op.f("uq_saved_search_key")),
    )
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_search_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("saved_search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_search_user_id"))
    op.drop_table("saved_search")
