"""Name search on an index: ``child_name_token``, one row per word of each name's search key.

Reviewed by hand. The tokens are derived from ``child_name.search_key`` (kept in step by the
mapper events in ``caseapp/children/tokens.py``); existing names get theirs here, so no name
becomes unfindable. On PostgreSQL the token column uses the "C" collation, so a prefix is an
index range.

Revision ID: 8d2e3f4a5b6c
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-29 23:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8d2e3f4a5b6c"
down_revision = "7c1d2e3f4a5b"
branch_labels = None
depends_on = None

TOKEN = sa.String(120).with_variant(sa.String(120, collation="C"), "postgresql")


def upgrade():
    tokens = op.create_table(
        "child_name_token",
        sa.Column("name_id", sa.Integer(), nullable=False),
        sa.Column("token", TOKEN, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["name_id"],
            ["child_name.id"],
            name=op.f("fk_child_name_token_name_id_child_name"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case.id"],
            name=op.f("fk_child_name_token_case_id_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("name_id", "token", name=op.f("pk_child_name_token")),
    )
    op.create_index("ix_child_name_token_token", "child_name_token", ["token", "name_id", "case_id"])
    op.create_index(op.f("ix_child_name_token_case_id"), "child_name_token", ["case_id"])
    conn = op.get_bind()
    names = conn.execute(
        sa.text(
            "SELECT child_name.id, child.case_id, child_name.search_key"
            " FROM child_name JOIN child ON child.id = child_name.child_id"
        )
    )
    rows = [
        {"name_id": name_id, "case_id": case_id, "token": token}
        for name_id, case_id, key in names
        for token in sorted(set((key or "").split()))
    ]
    if rows:
        op.bulk_insert(tokens, rows)


def downgrade():
    op.drop_index(op.f("ix_child_name_token_case_id"), table_name="child_name_token")
    op.drop_index("ix_child_name_token_token", table_name="child_name_token")
    op.drop_table("child_name_token")
