"""The child's country of origin on the case, kept by triggers (issue 16: the case list
filtered by country).

Reviewed by hand: one new nullable column, ``case.child_country`` (the child's
``country_of_origin``, copied), filled from the children as they are; two indexes,
``ix_case_agency_country`` (lead_agency_id, child_country, id) and ``ix_case_country``
(child_country, id); and triggers on ``child`` that keep the copy in the writing transaction:
an inserted child sets its case's copy, a deleted one clears it, and a change of
``country_of_origin`` (or of ``case_id``) moves it. They work whatever writes the row (the
operations, the exchange's import, the benchmark's bulk loader, a repair by hand). No
existing column changes; ``child.country_of_origin`` stays the record.

Why: an agency's list filtered by a country counted up to 1,001 matches by joining the
agency's case index to the country's child index. PostgreSQL merged the two, reading 27,011
entries of one and 3,003 of the other for 1,001 matches (5.6 ms of server CPU on the
benchmark's 100,000 cases), the case list's slowest filter at 8 connections. With the
country on the case, one index range holds exactly the matches: 0.45 ms (a copy of the
columns with that index, measured on the same database).

Cost: changing a child's country (or adding a child) also updates one ``case`` row, and
holds its lock until the transaction ends (the operations' flush writes the case first, so
the order of locks is the one they already take). On the 100,000-case SQLite benchmark copy
the upgrade took 13.9 s (the copy and the two indexes).

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

SET_NEW = """UPDATE "case" SET child_country = NEW.country_of_origin
        WHERE id = NEW.case_id"""
CLEAR_OLD = """UPDATE "case" SET child_country = NULL WHERE id = OLD.case_id"""

PG_FUNCTION = f"""CREATE FUNCTION case_child_country_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id)
        THEN
            {CLEAR_OLD};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {SET_NEW};
        END IF;
        RETURN NULL;
    END $$"""

PG_TRIGGERS = (
    """CREATE TRIGGER child_country_insert_delete AFTER INSERT OR DELETE ON child
    FOR EACH ROW EXECUTE FUNCTION case_child_country_keep()""",
    """CREATE TRIGGER child_country_change AFTER UPDATE OF country_of_origin, case_id ON child
    FOR EACH ROW WHEN (OLD.country_of_origin IS DISTINCT FROM NEW.country_of_origin
        OR OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION case_child_country_keep()""",
)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER child_country_insert AFTER INSERT ON child
    BEGIN {SET_NEW}; END""",
    f"""CREATE TRIGGER child_country_delete AFTER DELETE ON child
    BEGIN {CLEAR_OLD}; END""",
    f"""CREATE TRIGGER child_country_change AFTER UPDATE OF country_of_origin, case_id ON child
    WHEN OLD.country_of_origin IS NOT NEW.country_of_origin OR OLD.case_id IS NOT NEW.case_id
    BEGIN {CLEAR_OLD} AND OLD.case_id IS NOT NEW.case_id; {SET_NEW}; END""",
)


def upgrade():
    op.add_column("case", sa.Column("child_country", sa.String(length=2), nullable=True))
    op.execute(
        'UPDATE "case" SET child_country = '
        '(SELECT country_of_origin FROM child WHERE child.case_id = "case".id)'
    )
    op.create_index(
        "ix_case_agency_country", "case", ["lead_agency_id", "child_country", "id"], unique=False
    )
    op.create_index("ix_case_country", "case", ["child_country", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in ("child_country_insert_delete", "child_country_change"):
            op.execute(f"DROP TRIGGER {name} ON child")
        op.execute("DROP FUNCTION case_child_country_keep()")
    else:
        for name in ("child_country_insert", "child_country_delete", "child_country_change"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_case_country", table_name="case")
    op.drop_index("ix_case_agency_country", table_name="case")
    # ALTER TABLE ... DROP COLUMN on SQLite too (3.35 and later): a batch copy of ``case``
    # would drop the triggers that keep ``agency_case_count`` with the old table.
    op.drop_column("case", "child_country")
