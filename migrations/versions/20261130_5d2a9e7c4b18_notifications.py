"""Notifications and the e-mail digest choice (issue 12 item 3); the version at which a
case's stage last changed, for per-record locking (issue 12 item 2).

Reviewed by hand: two new tables and one new column. A notification names its recipient,
the case and what happened; the digest table holds who asked for the e-mail.
``case.stage_version`` starts at each case's current version, the cautious choice: a record
form loaded before the upgrade is refused once and reloaded, never saved over a stage change.

Revision ID: 5d2a9e7c4b18
Revises: 3b7e0a9c51d2
Create Date: 2026-11-30 01:40:00
"""

import sqlalchemy as sa
from alembic import op

import caseapp.core.db

revision = "5d2a9e7c4b18"
down_revision = "3b7e0a9c51d2"
branch_labels = None
depends_on = None

KINDS = (
    "case_assigned",
    "bid_approved",
    "bid_sent_back",
    "return_approved",
    "last_resort_approved",
    "case_closed",
)


def upgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("stage_version", sa.Integer(), server_default="1", nullable=False)
        )
    op.execute('UPDATE "case" SET stage_version = version')
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *KINDS,
                name="notification_kind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_notification_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_notification_case_id_case")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_notification_actor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_notification_user_unread", ["user_id", "read_at", "id"], unique=False
        )
    op.create_table(
        "digest_subscription",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_sent_at", caseapp.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_digest_subscription_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_digest_subscription")),
    )


def downgrade():
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("stage_version")
    op.drop_table("digest_subscription")
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index("ix_notification_user_unread")
        batch_op.drop_index(batch_op.f("ix_notification_case_id"))
    op.drop_table("notification")
