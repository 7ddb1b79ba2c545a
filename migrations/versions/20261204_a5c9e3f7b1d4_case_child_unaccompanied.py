"""Whether the case's child is unaccompanied, on the case (``case.child_unaccompanied``), kept
by triggers (issue 16: the case list filtered by unaccompanied children).

Reviewed by hand: one Boolean column on ``case`` (NOT NULL, false without a child), filled
from ``child.care_status``; two indexes, ``(lead_agency_id, child_unaccompanied, id)`` (an
agency's list) and ``(child_unaccompanied, id)`` (every agency's); and triggers on ``child`` of
their own beside those of b4e9c2d7f1a3/c6d2a8f4e1b9 (left as they are): an inserted child
sets its case's flag, a deleted one clears it, a change of ``care_status`` or ``case_id``
writes it again. They work whatever writes the row (the operations, the exchange's import,
the benchmark's bulk loader, a repair by hand). No existing column changes; the child's
record stays the truth. Downgrade drops the triggers, the indexes and the column.

Why: "only unaccompanied children" was the one filter of the list still joined to the
children: the count (up to 1,001) and the page read an agency's cases newest first and
looked up each one's child until enough matched. On PostgreSQL it was the lowest of the
list's pages at 8 connections (0.093 of the bare route's throughput, 0.1 asked; 2026-12-04).
With the flag, one index range holds exactly the matches, as for the other facts.

Cost: a child's insert, or a change of its care, also updates its case row (in the same
transaction; the operations' flush writes the case first, the order of locks they already
take).

Revision ID: a5c9e3f7b1d4
Revises: e8c2a4f6b1d3
Create Date: 2026-12-04 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a5c9e3f7b1d4"
down_revision = "e8c2a4f6b1d3"
branch_labels = None
depends_on = None

# 'unaccompanied': ``CareStatus.UNACCOMPANIED`` as stored.
SET_NEW = """UPDATE "case" SET child_unaccompanied = (NEW.care_status = 'unaccompanied')
        WHERE id = NEW.case_id"""
RESET_OLD = """UPDATE "case" SET child_unaccompanied = {false} WHERE id = OLD.case_id"""
WATCHED = "care_status, case_id"
BACKFILL = """UPDATE "case" SET child_unaccompanied = true
    WHERE EXISTS (SELECT 1 FROM child WHERE child.case_id = "case".id
                  AND child.care_status = 'unaccompanied')"""

PG_FUNCTION = f"""CREATE FUNCTION case_child_unaccompanied_keep() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id)
        THEN
            {RESET_OLD.format(false="false")};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {SET_NEW};
        END IF;
        RETURN NULL;
    END $$"""
PG_TRIGGERS = (
    """CREATE TRIGGER child_unaccompanied_insert_delete AFTER INSERT OR DELETE ON child
    FOR EACH ROW EXECUTE FUNCTION case_child_unaccompanied_keep()""",
    f"""CREATE TRIGGER child_unaccompanied_change AFTER UPDATE OF {WATCHED} ON child
    FOR EACH ROW WHEN (OLD.care_status IS DISTINCT FROM NEW.care_status
        OR OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION case_child_unaccompanied_keep()""",
)
PG_TRIGGER_NAMES = ("child_unaccompanied_insert_delete", "child_unaccompanied_change")

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER child_unaccompanied_insert AFTER INSERT ON child
    BEGIN {SET_NEW}; END""",
    f"""CREATE TRIGGER child_unaccompanied_delete AFTER DELETE ON child
    BEGIN {RESET_OLD.format(false="0")}; END""",
    f"""CREATE TRIGGER child_unaccompanied_change AFTER UPDATE OF {WATCHED} ON child
    WHEN OLD.care_status IS NOT NEW.care_status OR OLD.case_id IS NOT NEW.case_id
    BEGIN {RESET_OLD.format(false="0")} AND OLD.case_id IS NOT NEW.case_id; {SET_NEW}; END""",
)
SQLITE_TRIGGER_NAMES = (
    "child_unaccompanied_insert",
    "child_unaccompanied_delete",
    "child_unaccompanied_change",
)

INDEXES = (
    ("ix_case_agency_unaccompanied", ["lead_agency_id", "child_unaccompanied", "id"]),
    ("ix_case_unaccompanied", ["child_unaccompanied", "id"]),
)


def upgrade():
    op.add_column(
        "case",
        sa.Column("child_unaccompanied", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(BACKFILL)
    for name, columns in INDEXES:
        op.create_index(name, "case", columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
        # Statistics of the new column now, so that the planner chooses its indexes from the
        # first request rather than after autovacuum's next analysis.
        op.execute('ANALYZE "case"')
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name} ON child")
        op.execute("DROP FUNCTION case_child_unaccompanied_keep()")
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="case")
    # ALTER TABLE ... DROP COLUMN on SQLite too: a batch copy of ``case`` would drop the
    # triggers that keep ``agency_case_count`` with the old table.
    op.drop_column("case", "child_unaccompanied")
