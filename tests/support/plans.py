"""How SQLite plans the statements a piece of code sends (issue 16: list pages that read an
index in order rather than sort every row). SQLite plans without statistics, so its plan on a
test database is the plan it uses at 100,000 cases; PostgreSQL plans tiny tables with a scan
whatever the indexes, so these checks are SQLite's."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event


@contextmanager
def sqlite_plans(table: str) -> Iterator[list[str]]:
    """The plans (``EXPLAIN QUERY PLAN``, one line each) of the statements reading ``FROM
    table`` sent inside the block; skips the test on another database."""
    from caseapp.core.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if f"FROM {table}" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    plans: list[str] = []
    try:
        yield plans
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    connection = db.session.connection()
    for statement, parameters in sent:
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        plans.append(" | ".join(str(row[-1]) for row in rows))
