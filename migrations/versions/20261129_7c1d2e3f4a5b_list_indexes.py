"""Indexes for the lists that must not grow with the number of cases (issue 16).

Reviewed by hand. Only adds indexes; no data changes.

- ``case (lead_agency_id, stage, id)``: an agency's cases at one stage, in id order (the
  approval queue's return-preparation cases, the case list filtered by stage; keyset on id);
- ``case (lead_agency_id, opened_at, id)``: an agency's cases by opening date (the due list's
  cases over the time limit for a determination, oldest first, keyset on (opened_at, id));
- ``hearing (case_id, held_on)``: a case's latest hearing (the due list's stale hearings);
- ``best_interests_determination (status, submitted_at, id)``: determinations awaiting
  approval, longest waiting first (the queue);
- ``consent (non_voluntary, last_resort_approved_by_id, id)``: last resorts awaiting a second
  supervisor (the queue);
- ``decision_notice (appeal_deadline, id)``: appeal deadlines passing (the due list);
- ``monitoring_visit (due_on, id) WHERE visited_on IS NULL``: overdue visits (the due list).

Revision ID: 7c1d2e3f4a5b
Revises: e1c4a7b9d2f0
Create Date: 2026-11-29 23:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7c1d2e3f4a5b"
down_revision = "e1c4a7b9d2f0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_agency_stage", "case", ["lead_agency_id", "stage", "id"])
    op.create_index("ix_case_agency_opened", "case", ["lead_agency_id", "opened_at", "id"])
    op.create_index("ix_hearing_case_held", "hearing", ["case_id", "held_on"])
    op.create_index(
        "ix_bid_status_submitted", "best_interests_determination", ["status", "submitted_at", "id"]
    )
    op.create_index(
        "ix_consent_last_resort", "consent", ["non_voluntary", "last_resort_approved_by_id", "id"]
    )
    op.create_index("ix_decision_notice_deadline", "decision_notice", ["appeal_deadline", "id"])
    op.create_index(
        "ix_monitoring_visit_pending",
        "monitoring_visit",
        ["due_on", "id"],
        sqlite_where=sa.text("visited_on IS NULL"),
        postgresql_where=sa.text("visited_on IS NULL"),
    )


def downgrade():
    op.drop_index("ix_monitoring_visit_pending", table_name="monitoring_visit")
    op.drop_index("ix_decision_notice_deadline", table_name="decision_notice")
    op.drop_index("ix_consent_last_resort", table_name="consent")
    op.drop_index("ix_bid_status_submitted", table_name="best_interests_determination")
    op.drop_index("ix_hearing_case_held", table_name="hearing")
    op.drop_index("ix_case_agency_opened", table_name="case")
    op.drop_index("ix_case_agency_stage", table_name="case")
