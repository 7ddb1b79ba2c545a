"""Caseload counts for the home pages at 100,000 cases (issue 16): each caseworker's cases by
stage, opening day and whether a determination is approved, kept by the flush listener in
``caseapp.dashboard.workload`` and read by the team's workload (a supervisor's home) and a
caseworker's count of open cases instead of counting tens of thousands of cases.

Reviewed by hand: one new table, filled here from the cases (the same keys as
``caseapp.dashboard.workload.fresh``; on the 100,000-case benchmark copy: a few seconds);
``flask --app caseapp dashboard recount-workload`` rebuilds it at any time. SQLite and
PostgreSQL both.

Revision ID: c4a7e2d9b1f6
Revises: b7e2d4f6a8c1
Create Date: 2026-11-30 12:30:00
"""

from collections import Counter
from datetime import UTC, date

import sqlalchemy as sa
from alembic import op

revision = "c4a7e2d9b1f6"
down_revision = "b7e2d4f6a8c1"
branch_labels = None
depends_on = None

STAGES = (
    "identified",
    "registered",
    "assessment",
    "determination",
    "decided",
    "return_preparation",
    "return_approved",
    "returned",
    "monitoring",
    "implementation",
    "closed",
)


def _day(opened_at):
    if isinstance(opened_at, str):  # SQLite: stored in UTC as text
        return date.fromisoformat(opened_at[:10])
    return opened_at.astimezone(UTC).date() if opened_at.tzinfo else opened_at.date()


def upgrade():
    table = op.create_table(
        "caseload_count",
        sa.Column("caseworker_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(*STAGES, name="stage", native_enum=False, create_constraint=True, length=40),
            nullable=False,
        ),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("bid_approved", sa.Boolean(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["caseworker_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("caseworker_id", "stage", "opened_on", "bid_approved"),
    )
    rows = op.get_bind().execute(
        sa.text(
            "SELECT c.caseworker_id, c.stage, c.opened_at, EXISTS (SELECT 1 FROM"
            " best_interests_determination b WHERE b.case_id = c.id AND b.status = 'approved')"
            ' FROM "case" c WHERE c.caseworker_id IS NOT NULL'
        )
    )
    counts = Counter((r[0], r[1], _day(r[2]), bool(r[3])) for r in rows)
    op.bulk_insert(
        table,
        [
            {
                "caseworker_id": k[0],
                "stage": k[1],
                "opened_on": k[2],
                "bid_approved": k[3],
                "cases": n,
            }
            for k, n in counts.items()
        ],
    )


def downgrade():
    op.drop_table("caseload_count")
