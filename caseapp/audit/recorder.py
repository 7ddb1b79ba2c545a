"""Writing audit entries. Operations call ``record`` before they return; the request commits.

Because the entry is added to the same session as the change, the two are committed or
rolled back together: there is never a change without its entry, nor an entry without its
change. Each entry is linked into the hash chain (``caseapp.audit.chain``) in that same
transaction.

Reading is audited too (DESIGN.md section 6; 002, Rec 2 and Rec 6 -- ombudspersons must be
able to see who looked at a child's record):

- views call ``caseapp.core.web.audit_read(pending(actor, AuditAction.CASE_VIEW, case))``;
  the request layer writes the entry in a short write at the end of the same request
  (``PendingEntry``), and a failure to write it fails the request, so it is never lost;
- a refused access (``caseapp.core.web.load``) and a gate refusal are written the same
  way, after the request's own changes were rolled back.

Each entry made during a web request carries that request's id (``request_id``, made once per
request by ``caseapp.core.web``), so the audit log shows what one request did together.

Nothing here commits: the request layer (``caseapp.core.web``) and the CLI own transactions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import has_request_context
from sqlalchemy import inspect

from caseapp.audit.actions import AuditAction
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
    action: AuditAction,
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
    ``action`` is an ``AuditAction`` member (a bare string is a ``TypeError``).
    """
    tag = _tag(action)
    if diff is None and obj is not None:
        diff = diff_of(obj)
    db.session.flush()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_agency_id=actor.agency_id if actor is not None else None,
        action=tag,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        case_id=case.id if case is not None else _case_id_of(obj),
        diff=_plain(diff) if diff else None,
        reason=reason,
        request_id=current_request_id(),
    )
    return append(entry)


def current_request_id() -> str | None:
    """The id of the web request being handled (``caseapp.core.web.request_id``), or None
    outside a request (command line, background jobs)."""
    if not has_request_context():
        return None
    from caseapp.core.web import request_id

    return request_id()


def _tag(action: AuditAction) -> str:
    """The tag as stored: the value of an ``AuditAction`` member. Anything else, a bare string
    too, is refused, so every tag an entry can carry is named in ``caseapp.audit.actions``."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit tags are AuditAction members, not {action!r}")
    return action.value


@dataclass(frozen=True)
class PendingEntry:
    """An entry to write later, in its own short transaction, by the request layer.

    Used for what must be audited although the request's own transaction is rolled back or
    only read (a refused access, a gate refusal, a child's record viewed, a download): the
    values are copied now, so writing needs no object of the (expired) session.
    """

    actor_id: int | None
    actor_agency_id: int | None
    action: str
    object_type: str | None
    object_id: int | None
    case_id: int | None
    diff: dict | None
    reason: str | None = None
    request_id: str | None = None

    def write(self) -> AuditEntry:
        """Add the entry to the current transaction (the request layer commits)."""
        return append(
            AuditEntry(
                actor_id=self.actor_id,
                actor_agency_id=self.actor_agency_id,
                action=self.action,
                object_type=self.object_type,
                object_id=self.object_id,
                case_id=self.case_id,
                diff=_plain(self.diff) if self.diff else None,
                reason=self.reason,
                request_id=self.request_id,
            )
        )


def pending(
    actor: User | None,
    action: AuditAction,
    obj: Any = None,
    *,
    case: Any = None,
    diff: dict | None = None,
) -> PendingEntry:
    """An entry for ``action`` on ``obj``, to be written by the request layer at the end."""
    return PendingEntry(
        actor_id=actor.id if actor is not None else None,
        actor_agency_id=actor.agency_id if actor is not None else None,
        action=_tag(action),
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        case_id=case.id if case is not None else _case_id_of(obj),
        diff=diff,
        request_id=current_request_id(),
    )
