"""Sign-in throttling without lockout: bursts of anonymous failures, old attempts forgotten.

Reviewed by hand (issue 14, finding 4): ``login_burst`` counts failures on unknown accounts
and refused attempts, audited as one entry per burst; the index on
``login_attempt.occurred_at`` lets old attempts be deleted cheaply. No data changes: the
existing attempts keep counting under the new rules.

Revision ID: b7c41e2d9a05
Revises: 8d2e3f4a5b6c
Create Date: 2026-11-29 22:30:00
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "b7c41e2d9a05"
down_revision = "8d2e3f4a5b6c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_burst",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unknown_failures", sa.Integer(), nullable=False),
        sa.Column("refused_attempts", sa.Integer(), nullable=False),
        sa.Column("audited_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_burst")),
    )
    with op.batch_alter_table("login_burst", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_burst_audited_at"), ["audited_at"], unique=False)
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_occurred_at", ["occurred_at"], unique=False)


def downgrade():
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_occurred_at")
    with op.batch_alter_table("login_burst", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_burst_audited_at"))
    op.drop_table("login_burst")
