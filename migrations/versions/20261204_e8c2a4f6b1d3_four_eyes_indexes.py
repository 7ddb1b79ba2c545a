"""Indexes for the last resorts' four eyes on PostgreSQL: who uploaded a document, who opened a
determination.

Reviewed by hand: two single-column indexes, ``ix_document_uploaded_by_id`` and
``ix_best_interests_determination_author_id`` (the models' ``index=True``); no data changes.
Downgrade drops both.

Why (issue 16): the supervisor's queue and home page list the last resorts they may approve,
leaving out a return that is their own work (``gate.data.not_own_return_work_sql``,
``determination.models.case_not_written_by_sql``): documents they attached to the return's
evidence, determinations they opened. Without an index on either user column, PostgreSQL
read all 82,000 documents and all 56,000 determinations of the 100,000-case benchmark once
per page to find the supervisor's (none): the query 33.6 ms, the queue at 48.8x and the home
page at 44.8x the bare route. With them, 1.4 ms (``EXPLAIN ANALYZE``). SQLite goes on reading
both by the case (the user column written unindexed there, as the audit entries' actor).

Revision ID: e8c2a4f6b1d3
Revises: d7e3a1c5f9b2
Create Date: 2026-12-04 19:45:00
"""

from alembic import op

revision = "e8c2a4f6b1d3"
down_revision = "d7e3a1c5f9b2"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_document_uploaded_by_id", "document", "uploaded_by_id"),
    ("ix_best_interests_determination_author_id", "best_interests_determination", "author_id"),
)


def upgrade():
    for name, table, column in INDEXES:
        op.create_index(name, table, [column], unique=False)


def downgrade():
    for name, table, _column in INDEXES:
        op.drop_index(name, table_name=table)
