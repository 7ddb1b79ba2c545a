"""A user's saved searches by time: ``ix_saved_search_user_created`` (user_id, created_at)
replaces ``ix_saved_search_user_id`` (user_id).

Reviewed by hand: one index dropped, one made; no data changes. Saving a search deletes the
user's searches older than a day (``caseapp.cases.search.save_search``). By the user alone
that read every search the user made that day to find the old ones: a name search on the
benchmark's PostgreSQL database read 6,348 rows (1.5 ms) on every search (issue 16: a
search's cost grew with the searches made before it). The pair reads the expired ones only;
its leading column serves whatever the old index served (the foreign key, a user's rows).

Revision ID: c3e8a6d2f9b5
Revises: a5c9e3f7b1d4
Create Date: 2026-12-04 22:10:00
"""

from alembic import op

revision = "c3e8a6d2f9b5"
down_revision = "a5c9e3f7b1d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_saved_search_user_created", "saved_search", ["user_id", "created_at"], unique=False
    )
    op.drop_index("ix_saved_search_user_id", table_name="saved_search")


def downgrade():
    op.create_index("ix_saved_search_user_id", "saved_search", ["user_id"], unique=False)
    op.drop_index("ix_saved_search_user_created", table_name="saved_search")
