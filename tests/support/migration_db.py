"""A new SQLite database at an older revision, for the tests of a migration's data step:
rows are inserted as that revision's schema has them, then ``upgrade()`` runs the migration
under test (as ``flask db upgrade`` would)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


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
    from tests.gate.test_migration_data import _insert

    lead = _insert(conn, "agency", code="L", name="Lead", country="MD")
    users = [
        _insert(conn, "user_account", email=f"{n}@example.org", agency_id=lead) for n in people
    ]
    numbers = [f"MD-2026-{n:06d}" for n in range(1, cases + 1)]
    ids = [
        _insert(
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
    from tests.gate.test_migration_data import _insert

    return _insert(conn, "audit_entry", seq=seq, salt="0" * 32, hash=f"{seq:064d}", **columns)
