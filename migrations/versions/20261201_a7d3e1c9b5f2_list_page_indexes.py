"""Indexes for lists and checks at 100,000 cases (issue 16): a user's notifications by id,
the incoming returns by id, a participant's assignments in force by id and by case, and the
ended guardian appointments and legal representatives.

Reviewed by hand: six new indexes, two of them replacing shorter ones (their prefixes), two
partial (SQLite and PostgreSQL both have partial indexes), no column or data change; a plain CREATE INDEX on SQLite and PostgreSQL (on the 100,000-case benchmark copy:
under a second each).

- ``ix_notification_user_id`` (user_id, id): the notifications page lists a user's
  notifications newest first, a page at a time (``dashboard.home.notifications_page``). The
  only index on them was ``(user_id, read_at, id)``, for the unread count, which gives them in
  read-time order, so the database fetched every one (61,536 for one caseworker of the
  benchmark), joined each to its case and child and sorted them for the 31 it shows: 81 ms.
- ``ix_exchange_link_incoming`` (incoming, id): the incoming returns, newest first a page at
  a time (``exchange.queries.incoming_returns``). Without it SQLite probed the links of every
  case of the agency (69,228 in the benchmark) and sorted the matches: 3.7 ms with none.
- ``ix_participant_assignment_user_ended_id`` (user_id, ended_at, id) replaces
  ``ix_participant_assignment_user_ended`` (user_id, ended_at), a prefix of it: a
  participant's home page lists their assignments in force newest first, a page at a time
  (``participants.queries.assignments_of``). SQLite's index carried the id already (the
  rowid); PostgreSQL's needs it to read them in order instead of sorting tens of thousands
  (a Central Authority officer's, ~41,000 in the benchmark).
- ``ix_participant_assignment_case_user`` (case_id, user_id, ended_at) replaces
  ``ix_participant_assignment_case_id`` (case_id): whether a participant is assigned to a case,
  which each of their pages asks (and their notifications, for the page's cases). SQLite, which
  keeps no statistics, preferred the user's index (two columns matched) to the case's (one)
  and read every assignment of the user: 15 ms a page for the Central Authority officer.
- ``ix_guardian_appointment_ended`` and ``ix_legal_representative_ended`` (id, partial:
  ``ended_on IS NOT NULL``): whether an assignment is in force (``Assignment.in_force_sql``)
  asks whether its appointment has ended; PostgreSQL answered with an anti-join that read
  every appointment and every representative (~60,000 each): 17 of the 18 ms of a
  participant's home page. With the index it reads the ended ones only.

Revision ID: a7d3e1c9b5f2
Revises: c4a7e2d9b1f6
Create Date: 2026-12-01 15:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7d3e1c9b5f2"
down_revision = "c4a7e2d9b1f6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notification_user_id", "notification", ["user_id", "id"], unique=False)
    op.create_index("ix_exchange_link_incoming", "exchange_link", ["incoming", "id"], unique=False)
    op.create_index(
        "ix_participant_assignment_user_ended_id",
        "participant_assignment",
        ["user_id", "ended_at", "id"],
        unique=False,
    )
    op.drop_index("ix_participant_assignment_user_ended", table_name="participant_assignment")
    op.create_index(
        "ix_participant_assignment_case_user",
        "participant_assignment",
        ["case_id", "user_id", "ended_at"],
        unique=False,
    )
    op.drop_index("ix_participant_assignment_case_id", table_name="participant_assignment")
    for table in ("guardian_appointment", "legal_representative"):
        op.create_index(
            f"ix_{table}_ended",
            table,
            ["id"],
            unique=False,
            sqlite_where=sa.text("ended_on IS NOT NULL"),
            postgresql_where=sa.text("ended_on IS NOT NULL"),
        )


def downgrade():
    for table in ("guardian_appointment", "legal_representative"):
        op.drop_index(f"ix_{table}_ended", table_name=table)
    op.create_index(
        "ix_participant_assignment_case_id", "participant_assignment", ["case_id"], unique=False
    )
    op.drop_index("ix_participant_assignment_case_user", table_name="participant_assignment")
    op.create_index(
        "ix_participant_assignment_user_ended",
        "participant_assignment",
        ["user_id", "ended_at"],
        unique=False,
    )
    op.drop_index("ix_participant_assignment_user_ended_id", table_name="participant_assignment")
    op.drop_index("ix_exchange_link_incoming", table_name="exchange_link")
    op.drop_index("ix_notification_user_id", table_name="notification")
