"""The caseload counts (``CaseloadCount``) kept exact in the transaction that changes them.

One place keeps them (issue 16): a ``before_flush`` listener notes the cases whose count key
may change in this flush (a case added, deleted or given another caseworker, stage or
opening date; a determination added, deleted or changing status or case) and reads their
keys as the database holds them before the flush; ``after_flush`` reads the keys again and
adds the differences. Reading the keys from the database, not from the objects, makes the
rule one: the key is what ``key_columns`` selects, whatever the flush changed.

A change written past the ORM (a bulk ``UPDATE``, a plain-row insert such as the benchmark's
loader) is not seen: ``recount`` (``flask dashboard recount-workload``) rebuilds the counts
from the cases; ``check`` tells whether they agree.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from caseapp.cases.models import Case, Stage
from caseapp.core.db import insert_or_update

Key = tuple[int, Stage, date, bool]  # caseworker, stage, opening day (UTC), BID approved
_PENDING = "caseload_pending"
_CASE_FIELDS = ("caseworker_id", "stage", "opened_at")
_BID_FIELDS = ("status", "case_id")
_CHUNK = 500


def opening_day(opened_at: datetime | str) -> date:
    """The UTC day of an opening time (``opened_at < midnight UTC of d`` exactly when this
    day is before ``d``: the cut-off of ``bid_overdue`` is a UTC midnight)."""
    if isinstance(opened_at, str):  # SQLite, read without the column's type (migration)
        return date.fromisoformat(opened_at[:10])
    return opened_at.astimezone(UTC).date()


def key_columns() -> tuple[Any, ...]:
    """The count key of each case as SQL: ``(id, caseworker_id, stage, opened_at, approved)``."""
    from caseapp.alerts.queries import bid_approved_sql

    return (
        Case.id,
        Case.caseworker_id,
        Case.stage,
        Case.opened_at,
        bid_approved_sql().label("approved"),
    )


def _key(row) -> Key | None:
    if row.caseworker_id is None:  # nobody's workload
        return None
    return (row.caseworker_id, Stage(row.stage), opening_day(row.opened_at), bool(row.approved))


def _keys(connection: Connection, ids: set[int]) -> dict[int, Key]:
    found: dict[int, Key] = {}
    ordered = sorted(ids)
    for i in range(0, len(ordered), _CHUNK):
        query = select(*key_columns()).where(Case.id.in_(ordered[i : i + _CHUNK]))
        for row in connection.execute(query):
            key = _key(row)
            if key is not None:
                found[row.id] = key
    return found


def _changed(obj, fields: tuple[str, ...]) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[f].history.has_changes() for f in fields)


def _case_id_of(bid) -> int | None:
    if bid.case_id is not None:
        return bid.case_id
    case = bid.__dict__.get("case")
    return case.id if case is not None else None


def _note(session: Session, flush_context, instances) -> None:
    """``before_flush``: the cases whose key may change, with their keys before the flush."""
    from caseapp.determination.models import BestInterestsDetermination as Bid

    session.info.pop(_PENDING, None)  # left by a flush that failed
    ids: set[int] = set()
    added: list[Case] = []
    for obj in session.new:
        if isinstance(obj, Case):
            added.append(obj)
        elif isinstance(obj, Bid):
            ids.add(_case_id_of(obj) or 0)
    for obj in session.dirty:
        if isinstance(obj, Case) and _changed(obj, _CASE_FIELDS):
            ids.add(obj.id)
        elif isinstance(obj, Bid) and _changed(obj, _BID_FIELDS):
            ids.add(obj.case_id or 0)
            previous: list[Any] = list(sa_inspect(obj).attrs.case_id.history.deleted)
            ids.update(v for v in previous if v)
    for obj in session.deleted:
        if isinstance(obj, Case):
            ids.add(obj.id)
        elif isinstance(obj, Bid):
            ids.add(_case_id_of(obj) or 0)
    ids.discard(0)  # a new determination of a new case: the case is among ``added``
    if not ids and not added:
        return
    before = _keys(session.connection(), ids) if ids else {}
    session.info[_PENDING] = (ids, before, added, [b for b in session.new if isinstance(b, Bid)])


def _apply(session: Session, flush_context) -> None:
    """``after_flush``: add the differences between the keys after and before."""
    noted = session.info.pop(_PENDING, None)
    if not noted:
        return
    connection = session.connection()
    ids, before, added, new_bids = noted
    ids = set(ids) | {c.id for c in added} | {b.case_id for b in new_bids if b.case_id}
    after = _keys(connection, ids)
    deltas: Counter[Key] = Counter()
    for case_id in ids:
        if case_id in before:
            deltas[before[case_id]] -= 1
        if case_id in after:
            deltas[after[case_id]] += 1
    add(connection, deltas)


def add(connection: Connection, deltas: Counter[Key]) -> None:
    """Add ``deltas`` to the stored counts (an upsert per key that changed)."""
    from caseapp.dashboard.models import CaseloadCount

    # In key order, so that two transactions touching the same keys lock them in the same
    # order (no deadlock on PostgreSQL).
    rows = [
        {"caseworker_id": k[0], "stage": k[1], "opened_on": k[2], "bid_approved": k[3], "cases": n}
        for k, n in sorted(deltas.items())
        if n
    ]
    if not rows:
        return
    table = CaseloadCount.__table__
    statement = insert_or_update(connection.dialect.name, table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={"cases": table.c.cases + statement.excluded.cases},
    )
    connection.execute(statement, rows)


def fresh(connection: Connection) -> Counter[Key]:
    """The counts as the cases give them now (every case read: for repair and tests)."""
    counts: Counter[Key] = Counter()
    for row in connection.execute(select(*key_columns()).where(Case.caseworker_id.is_not(None))):
        key = _key(row)
        if key is not None:
            counts[key] += 1
    return counts


def stored(connection: Connection) -> Counter[Key]:
    """The counts as kept (keys with no case left out)."""
    from caseapp.dashboard.models import CaseloadCount as C

    query = select(C.caseworker_id, C.stage, C.opened_on, C.bid_approved, C.cases)
    return Counter(
        {(r[0], Stage(r[1]), r[2], bool(r[3])): r[4] for r in connection.execute(query) if r[4]}
    )


def differences(connection: Connection) -> int:
    """How many keys' kept counts differ from the cases (0: they agree)."""
    right, kept = fresh(connection), stored(connection)
    return sum(1 for k in set(right) | set(kept) if right[k] != kept[k])


def recount(connection: Connection) -> int:
    """Rebuild the counts from the cases; how many keys were wrong."""
    from caseapp.dashboard.models import CaseloadCount

    wrong = differences(connection)
    connection.execute(delete(CaseloadCount))
    add(connection, fresh(connection))
    return wrong


def register() -> None:
    """Listen on every session (idempotent)."""
    for name, fn in (("before_flush", _note), ("after_flush", _apply)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


register()
