"""Notifications to the case's participants (issue 10 item 2: "the lawyer is notified of
decisions").

Reviewed by hand: the CHECK constraint of ``notification.kind`` (the ``NotificationKind``
enum) gains five kinds -- a decision taken, the determination approved, an appeal decided, a
complaint answered, the return approval withdrawn. No column or row changes; the downgrade
deletes the notifications of those kinds (they cannot be stored under the old constraint)
and restores it.

Revision ID: c4e8a1f2b7d6
Revises: a7c3e5f1d9b4
Create Date: 2026-11-30 05:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c4e8a1f2b7d6"
down_revision = "a7c3e5f1d9b4"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "case_assigned",
    "bid_approved",
    "bid_sent_back",
    "return_approved",
    "last_resort_approved",
    "case_closed",
)
NEW_KINDS = (
    "decision_taken",
    "determination_approved",
    "appeal_decided",
    "complaint_answered",
    "return_approval_withdrawn",
)


def _check(kinds):
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_notification_kind"), type_="check")
        batch_op.create_check_constraint("notification_kind", _check(OLD_KINDS + NEW_KINDS))


def downgrade():
    notification = sa.table("notification", sa.column("kind", sa.String(40)))
    op.execute(notification.delete().where(notification.c.kind.in_(NEW_KINDS)))
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_notification_kind"), type_="check")
        batch_op.create_check_constraint("notification_kind", _check(OLD_KINDS))
