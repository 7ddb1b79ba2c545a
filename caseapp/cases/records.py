"""Writing one record of a case: what every area's operations share (DESIGN.md section 3).

A record change is checked (``require_filled``), then written with its audit entry and a bump
of the case's version (``record_change``), so a concurrent edit of the same case loses with
``StaleVersion`` and the entry is in the same transaction as the change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case
from caseapp.core.errors import ValidationFailed

if TYPE_CHECKING:
    from caseapp.auth.models import User


def require_filled(**values: Any) -> None:
    """Refuse when a required value is missing or blank (the names say which, for readers)."""
    for value in values.values():
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValidationFailed(_("Fill in every required field."))


def record_change(
    actor: User, case: Case, obj: Any, tag: AuditAction, *, reason: str | None = None
) -> None:
    """Audit a new or modified ``obj`` of ``case`` (one entry, its field-level diff) and bump
    the case's version (``versioning.touch_case``)."""
    diff = diff_of(obj)
    versioning.touch_case(case)
    record(actor, tag, obj, case=case, diff=diff, reason=reason)
