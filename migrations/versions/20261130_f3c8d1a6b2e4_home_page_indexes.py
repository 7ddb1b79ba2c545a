"""Indexes for the home pages at 100,000 cases (issue 16): a caseworker's cases by last
change (with the stage, so the open ones are counted from the index) and by opening date,
and children by date of birth.

Reviewed by hand: three new indexes, no column or data change; on SQLite and PostgreSQL a
plain CREATE INDEX (on the 100,000-case benchmark copy: a few seconds). Without them SQLite,
which keeps no statistics, read every case of the caseworker (tens of thousands) and sorted
them for each of the home page's lists, and scanned every child for the 18th birthdays.

Revision ID: f3c8d1a6b2e4
Revises: e5a1c7d3b9f2
Create Date: 2026-11-30 09:30:00
"""

from alembic import op

revision = "f3c8d1a6b2e4"
down_revision = "e5a1c7d3b9f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_case_worker_updated",
        "case",
        ["caseworker_id", "updated_at", "id", "stage"],
        unique=False,
    )
    op.create_index(
        "ix_case_worker_opened", "case", ["caseworker_id", "opened_at", "id"], unique=False
    )
    op.create_index("ix_child_date_of_birth", "child", ["date_of_birth"], unique=False)


def downgrade():
    op.drop_index("ix_child_date_of_birth", table_name="child")
    op.drop_index("ix_case_worker_opened", table_name="case")
    op.drop_index("ix_case_worker_updated", table_name="case")
