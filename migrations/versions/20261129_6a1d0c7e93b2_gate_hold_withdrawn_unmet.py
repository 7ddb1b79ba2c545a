"""The gate holds until the handover: a withdrawn approval keeps the safeguards found unmet.

Reviewed by hand. Adds one nullable column; existing approvals keep everything they had
(withdrawals made before this migration, on closure or reopening, have no unmet list).

Revision ID: 6a1d0c7e93b2
Revises: 2ce7d1b5b364
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "6a1d0c7e93b2"
down_revision = "2ce7d1b5b364"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("return_approval", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_unmet", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("return_approval", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_unmet")
