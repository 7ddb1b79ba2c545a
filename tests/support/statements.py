"""Counting the SQL statements a piece of code sends (query budgets: issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def statements() -> Iterator[list[str]]:
    """The statements sent on the app's engine inside the block, SQLite's explicit BEGIN
    (``core/db.py``) left out: it is not a query, and PostgreSQL sends none."""
    from caseapp.core.extensions import db

    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
