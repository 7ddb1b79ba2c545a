"""The case list's indexes carry the ids PostgreSQL needs (issue 16, the 100,000-case run).

Reviewed by hand. Only indexes change; no table and no data.

SQLite stores the rowid in every index entry, so a one-column index on ``case.lead_agency_id``
already answered "an agency's cases, newest first" and one on ``child.country_of_origin``
gave the children of a country in id order. PostgreSQL's B-tree keeps only the listed
columns: at 100,000 cases its case list walked the primary key backwards and filtered on the
agency (220 ms for page 2,760 of the Moldovan caseworker) and its country filter merge-joined
every case with every child. Each one-column index is replaced by the same column plus the
id the list orders or joins on:

- ``case (lead_agency_id)`` -> ``ix_case_agency_id (lead_agency_id, id)``: the list's count,
  its OFFSET pages and its keyset pages from the index alone;
- ``child (country_of_origin)`` -> ``ix_child_country_case (country_of_origin, case_id)``:
  a country's children with their case ids in case order;
- ``participant_request (answered_at, due_on, id)`` -> the same name on ``(due_on, id) WHERE
  answered_at IS NULL``: PostgreSQL takes ``IS NULL`` on a leading column as no equality, so
  the old index did not give the due list's open requests in (due_on, id) order; it sorted all
  of them after hashing the agency's cases (236 ms at 100,000 cases; 1.5 ms now). SQLite
  uses the partial index for the same query (its WHERE holds ``answered_at IS NULL``).

Each new index on ``case`` and ``child`` starts with the column of the one it replaces, so
whatever used the old one (the foreign key's lookups, the other filters) can use the new one.
The title says "the case list"; the due list's requests came up in the same run.

Revision ID: f3b8d2a6c1e4
Revises: f3c8d1a6b2e4
Create Date: 2026-11-30 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f3b8d2a6c1e4"
down_revision = "f3c8d1a6b2e4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_agency_id", "case", ["lead_agency_id", "id"], unique=False)
    op.drop_index("ix_case_lead_agency_id", table_name="case")
    op.create_index(
        "ix_child_country_case", "child", ["country_of_origin", "case_id"], unique=False
    )
    op.drop_index("ix_child_country_of_origin", table_name="child")
    op.drop_index("ix_participant_request_open_due", table_name="participant_request")
    op.create_index(
        "ix_participant_request_open_due",
        "participant_request",
        ["due_on", "id"],
        unique=False,
        sqlite_where=sa.text("answered_at IS NULL"),
        postgresql_where=sa.text("answered_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_participant_request_open_due", table_name="participant_request")
    op.create_index(
        "ix_participant_request_open_due",
        "participant_request",
        ["answered_at", "due_on", "id"],
        unique=False,
    )
    op.create_index("ix_child_country_of_origin", "child", ["country_of_origin"], unique=False)
    op.drop_index("ix_child_country_case", table_name="child")
    op.create_index("ix_case_lead_agency_id", "case", ["lead_agency_id"], unique=False)
    op.drop_index("ix_case_agency_id", table_name="case")
