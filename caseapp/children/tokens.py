"""Keeping ``child_name_token`` in step with every ``ChildName`` (issue 16, name search).

The tokens are the words of the name's search key (``caseapp.children.names.search_key``).
They are rewritten in the same flush, through the same connection, whenever a name is
inserted or its search key changes, whichever operation, script or test did it; deleting a
name deletes its tokens (``ON DELETE CASCADE``). Bulk loaders that bypass the ORM write them
with ``token_rows`` (``benchmarks/dataset.py``).
"""

from __future__ import annotations

from sqlalchemy import delete, event, insert, inspect, select

from caseapp.children.models import Child, ChildName, ChildNameToken


def token_rows(name_id: int, case_id: int, search_key: str) -> list[dict]:
    """The rows of ``child_name_token`` for one name."""
    return [
        {"name_id": name_id, "case_id": case_id, "token": token}
        for token in sorted(set(search_key.split()))
    ]


def _write(connection, target: ChildName) -> None:
    case_id = connection.scalar(select(Child.case_id).where(Child.id == target.child_id))
    table = ChildNameToken.__table__
    connection.execute(delete(table).where(table.c.name_id == target.id))
    rows = token_rows(target.id, case_id, target.search_key or "")
    if rows:
        connection.execute(insert(table), rows)


@event.listens_for(ChildName, "after_insert")
def _after_insert(mapper, connection, target: ChildName) -> None:
    _write(connection, target)


@event.listens_for(ChildName, "after_update")
def _after_update(mapper, connection, target: ChildName) -> None:
    if inspect(target).attrs.search_key.history.has_changes():
        _write(connection, target)
