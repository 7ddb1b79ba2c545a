"""How many cases each agency leads, kept by triggers (issue 16: the case list's far pages).

Reviewed by hand: one new table, ``agency_case_count`` (agency_id, cases), filled from the
cases as they are, and triggers on ``case`` that keep it: +1 for the agency of an inserted
case, -1 for the agency of a deleted one, and both when ``lead_agency_id`` changes. (A
``TRUNCATE`` of ``case`` needs no trigger: it cascades to ``audit_entry``, which refuses
it.) The triggers run in the writing transaction, so the count is exact whatever wrote the
row (the operations, the benchmark's bulk loader, a repair by hand). No column of ``case``
changes.

Why: a numbered page far into an agency's list (page 2,760 of 69,228 cases) made the
database step over 69,000 index entries for ``OFFSET``: 6-9 ms of PostgreSQL's CPU per
request, the case list's slowest page at 8 connections. Knowing the exact number, the list
reads such a page from the oldest end (a few hundred entries), and shows the number instead
of "more than 1,000" (``caseapp.cases.queries.case_page``).

Cost: an insert, delete or transfer of a case also writes its agency's row (a case is
opened every few minutes, not many times a second), and holds that row's lock until the
transaction ends. On the 100,000-case benchmark copies the upgrade took 4.1 s (SQLite) and
0.06 s (PostgreSQL).

Revision ID: d8f2b6a4c3e7
Revises: a7d3e1c9b5f2
Create Date: 2026-12-02 10:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d8f2b6a4c3e7"
down_revision = "a7d3e1c9b5f2"
branch_labels = None
depends_on = None

UPSERT_NEW = """INSERT INTO agency_case_count (agency_id, cases) VALUES (NEW.lead_agency_id, 1)
        ON CONFLICT (agency_id) DO UPDATE SET cases = agency_case_count.cases + 1"""
LESS_OLD = "UPDATE agency_case_count SET cases = cases - 1 WHERE agency_id = OLD.lead_agency_id"

PG_FUNCTION = f"""CREATE FUNCTION agency_case_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            {LESS_OLD};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {UPSERT_NEW};
        END IF;
        RETURN NULL;
    END $$"""

PG_TRIGGERS = (
    """CREATE TRIGGER case_count_insert_delete AFTER INSERT OR DELETE ON "case"
    FOR EACH ROW EXECUTE FUNCTION agency_case_count_keep()""",
    """CREATE TRIGGER case_count_move AFTER UPDATE OF lead_agency_id ON "case"
    FOR EACH ROW WHEN (OLD.lead_agency_id IS DISTINCT FROM NEW.lead_agency_id)
    EXECUTE FUNCTION agency_case_count_keep()""",
)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER case_count_insert AFTER INSERT ON "case"
    BEGIN {UPSERT_NEW}; END""",
    f"""CREATE TRIGGER case_count_delete AFTER DELETE ON "case"
    BEGIN {LESS_OLD}; END""",
    f"""CREATE TRIGGER case_count_move AFTER UPDATE OF lead_agency_id ON "case"
    WHEN OLD.lead_agency_id IS NOT NEW.lead_agency_id
    BEGIN {LESS_OLD}; {UPSERT_NEW}; END""",
)


def upgrade():
    op.create_table(
        "agency_case_count",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("agency_id"),
    )
    op.execute(
        'INSERT INTO agency_case_count (agency_id, cases) SELECT lead_agency_id, count(*) FROM "case"'
        " GROUP BY lead_agency_id"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in ("case_count_insert_delete", "case_count_move"):
            op.execute(f'DROP TRIGGER {name} ON "case"')
        op.execute("DROP FUNCTION agency_case_count_keep()")
    else:
        for name in ("case_count_insert", "case_count_delete", "case_count_move"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("agency_case_count")
