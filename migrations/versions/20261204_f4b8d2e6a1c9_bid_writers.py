"""Everyone who wrote a determination: ``bid_writer`` (four eyes, 002 Rec 2; UNHCR BIP).

Reviewed by hand: one new table, ``bid_writer`` (id, bid_id, user_id; unique per BID and
user; deleted with its BID; indexed by user for the approval queues), filled from what is
already recorded. No column of an existing table changes.

Why: the four-eyes rule read only ``author_id``, who opened the BID. Anyone who may edit the
case may change and submit the draft, so a supervisor who wrote and submitted a
determination someone else had opened could approve it, and then the return resting on it.
The operations now record each writer (``determination.operations._edit_draft``), and the
rule reads them all (``BestInterestsDetermination.writer_ids``): S10, the BID's review, the
return approval, the last-resort approval and the approval queues.

Filled with, for every BID: its author; and every user whose audit entry changed or
submitted it (``bid:draft:update``, ``bid:submit`` on a ``BestInterestsDetermination``).
Not filled: the writers of a withdrawn BID whose content a later draft copied (the draft's
``bid:draft:create`` entry names the BID it copied); new drafts record them from now on.
After the upgrade, a BID approved by one of its writers leaves S10 unmet: its return cannot
be approved, and an approval already given is refused at the handover, which evaluates the
gate again (issue 9, principle 6).

Revision ID: f4b8d2e6a1c9
Revises: c6d2a8f4e1b9
Create Date: 2026-12-04 06:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "f4b8d2e6a1c9"
down_revision = "c6d2a8f4e1b9"
branch_labels = None
depends_on = None

FROM_AUTHORS = "INSERT INTO bid_writer (bid_id, user_id) SELECT id, author_id FROM best_interests_determination"
FROM_AUDIT = """INSERT INTO bid_writer (bid_id, user_id)
    SELECT DISTINCT a.object_id, a.actor_id
    FROM audit_entry a
    JOIN best_interests_determination b ON b.id = a.object_id
    JOIN user_account u ON u.id = a.actor_id
    WHERE a.object_type = 'BestInterestsDetermination'
      AND a.action IN ('bid:draft:update', 'bid:submit')
      AND a.actor_id <> b.author_id"""


def upgrade():
    op.create_table(
        "bid_writer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bid_id"],
            ["best_interests_determination.id"],
            name=op.f("fk_bid_writer_bid_id_best_interests_determination"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_bid_writer_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_writer")),
        sa.UniqueConstraint("bid_id", "user_id", name=op.f("uq_bid_writer_bid_id_user_id")),
    )
    op.create_index(op.f("ix_bid_writer_user_id"), "bid_writer", ["user_id"], unique=False)
    op.execute(FROM_AUTHORS)
    op.execute(FROM_AUDIT)


def downgrade():
    op.drop_index(op.f("ix_bid_writer_user_id"), table_name="bid_writer")
    op.drop_table("bid_writer")
