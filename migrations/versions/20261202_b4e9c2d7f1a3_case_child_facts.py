"""The child's facts the case list filters by, on the case, kept by triggers (issue 16: the
case list filtered by country, trafficking indicators or a charge of irregular entry).

Reviewed by hand: three new columns on ``case``, copies of the child's record --
``child_country`` (``country_of_origin``, nullable), ``child_trafficking``
(``trafficking_indicators``) and ``child_charged`` (``charged_irregular_entry``), both NOT
NULL, false without a child -- filled from the children as they are; six indexes, each
copy after ``lead_agency_id`` (an agency's cases) and alone (every case), then ``id``; and
triggers on ``child`` that keep the copies in the writing transaction: an inserted child sets
its case's copies, a deleted one resets them, and a change of one of the three facts (or of
``case_id``) writes them again. They work whatever writes the row (the operations, the
exchange's import, the benchmark's bulk loader, a repair by hand). No existing column
changes; the child's record stays the truth.

Why: an agency's list filtered by one of these facts counted its matches (up to 1,001) by
joining the agency's cases to the children, reading cases until 1,001 matched: for the
country, PostgreSQL merged 27,011 entries of the agency's case index with 3,003 of the
country's children (5.6 ms of server CPU on the benchmark's 100,000 cases); for a charge of
irregular entry (one child in twenty) SQLite probed the child of some 20,000 cases (16-31
ms). With the copies, one index range holds exactly the matches (0.39 ms for the country on
PostgreSQL).

Cost: changing one of these facts (or adding a child) also updates one ``case`` row, and
holds its lock until the transaction ends (the operations' flush writes the case first, so
the order of locks is the one they already take).

Revision ID: b4e9c2d7f1a3
Revises: d8f2b6a4c3e7
Create Date: 2026-12-02 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b4e9c2d7f1a3"
down_revision = "d8f2b6a4c3e7"
branch_labels = None
depends_on = None

# Each copy on the case set from the child's record, and reset (a case without a child: no
# country, no flag; ``{false}`` is the dialect's false).
SET_NEW = """UPDATE "case" SET child_country = NEW.country_of_origin,
        child_trafficking = NEW.trafficking_indicators,
        child_charged = NEW.charged_irregular_entry
        WHERE id = NEW.case_id"""
RESET_OLD = """UPDATE "case" SET child_country = NULL, child_trafficking = {false},
        child_charged = {false} WHERE id = OLD.case_id"""
WATCHED = "country_of_origin, trafficking_indicators, charged_irregular_entry, case_id"
BACKFILL = """UPDATE "case" SET
    child_country = (SELECT country_of_origin FROM child WHERE child.case_id = "case".id),
    child_trafficking = (SELECT trafficking_indicators FROM child WHERE child.case_id = "case".id),
    child_charged = (SELECT charged_irregular_entry FROM child WHERE child.case_id = "case".id)
    WHERE EXISTS (SELECT 1 FROM child WHERE child.case_id = "case".id)"""

PG_FUNCTION = f"""CREATE FUNCTION case_child_facts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
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

PG_CHANGED = """OLD.country_of_origin IS DISTINCT FROM NEW.country_of_origin
        OR OLD.trafficking_indicators IS DISTINCT FROM NEW.trafficking_indicators
        OR OLD.charged_irregular_entry IS DISTINCT FROM NEW.charged_irregular_entry
        OR OLD.case_id IS DISTINCT FROM NEW.case_id"""
PG_TRIGGERS = (
    """CREATE TRIGGER child_facts_insert_delete AFTER INSERT OR DELETE ON child
    FOR EACH ROW EXECUTE FUNCTION case_child_facts_keep()""",
    f"""CREATE TRIGGER child_facts_change AFTER UPDATE OF {WATCHED} ON child
    FOR EACH ROW WHEN ({PG_CHANGED})
    EXECUTE FUNCTION case_child_facts_keep()""",
)

SQLITE_CHANGED = """OLD.country_of_origin IS NOT NEW.country_of_origin
        OR OLD.trafficking_indicators IS NOT NEW.trafficking_indicators
        OR OLD.charged_irregular_entry IS NOT NEW.charged_irregular_entry
        OR OLD.case_id IS NOT NEW.case_id"""
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER child_facts_insert AFTER INSERT ON child
    BEGIN {SET_NEW}; END""",
    f"""CREATE TRIGGER child_facts_delete AFTER DELETE ON child
    BEGIN {RESET_OLD.format(false="0")}; END""",
    f"""CREATE TRIGGER child_facts_change AFTER UPDATE OF {WATCHED} ON child
    WHEN {SQLITE_CHANGED}
    BEGIN {RESET_OLD.format(false="0")} AND OLD.case_id IS NOT NEW.case_id; {SET_NEW}; END""",
)

INDEXES = (
    ("ix_case_agency_country", ["lead_agency_id", "child_country", "id"]),
    ("ix_case_country", ["child_country", "id"]),
    ("ix_case_agency_trafficking", ["lead_agency_id", "child_trafficking", "id"]),
    ("ix_case_trafficking", ["child_trafficking", "id"]),
    ("ix_case_agency_charged", ["lead_agency_id", "child_charged", "id"]),
    ("ix_case_charged", ["child_charged", "id"]),
)


def upgrade():
    op.add_column("case", sa.Column("child_country", sa.String(length=2), nullable=True))
    for copy in ("child_trafficking", "child_charged"):
        op.add_column(
            "case", sa.Column(copy, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(BACKFILL)
    for name, columns in INDEXES:
        op.create_index(name, "case", columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
        # Statistics of the new columns now, so that the planner chooses their indexes from
        # the first request rather than after autovacuum's next analysis.
        op.execute('ANALYZE "case"')
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in ("child_facts_insert_delete", "child_facts_change"):
            op.execute(f"DROP TRIGGER {name} ON child")
        op.execute("DROP FUNCTION case_child_facts_keep()")
    else:
        for name in ("child_facts_insert", "child_facts_delete", "child_facts_change"):
            op.execute(f"DROP TRIGGER {name}")
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="case")
    # ALTER TABLE ... DROP COLUMN on SQLite too (3.35 and later): a batch copy of ``case``
    # would drop the triggers that keep ``agency_case_count`` with the old table.
    for copy in ("child_charged", "child_trafficking", "child_country"):
        op.drop_column("case", copy)
