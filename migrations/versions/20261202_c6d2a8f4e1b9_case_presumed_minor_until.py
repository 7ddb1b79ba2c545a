"""The case keeps the day its child stops being presumed a minor (``case.child_presumed_minor_until``).

Reviewed by hand: one nullable date column on ``case``, filled from ``child``; one index;
the triggers on ``child`` of migration b4e9c2d7f1a3 made again with the new copy and the age
columns it follows. Downgrade makes the triggers of b4e9c2d7f1a3 again and drops the column.

The case list's "presumed minor" filter joined every case of the agency to its child, case
after case, until 1,001 matched (about one child in five is presumed a minor in the
100,000-case benchmark): the one list page under 0.1 of the bare route at 8 connections on
SQLite (issue 16). Being presumed a minor changes with the day, but the day it ends does not:
``AgeReckoning.presumed_minor_until`` (``caseapp/children/models.py``) is 9999-12-31 while
presumed a minor whatever the day (a disputed or unknown age, a range under 18 never
assessed), NULL when never (a documented date of birth, an adult range), else the 18th
birthday by the records: the date of birth, or the day of the range's assessment, plus 18
years (less the range's lowest age), 29 February counting on 1 March. The filter is then
``child_presumed_minor_until > today`` on the case row, read from the index ``(lead_agency_id,
id, child_presumed_minor_until)`` in the list's order. The same triggers as the other copies
keep it, whatever writes the child: on SQLite ``date(day, '+N years')`` (which takes 29
February to 1 March), on PostgreSQL ``make_interval`` with 28 February moved to 1 March for a
29 February start.

Revision ID: c6d2a8f4e1b9
Revises: e1f5a9c3d7b2
Create Date: 2026-12-02 17:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c6d2a8f4e1b9"
down_revision = "e1f5a9c3d7b2"
branch_labels = None
depends_on = None

FOREVER = "9999-12-31"


def _until(row: str, years_after) -> str:
    """``AgeReckoning.presumed_minor_until`` of the child row ``row`` (``NEW`` or ``child``)
    as SQL; ``years_after(day, years)`` is the dialect's 18th-birthday arithmetic."""
    return f"""CASE
            WHEN {row}.age_disputed THEN DATE '{FOREVER}'
            WHEN {row}.date_of_birth IS NOT NULL AND {row}.age_method = 'document' THEN NULL
            WHEN {row}.date_of_birth IS NOT NULL THEN {years_after(f"{row}.date_of_birth", "18")}
            WHEN {row}.age_min IS NULL THEN DATE '{FOREVER}'
            WHEN {row}.age_min >= 18 THEN NULL
            WHEN {row}.age_assessed_on IS NULL THEN DATE '{FOREVER}'
            ELSE {years_after(f"{row}.age_assessed_on", f"(18 - {row}.age_min)")}
        END"""


def _sqlite_years_after(day: str, years: str) -> str:
    # SQLite's date() takes 29 February to 1 March; past 9999 it gives NULL.
    return f"coalesce(date({day}, '+' || {years} || ' years'), '{FOREVER}')"


def _pg_years_after(day: str, years: str) -> str:
    moved = f"({day} + make_interval(years => {years}))::date"
    return (
        f"(CASE WHEN extract(month FROM {day}) = 2 AND extract(day FROM {day}) = 29 "
        f"AND extract(day FROM {moved}) = 28 THEN {moved} + 1 ELSE {moved} END)"
    )


def _sqlite_until(row: str) -> str:
    # SQLite has no DATE literal: the text, as SQLAlchemy stores a date.
    return _until(row, _sqlite_years_after).replace(f"DATE '{FOREVER}'", f"'{FOREVER}'")


def _pg_until(row: str) -> str:
    return _until(row, _pg_years_after)


# The triggers of b4e9c2d7f1a3, with the new copy (``{until}``: NEW's) and the columns it
# follows.
SET_NEW = """UPDATE "case" SET child_country = NEW.country_of_origin,
        child_trafficking = NEW.trafficking_indicators,
        child_charged = NEW.charged_irregular_entry,
        child_presumed_minor_until = {until}
        WHERE id = NEW.case_id"""
RESET_OLD = """UPDATE "case" SET child_country = NULL, child_trafficking = {false},
        child_charged = {false}, child_presumed_minor_until = NULL WHERE id = OLD.case_id"""
AGE_COLUMNS = ("date_of_birth", "age_method", "age_min", "age_assessed_on", "age_disputed")
FACT_COLUMNS = ("country_of_origin", "trafficking_indicators", "charged_irregular_entry")
WATCHED = ", ".join((*FACT_COLUMNS, *AGE_COLUMNS, "case_id"))
BACKFILL = """UPDATE "case" SET child_presumed_minor_until =
    (SELECT {until} FROM child WHERE child.case_id = "case".id)
    WHERE EXISTS (SELECT 1 FROM child WHERE child.case_id = "case".id)"""


def _changed(distinct: str) -> str:
    return "\n        OR ".join(
        f"OLD.{c} {distinct} NEW.{c}" for c in (*FACT_COLUMNS, *AGE_COLUMNS, "case_id")
    )


def _pg_function(set_new: str, reset_old: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION case_child_facts_keep() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.case_id IS DISTINCT FROM NEW.case_id)
        THEN
            {reset_old};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            {set_new};
        END IF;
        RETURN NULL;
    END $$"""


# Before this migration (b4e9c2d7f1a3's, for the downgrade).
SET_NEW_B = """UPDATE "case" SET child_country = NEW.country_of_origin,
        child_trafficking = NEW.trafficking_indicators,
        child_charged = NEW.charged_irregular_entry
        WHERE id = NEW.case_id"""
RESET_OLD_B = """UPDATE "case" SET child_country = NULL, child_trafficking = false,
        child_charged = false WHERE id = OLD.case_id"""
WATCHED_B = ", ".join((*FACT_COLUMNS, "case_id"))


def _changed_b(distinct: str) -> str:
    return "\n        OR ".join(f"OLD.{c} {distinct} NEW.{c}" for c in (*FACT_COLUMNS, "case_id"))


def _pg_change_trigger(watched: str, changed: str) -> str:
    return f"""CREATE TRIGGER child_facts_change AFTER UPDATE OF {watched} ON child
    FOR EACH ROW WHEN ({changed})
    EXECUTE FUNCTION case_child_facts_keep()"""


def _sqlite_triggers(set_new: str, reset_old: str, watched: str, changed: str) -> tuple:
    return (
        f"""CREATE TRIGGER child_facts_insert AFTER INSERT ON child
    BEGIN {set_new}; END""",
        f"""CREATE TRIGGER child_facts_delete AFTER DELETE ON child
    BEGIN {reset_old}; END""",
        f"""CREATE TRIGGER child_facts_change AFTER UPDATE OF {watched} ON child
    WHEN {changed}
    BEGIN {reset_old} AND OLD.case_id IS NOT NEW.case_id; {set_new}; END""",
    )


SQLITE_TRIGGER_NAMES = ("child_facts_insert", "child_facts_delete", "child_facts_change")
INDEX = ("ix_case_agency_presumed_minor", ["lead_agency_id", "id", "child_presumed_minor_until"])


def upgrade():
    op.add_column("case", sa.Column("child_presumed_minor_until", sa.Date(), nullable=True))
    postgresql = op.get_bind().dialect.name == "postgresql"
    until = _pg_until if postgresql else _sqlite_until
    op.execute(BACKFILL.format(until=until("child")))
    op.create_index(INDEX[0], "case", INDEX[1], unique=False)
    set_new = SET_NEW.format(until=until("NEW"))
    if postgresql:
        op.execute("DROP TRIGGER child_facts_change ON child")
        op.execute(_pg_function(set_new, RESET_OLD.format(false="false")))
        op.execute(_pg_change_trigger(WATCHED, _changed("IS DISTINCT FROM")))
        op.execute('ANALYZE "case"')
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
        reset_old = RESET_OLD.format(false="0")
        for statement in _sqlite_triggers(set_new, reset_old, WATCHED, _changed("IS NOT")):
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER child_facts_change ON child")
        op.execute(_pg_function(SET_NEW_B, RESET_OLD_B))
        op.execute(_pg_change_trigger(WATCHED_B, _changed_b("IS DISTINCT FROM")))
    else:
        for name in SQLITE_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER {name}")
        reset_old = RESET_OLD_B.replace("false", "0")
        for statement in _sqlite_triggers(SET_NEW_B, reset_old, WATCHED_B, _changed_b("IS NOT")):
            op.execute(statement)
    op.drop_index(INDEX[0], table_name="case")
    # ALTER TABLE ... DROP COLUMN on SQLite too: a batch copy of ``case`` would drop the
    # triggers that keep ``agency_case_count`` with the old table.
    op.drop_column("case", "child_presumed_minor_until")
