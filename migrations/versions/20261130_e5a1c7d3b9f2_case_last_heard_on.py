"""The day each case's child was last heard, on the case, with the due list's index
(issue 16; 002, Rec 1).

Reviewed by hand: one nullable date column on ``case`` and one index; existing rows are filled
from the hearings already recorded (the latest ``held_on`` of each case; None where the child
was never heard), so no data is lost. From here on ``caseapp.assessment.hearings.note_hearing``
keeps it when a hearing is recorded. On SQLite ``add_column`` is a plain ALTER TABLE ADD
COLUMN (no table rebuild); on PostgreSQL likewise. The backfill is one correlated UPDATE,
valid on both.

Revision ID: e5a1c7d3b9f2
Revises: d2b7e9c41f36
Create Date: 2026-11-30 06:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c7d3b9f2"
down_revision = "d2b7e9c41f36"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("case", sa.Column("last_heard_on", sa.Date(), nullable=True))
    op.execute(
        'UPDATE "case" SET last_heard_on = '
        '(SELECT max(hearing.held_on) FROM hearing WHERE hearing.case_id = "case".id)'
        ' WHERE EXISTS (SELECT 1 FROM hearing WHERE hearing.case_id = "case".id)'
    )
    op.create_index(
        "ix_case_agency_stage_heard",
        "case",
        ["lead_agency_id", "stage", "last_heard_on"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_case_agency_stage_heard", table_name="case")
    with op.batch_alter_table("case") as batch_op:
        batch_op.drop_column("last_heard_on")
