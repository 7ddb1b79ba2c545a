"""Case numbers found by any part through the database's own text index (issue 16, item 5).

"000007" must find MD-2026-000007 (``name_or_number_condition``): a match anywhere in the
number, which ``LIKE '%000007%'`` answers only by reading every case of the agency (134-173
ms at 57,000 visible cases). Instead:

- **SQLite**: the FTS5 table ``case_number_fts`` with the ``trigram`` tokenizer (contentless,
  its rowid the case id): a quoted phrase of 3 or more characters matches any part of the
  number, in any letter case, from the index. It is kept in step by the mapper events below
  (as ``child_name_token`` is, ``caseapp.children.tokens``) rather than SQL triggers, so a
  later migration that rebuilds the ``case`` table cannot silently drop them; bulk loaders
  that bypass the ORM write it with ``fts_rows`` (``benchmarks/dataset.py``).
- **PostgreSQL**: a ``pg_trgm`` GIN index on ``case.number`` (``ix_case_number_trgm``), which
  serves the same ``LIKE '%...%'`` directly; nothing to keep in step.

Shorter texts (one or two characters) have no trigram: they fall back to the plain ``LIKE``.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, column, event, select, table, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.attributes import History
from sqlalchemy.sql.elements import ColumnElement

from caseapp.cases.models import Case
from caseapp.core.extensions import db

FTS_TABLE = "case_number_fts"
TRGM_INDEX = "ix_case_number_trgm"
_fts = table(FTS_TABLE, column("rowid", Integer), column("number", String))


def number_condition(needle: str) -> ColumnElement[bool]:
    """Cases whose number holds ``needle`` (already upper-cased) anywhere."""
    like = Case.number.contains(needle, autoescape=True)
    if len(needle) < 3 or db.engine.dialect.name != "sqlite":
        return like  # PostgreSQL: the trigram index serves it
    phrase = '"' + needle.replace('"', '""') + '"'
    return Case.id.in_(select(_fts.c.rowid).where(_fts.c.number.match(phrase)))


def fts_rows(rows) -> list[dict]:
    """The ``case_number_fts`` rows of cases given as ``{"id", "number"}`` mappings."""
    return [{"id": r["id"], "number": r["number"]} for r in rows]


INSERT = text("INSERT INTO case_number_fts(rowid, number) VALUES (:id, :number)")
DELETE = text(  # a contentless FTS5 table forgets a row given its indexed values
    "INSERT INTO case_number_fts(case_number_fts, rowid, number) VALUES ('delete', :id, :number)"
)


def is_index_object(name: str | None) -> bool:
    """Whether a schema object is this index (made by the migration, not by the models):
    ``case_number_fts`` and FTS5's shadow tables, and the PostgreSQL trigram index. Alembic's
    comparison of models and database leaves them out (``migrations/env.py``)."""
    return bool(name) and (name == TRGM_INDEX or str(name).startswith(FTS_TABLE))


@event.listens_for(Case, "after_insert")
def _after_insert(mapper, connection, target: Case) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(INSERT, {"id": target.id, "number": target.number})


@event.listens_for(Case, "after_update")
def _after_update(mapper, connection, target: Case) -> None:
    if connection.dialect.name != "sqlite":
        return
    history: History = sa_inspect(target).attrs.number.history
    if history.has_changes():
        for old in history.deleted:
            connection.execute(DELETE, {"id": target.id, "number": old})
        connection.execute(INSERT, {"id": target.id, "number": target.number})


@event.listens_for(Case, "after_delete")
def _after_delete(mapper, connection, target: Case) -> None:
    if connection.dialect.name == "sqlite":
        number: History = sa_inspect(target).attrs.number.history
        old = (number.deleted or number.unchanged or [target.number])[0]
        connection.execute(DELETE, {"id": target.id, "number": old})
