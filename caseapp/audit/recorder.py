"""Writing audit entries. Operations call ``record`` before they return; the request commits.

Because the entry is added to the same session as the change, the two are committed or
rolled back together: there is never a change without its entry, nor an entry without its
change. Each entry is linked into the hash chain (``caseapp.audit.chain``) in that same
transaction.

Reading is audited too (DESIGN.md section 6; 002, Rec 2 and Rec 6 -- ombudspersons must be
able to see who looked at a child's record):

- ``record_view(actor, obj)`` -- call it from every view that shows a child's record (the
  case page, a child's page, a hearing, ...). It records ``"<object>:record:view"`` (e.g.
  ``case:record:view``) and commits at once, so GET views need not commit.
- ``record_download(actor, obj)`` -- the same for a downloaded file or export.
- ``record_refusal`` -- used by ``load_or_404`` for a refused access.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect

from caseapp.audit.chain import append
from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User

# Never copied into a diff, whatever the model.
SECRET_FIELDS = frozenset({"password_hash", "totp_secret", "recovery_codes"})


def _plain(value: Any) -> Any:
    """Make a column value JSON-serialisable."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def diff_of(obj: Any) -> dict[str, list[Any]]:
    """Field-level diff ``{field: [old, new]}`` of an object pending in the session.

    New objects show ``[None, value]`` for every set column; modified ones only what changed.
    """
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SECRET_FIELDS or key == "version":
            continue
        hist = state.attrs[key].history
        if state.pending or state.transient:
            value = getattr(obj, key)
            if value is not None and key != "id":
                changes[key] = [None, _plain(value)]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[key] = [_plain(old), _plain(new)]
    return changes


def _case_id_of(obj: Any) -> int | None:
    """The case an object belongs to, if any."""
    if obj is None:
        return None
    if type(obj).__name__ == "Case":
        return obj.id
    return getattr(obj, "case_id", None)


def record(
    actor: User | None,
    action: str,
    obj: Any = None,
    *,
    case: Any = None,
    diff: dict | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` to the current transaction.

    ``action`` is tagged ``"subject:object:action"`` style (``case:stage:change``,
    ``bid:approve``, ``gate:refuse``). Call it *before* flushing the change when a diff is
    wanted (``diff_of`` reads the pending history), or pass ``diff`` explicitly.
    The entry gets its sequence number, time and chain hash here, under the chain-head lock.
    """
    if diff is None and obj is not None:
        diff = diff_of(obj)
    db.session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_agency_id=actor.agency_id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        case_id=case.id if case is not None else _case_id_of(obj),
        diff=_plain(diff) if diff else None,
        reason=reason,
    )
    return append(entry)


def record_refusal(actor: User | None, obj: Any, action: str = "access:object:refuse") -> None:
    """Record, and commit at once, a refused access (the request itself will be aborted).

    Called only from the request layer (``load_or_404``), which owns the transaction.
    """
    db.session.rollback()
    record(actor, action, obj, diff={})
    db.session.commit()


def _object_tag(obj: Any) -> str:
    return type(obj).__name__.lower()


def record_view(actor: User | None, obj: Any, *, action: str | None = None) -> AuditEntry:
    """Record, and commit at once, that ``actor`` viewed ``obj`` (a child's record).

    Call from any view showing a child's record, after the permission checks. The action is
    ``"<object>:record:view"`` (``case:record:view`` for a case) unless given.
    """
    entry = record(actor, action or f"{_object_tag(obj)}:record:view", obj, diff={})
    db.session.commit()
    return entry


def record_download(actor: User | None, obj: Any, *, diff: dict | None = None) -> AuditEntry:
    """Record, and commit at once, that ``actor`` downloaded ``obj`` (a document, a file)."""
    entry = record(actor, f"{_object_tag(obj)}:file:download", obj, diff=diff or {})
    db.session.commit()
    return entry
