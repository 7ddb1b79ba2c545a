"""Password-reset links: one row per link sent, only the token's SHA-256 stored (issue 12).

Reviewed by hand: a new table, no existing data touched.

Revision ID: 7a3c91d2e4b5
Revises: 6a1d0c7e93b2
Create Date: 2026-11-29 22:40:00
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "7a3c91d2e4b5"
down_revision = "6a1d0c7e93b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "password_reset_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_password_reset_token_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_token_hash")),
    )
    with op.batch_alter_table("password_reset_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_password_reset_token_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("password_reset_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_token_user_id"))
    op.drop_table("password_reset_token")
