"""Case numbers found by any part from an index (issue 16, item 5).

Reviewed by hand. Guarded by dialect; no table of the models changes and no data is touched.

- SQLite: the FTS5 table ``case_number_fts`` (trigram tokenizer, contentless, rowid = case
  id), filled from every existing case; the app keeps it in step (``caseapp.cases.number_index``).
- PostgreSQL: the ``pg_trgm`` extension and a GIN trigram index on ``case.number``, which
  serves ``LIKE '%...%'`` (creating the extension needs a superuser or a trusted extension:
  pg_trgm is trusted since PostgreSQL 13).

Revision ID: c4e9a2b7f6d1
Revises: c4e8a1f2b7d6
Create Date: 2026-11-30 05:30:00
"""

from alembic import op

revision = "c4e9a2b7f6d1"
down_revision = "c4e8a1f2b7d6"
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE case_number_fts USING fts5(number, content='', tokenize='trigram')"
        )
        op.execute('INSERT INTO case_number_fts(rowid, number) SELECT id, number FROM "case"')
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute('CREATE INDEX ix_case_number_trgm ON "case" USING gin (number gin_trgm_ops)')


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE case_number_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_case_number_trgm")
        # The extension stays: other databases objects may use it.
