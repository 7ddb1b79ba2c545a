"""Declarative base, naming conventions, column types, SQLite connection settings, and the
statements written for each database (``unindexed``, ``planned_with_values``). Loading
several record types in one statement is ``caseapp.core.records``.

SQLite is set up for several gunicorn workers: WAL so readers never block the writer,
foreign keys on, and every transaction that may write opened with ``BEGIN IMMEDIATE`` so a
second writer waits for the lock at the start instead of failing half-way with "database is
locked" (DESIGN.md section 5). How long it waits is ``DATABASE_LOCK_TIMEOUT``
(``caseapp.core.config``; PostgreSQL's ``lock_timeout`` too); a write that waits longer, or
that PostgreSQL ends as a deadlock, is a ``contention`` failure, which the request layer
answers "busy, nothing saved" (``caseapp.core.error_pages``). A request that only reads (a GET,
see ``caseapp.core.web``) declares it with ``write_intent(False)`` and begins a deferred
transaction: it reads a consistent snapshot without taking the write lock (issue 16 item 4).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter, ClauseElement
from sqlalchemy.types import TypeDecorator

# SQLite's primary result codes for a lock it could not get (an extended code carries one in
# its low byte): SQLITE_BUSY, SQLITE_LOCKED.
_SQLITE_LOCK_CODES = frozenset({5, 6})
# PostgreSQL's SQLSTATEs for a write ended by another one: serialization_failure,
# deadlock_detected, lock_not_available (``lock_timeout``).
_PG_CONTENTION = frozenset({"40001", "40P01", "55P03"})

# Whether the transactions begun in this context may write (SQLite: IMMEDIATE or DEFERRED).
# True unless the request layer says the request only reads; CLI commands and tests write.
_WRITE_INTENT: ContextVar[bool] = ContextVar("caseapp_write_intent", default=True)


def write_intent(writes: bool):
    """Declare whether the transactions begun from now on may write; returns a reset token."""
    return _WRITE_INTENT.set(writes)


def reset_write_intent(token) -> None:
    """Restore the intent in force before ``write_intent`` returned ``token``."""
    _WRITE_INTENT.reset(token)


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; constraint names follow ``NAMING_CONVENTION``."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def insert_or_update(dialect_name: str, table: Any) -> Any:
    """``INSERT`` into ``table`` with ``on_conflict_do_update`` (an upsert) for the database
    in use: SQLite's and PostgreSQL's clauses are written alike, from their own dialects."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.dialects import sqlite as sqlite_dialect

    dialect = postgresql if dialect_name == "postgresql" else sqlite_dialect
    return dialect.insert(table)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def unindexed(column: Any) -> Any:
    """``column`` written so that SQLite cannot use its index (``column + 0``); plain on
    PostgreSQL. For a list driven by another table's index in order (visits by due date,
    requests by due date, notices by deadline): SQLite keeps no statistics and would
    otherwise start from every case of the agency (tens of thousands) and sort them, while
    PostgreSQL has statistics and reads the other index by itself -- there ``+ 0`` hides the
    column from them (it estimated 487 of an agency's 66,664 open cases and hashed them all:
    the due list's overdue visits took 346 ms at 100,000 cases; issue 16)."""
    from caseapp.core.extensions import db  # extensions imports this module

    return column + 0 if db.engine.dialect.name == "sqlite" else column


S = TypeVar("S", bound=ClauseElement)


def planned_with_values(statement: S, *, keep: Collection[str] = ()) -> S:
    """``statement`` with its values written into its SQL on PostgreSQL (plain on SQLite),
    but for the parameters named in ``keep`` (a page's cursor), so that the server plans it
    once with those values and then reuses the plan.

    psycopg prepares a statement on its fifth run on a connection; PostgreSQL then plans it
    either once for any values (a generic plan) or anew with each run's values (a custom
    plan), and keeps to custom plans when it estimates the generic one costlier. It did for
    the lists of the home pages, the due list and the queue, whose conditions hold the
    user, the agency and today's dates: at 100,000 cases the caseworker's home spent 5.5 ms
    of each request planning (its cases with their alerts: 3.2 ms, for 2.6 ms of running),
    the due list 3.7 ms (0.7 ms running). A generic plan of the caseworker's cases, forced,
    took 263 ms. With the values in the text, each user's or agency's statement of the day
    has one fixed plan, made with its real values, as a custom plan is (issue 16). SQLite
    prepares a statement once whatever its values: there this would only add work.

    The values are rendered by SQLAlchemy from their types (ids, dates, enum values): use
    it for statements whose parameters are those, never a person's name or free text.
    Decided when the statement is built, by the database the app uses then."""
    from caseapp.core.extensions import db  # extensions imports this module

    if db.engine.dialect.name != "postgresql":
        return statement
    kept = frozenset(keep)

    def in_text(bind: BindParameter) -> None:
        if bind.key not in kept:
            bind.literal_execute = True

    # As ``Select.params`` replaces values: a copy, the parameters' keys unchanged.
    return visitors.cloned_traverse(
        statement, {"maintain_key": True, "detect_subquery_cols": True}, {"bindparam": in_text}
    )


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones; without this, values would come back naive there and aware on
    PostgreSQL, and comparisons would behave differently on the two databases.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Refuse naive datetimes and normalise to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        """Attach UTC to values read back from SQLite."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    """Configure every new SQLite connection (no effect on PostgreSQL)."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_on_begin) instead of pysqlite.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # The busy timeout is the driver's ``timeout`` (``DATABASE_LOCK_TIMEOUT``, config.py).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    """Take the write lock at the start of each SQLite transaction that may write.

    A connection opened with ``execution_options(sqlite_read_only=True)`` (long read-only
    work such as an audit export), or a transaction begun while the request layer has
    declared a read-only request, begins a deferred transaction instead: a consistent
    snapshot that does not hold the write lock, so writers are not blocked meanwhile.
    """
    if conn.dialect.name == "sqlite":
        read_only = conn.get_execution_options().get("sqlite_read_only") or not _WRITE_INTENT.get()
        conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def contention(err: BaseException | None) -> bool:
    """Whether ``err`` is the database giving up on a write because of another one: SQLite's
    lock not got within the busy timeout, PostgreSQL's deadlock, serialization failure or
    ``lock_timeout``. The transaction is rolled back and nothing of it is stored; sent again
    a moment later, the same request normally succeeds. Any other error is not."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(err, DBAPIError):
        return False
    orig = err.orig
    if isinstance(orig, sqlite3.Error):
        return (getattr(orig, "sqlite_errorcode", 0) & 0xFF) in _SQLITE_LOCK_CODES
    return getattr(orig, "sqlstate", None) in _PG_CONTENTION


def str_enum(enum_cls, name: str, length: int = 40):
    """A StrEnum stored as its value (VARCHAR + named CHECK constraint on both databases)."""
    from sqlalchemy import Enum

    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
    )
