"""The writers of a determination whose content a later draft copied are writers of the copy.

Reviewed by hand: data only, no table or column changes. Follows f4b8d2e6a1c9, which filled
``bid_writer`` from the BIDs' authors and their ``bid:draft:update`` and ``bid:submit``
entries but not, for a draft opened before ``bid_writer`` existed, the writers of the
withdrawn BID whose content it copied. New drafts record them
(``determination.operations._new_draft``); this fills the drafts made before.

Why (four eyes, 002 Rec 2; UNHCR BIP; DESIGN.md section 1, "never their own work"): a
supervisor who wrote a determination that was withdrawn and copied into a new draft could
otherwise approve the copy of their own text, and then the return resting on it.

Filled from the trail: each ``bid:draft:create`` entry whose diff names the BID it copied
(``"copied_from": [null, id]``), oldest first, so a copy of a copy gets the writers of both;
each writer once (``uq_bid_writer_bid_id_user_id``). An entry naming a BID that no longer
exists adds nothing. After the upgrade a copy approved by one of those writers leaves S10
unmet, as f4b8d2e6a1c9 describes. Downgrade removes nothing: the rows are true either way.

Revision ID: b2d4f6a8c0e1
Revises: f4b8d2e6a1c9
Create Date: 2026-12-04 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b2d4f6a8c0e1"
down_revision = "f4b8d2e6a1c9"
branch_labels = None
depends_on = None

ENTRIES = sa.table(
    "audit_entry",
    sa.column("seq", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("diff", sa.JSON),
)
COPY_WRITERS = sa.text(
    """INSERT INTO bid_writer (bid_id, user_id)
    SELECT b.id, w.user_id
    FROM best_interests_determination b
    JOIN bid_writer w ON w.bid_id = :copied
    WHERE b.id = :draft
      AND NOT EXISTS (
        SELECT 1 FROM bid_writer x WHERE x.bid_id = b.id AND x.user_id = w.user_id
      )"""
)


def _copied_from(diff) -> int | None:
    """The id a ``bid:draft:create`` diff names as copied (``[null, id]``), or None."""
    if not isinstance(diff, dict):
        return None
    copied = diff.get("copied_from")
    if isinstance(copied, list) and len(copied) == 2 and type(copied[1]) is int:
        return copied[1]
    return None


def upgrade():
    conn = op.get_bind()
    drafts = conn.execute(
        sa.select(ENTRIES.c.object_id, ENTRIES.c.diff)
        .where(
            ENTRIES.c.action == "bid:draft:create",
            ENTRIES.c.object_type == "BestInterestsDetermination",
        )
        .order_by(ENTRIES.c.seq)
    ).all()
    for draft, diff in drafts:
        copied = _copied_from(diff)
        if draft is not None and copied is not None and copied != draft:
            conn.execute(COPY_WRITERS, {"draft": draft, "copied": copied})


def downgrade():
    pass
