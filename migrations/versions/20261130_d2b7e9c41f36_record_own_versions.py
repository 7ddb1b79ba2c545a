"""Return preparation, decision and monitoring records get their own optimistic lock
(issue 12 item 2), as the best-interests assessment has since c4d5e6f7a8b9.

Reviewed by hand: one integer column per table, existing rows start at version 1 (server
default), so no data is touched or lost. On SQLite ``add_column`` is a plain ALTER TABLE
ADD COLUMN (no table rebuild); on PostgreSQL likewise.

- coordination, reintegration_plan, travel_plan, consent, monitoring_plan: return
  preparation's one-per-case records;
- decision_notice, appeal, complaint: the decision's records;
- monitoring_visit: a visit and its report.

Revision ID: d2b7e9c41f36
Revises: c4e9a2b7f6d1
Create Date: 2026-11-30 05:25:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d2b7e9c41f36"
down_revision = "c4e9a2b7f6d1"
branch_labels = None
depends_on = None

TABLES = (
    "coordination",
    "reintegration_plan",
    "travel_plan",
    "consent",
    "monitoring_plan",
    "decision_notice",
    "appeal",
    "complaint",
    "monitoring_visit",
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
