"""When each consent was last recorded (``consent.recorded_at``), for the last resorts' waiting.

Reviewed by hand: one nullable time column on ``consent``, filled from the audit trail; one
index, ``(non_voluntary, last_resort_approved_by_id, recorded_at, id)``. No other table
changes. Downgrade drops both.

Why (issue 16): a supervisor's home page lists the approvals waiting for them, the longest
waiting first; a last resort waits from its consent's last ``consent:record`` entry. Read
from the trail, every non-voluntary return of the agency awaiting approval was timed and
sorted before the first fifteen could be shown: 106 ms a page with the 3,200 of the
100,000-case benchmark (by the action's index, which SQLite chose until today, 200 s). The
column is set by ``record_consent`` in the same transaction as its entry, so the page reads
the index in order and stops at its fifteenth.

Filled with, for every consent: the time of its newest ``consent:record`` entry (the case's
entries, read by the case's index: the action as an expression), the value the page showed
until now; NULL where the trail has none (never on a database written by the app).

Revision ID: d7e3a1c5f9b2
Revises: b2d4f6a8c0e1
Create Date: 2026-12-04 17:00:00
"""

import sqlalchemy as sa
from alembic import op

from caseapp.core.db import UTCDateTime

revision = "d7e3a1c5f9b2"
down_revision = "b2d4f6a8c0e1"
branch_labels = None
depends_on = None

INDEX = "ix_consent_last_resort_since"
FROM_TRAIL = """UPDATE consent SET recorded_at = (
    SELECT max(a.occurred_at) FROM audit_entry a
    WHERE a.case_id = consent.case_id
      AND a.action || '' = 'consent:record'
      AND a.object_type = 'Consent'
      AND a.object_id = consent.id
)"""


def upgrade():
    op.add_column("consent", sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=True))
    op.create_index(
        INDEX,
        "consent",
        ["non_voluntary", "last_resort_approved_by_id", "recorded_at", "id"],
        unique=False,
    )
    op.execute(FROM_TRAIL)


def downgrade():
    op.drop_index(INDEX, table_name="consent")
    op.drop_column("consent", "recorded_at")
