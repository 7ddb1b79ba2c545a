"""Drop ``ix_child_country_case`` (child: country_of_origin, case_id): no page reads it now.

Reviewed by hand: one index dropped, no column or data change; a plain DROP INDEX on SQLite
and PostgreSQL.

The index served the case list filtered by the child's country (migration f3b8d2a6c1e4).
Since migration b4e9c2d7f1a3 the list reads the copy on the case (``case.child_country``,
kept by triggers on ``child``; indexes ``ix_case_agency_country`` and ``ix_case_country``),
and no page filters, joins or orders children by their country. Measured on the
100,000-case PostgreSQL benchmark database (issue 16), with the index put back and the
statistics reset: after every page of ``benchmarks/pages.py`` had been requested,
``pg_stat_user_indexes`` counted 12 scans of it, all from the indicators' refresh (one
``flask indicators refresh`` of its 24 scopes makes the same 12). That refresh took
6.15-6.42 s with the index and 5.82-6.24 s without it (three runs each): no reader needs
it. Each insert of a child, and each change of a child's country, no longer writes it.

Revision ID: e1f5a9c3d7b2
Revises: b4e9c2d7f1a3
Create Date: 2026-12-02 16:20:00
"""

from alembic import op

revision = "e1f5a9c3d7b2"
down_revision = "b4e9c2d7f1a3"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_child_country_case", table_name="child")


def downgrade():
    op.create_index(
        "ix_child_country_case", "child", ["country_of_origin", "case_id"], unique=False
    )
