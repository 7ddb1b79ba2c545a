"""Indexes for two lists at 100,000 cases (issue 16): a user's notifications by id, and the
incoming returns by id.

Reviewed by hand: two new indexes, no column or data change; a plain CREATE INDEX on SQLite
and PostgreSQL (on the 100,000-case benchmark copy: under a second).

- ``ix_notification_user_id`` (user_id, id): the notifications page lists a user's
  notifications newest first, a page at a time (``dashboard.home.notifications_page``). The
  only index on them was ``(user_id, read_at, id)``, for the unread count, which gives them in
  read-time order, so the database fetched every one (61,536 for one caseworker of the
  benchmark), joined each to its case and child and sorted them for the 31 it shows: 81 ms.
- ``ix_exchange_link_incoming`` (incoming, id): the incoming returns, newest first a page at
  a time (``exchange.queries.incoming_returns``). Without it SQLite probed the links of every
  case of the agency (69,228 in the benchmark) and sorted the matches: 3.7 ms with none.

Revision ID: a7d3e1c9b5f2
Revises: c4a7e2d9b1f6
Create Date: 2026-12-01 15:00:00
"""

from alembic import op

revision = "a7d3e1c9b5f2"
down_revision = "c4a7e2d9b1f6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notification_user_id", "notification", ["user_id", "id"], unique=False)
    op.create_index("ix_exchange_link_incoming", "exchange_link", ["incoming", "id"], unique=False)


def downgrade():
    op.drop_index("ix_exchange_link_incoming", table_name="exchange_link")
    op.drop_index("ix_notification_user_id", table_name="notification")
