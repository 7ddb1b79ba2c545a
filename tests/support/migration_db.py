"""A new SQLite database at an older revision, for the tests of a migration's data step:
rows are inserted as that revision's schema has them, then ``upgrade()`` runs the migration
under test (as ``flask db upgrade`` would)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Flask

# A valid value of each enum column the data steps' rows must fill.
ENUMS = {
    ("agency", "kind"): "child_protection",
    ("user_account", "role"): "caseworker",
    ("case", "stage"): "return_preparation",
    ("case", "outcome"): "return",
    ("child", "sex"): "female",
    ("child", "age_method"): "psychosocial",
    ("child", "nationality_status"): "national",
    ("child", "identified_by"): "police",
    ("child", "care_status"): "unaccompanied",
    ("child", "identity_verification"): "documents_seen",
    ("care_guarantee", "guarantor"): "family",
    ("care_guarantee", "guarantor_kind"): "family",
    ("coordination", "legal_basis"): "bilateral_agreement",
    ("coordination_message", "direction"): "received",
    ("coordination_message", "kind"): "confirmation_of_readiness",
    ("travel_plan", "escort_kind"): "child_protection",
}


def _filler(table, column):
    """A valid placeholder value of ``column`` (an enum's from ``ENUMS``)."""
    if (table, column.name) in ENUMS:
        return ENUMS[(table, column.name)]
    t = column.type
    if isinstance(t, sa.Boolean):
        return False
    if isinstance(t, sa.Integer):
        return 1
    if isinstance(t, sa.DateTime):
        return datetime(2026, 3, 1, tzinfo=UTC).isoformat()
    if isinstance(t, sa.Date):
        return "2026-03-01"
    if isinstance(t, sa.JSON) or "JSON" in str(t):
        return "[]"
    return "x"


def insert_row(conn, table, **values) -> int:
    """Insert a row, filling the NOT NULL columns not given with valid placeholder values."""
    columns = sa.inspect(conn).get_columns(table)
    row = dict(values)
    for c in columns:
        if c["name"] not in row and not c["nullable"] and c["name"] != "id":
            col = sa.Column(c["name"], c["type"])
            row[c["name"]] = _filler(table, col)
    names = ", ".join(f'"{k}"' for k in row)
    params = ", ".join(f":{k}" for k in row)
    result = conn.execute(sa.text(f'INSERT INTO "{table}" ({names}) VALUES ({params})'), row)
    return result.lastrowid


@contextmanager
def database_at(tmp_path, revision: str) -> Iterator[Flask]:
    """The app on ``tmp_path/old.sqlite3`` migrated to ``revision``, inside its context."""
    from flask_migrate import upgrade

    from caseapp import create_app
    from caseapp.core import migrations
    from tests.conftest import SECRET

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path)}
    )
    migrations.init_app(app)  # create_app leaves Flask-Migrate to ``flask db``
    with app.app_context():
        upgrade(revision=revision)
        yield app


def agency_people_cases(conn, people: tuple[str, ...], cases: int) -> tuple[list, list]:
    """One agency, a user for each name in ``people`` and ``cases`` cases led by it (the
    first person their caseworker); the users' and the cases' ids."""
    lead = insert_row(conn, "agency", code="L", name="Lead", country="MD")
    users = [
        insert_row(conn, "user_account", email=f"{n}@example.org", agency_id=lead) for n in people
    ]
    numbers = [f"MD-2026-{n:06d}" for n in range(1, cases + 1)]
    ids = [
        insert_row(
            conn,
            "case",
            number=number,
            lead_agency_id=lead,
            caseworker_id=users[0],
            outcome="return",
        )
        for number in numbers
    ]
    return users, ids


def audit_entry(conn, seq: int, **columns) -> int:
    """Insert the audit entry ``seq`` with ``columns``, its salt and hash placeholders (a data
    step reads the trail, it does not walk the chain)."""
    return insert_row(conn, "audit_entry", seq=seq, salt="0" * 32, hash=f"{seq:064d}", **columns)
