"""The best-interests assessment gets its own optimistic lock (issue 12 item 2).

Reviewed by hand: one column, existing assessments start at version 1 (server default), so
no data is touched or lost.

Revision ID: c4d5e6f7a8b9
Revises: b8e2f4a61c07
Create Date: 2026-11-29 23:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c4d5e6f7a8b9"
down_revision = "b8e2f4a61c07"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("best_interests_assessment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("best_interests_assessment", schema=None) as batch_op:
        batch_op.drop_column("version")
