"""Case numbers by any part from the database's text index (issue 16, item 5): FTS5 trigram
on SQLite, a pg_trgm index on PostgreSQL; the same answers as a plain substring test."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from caseapp.cases.models import Case
from caseapp.cases.number_index import FTS_TABLE, TRGM_INDEX, number_condition
from caseapp.core.permissions import Role


def _found(db, needle: str) -> set[int]:
    return set(db.session.scalars(select(Case.id).where(number_condition(needle))))


def test_any_part_of_a_number_finds_exactly_the_cases_that_hold_it(app, db, factory):
    user = factory.user(Role.CASEWORKER)
    cases = [factory.case(caseworker=user) for _ in range(4)]
    db.session.commit()
    numbers = {c.id: c.number for c in cases}
    target = cases[2].number
    for needle in (target, target[3:], target[-6:], target[-4:], target[:5], "-20", "00", "9"):
        expected = {i for i, n in numbers.items() if needle in n}
        assert _found(db, needle) == expected, needle
    assert _found(db, "ZZ-9999") == set()


def test_quotes_and_wildcards_are_plain_characters(app, db, factory):
    factory.case(caseworker=factory.user(Role.CASEWORKER))
    db.session.commit()
    for needle in ('"', 'A"B', "%", "___", "%-%", "*"):
        assert _found(db, needle) == set(), needle


def test_the_index_exists_on_each_database(app, db):
    if db.engine.dialect.name == "postgresql":
        definition = db.session.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": TRGM_INDEX}
        )
        assert definition is not None and "gin_trgm_ops" in definition
    else:
        sql = db.session.scalar(
            text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": FTS_TABLE}
        )
        assert sql is not None and "trigram" in sql


def test_sqlite_searches_the_fts5_table_and_it_follows_a_changed_number(app, db, factory):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads case.number through its trigram index (test above)")
    case = factory.case(caseworker=factory.user(Role.CASEWORKER))
    db.session.commit()
    assert FTS_TABLE in str(select(Case.id).where(number_condition("000")))
    old = case.number
    case.number = "MD-2026-424242"
    db.session.commit()
    assert _found(db, "424242") == {case.id}
    assert case.id not in _found(db, old)
