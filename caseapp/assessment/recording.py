"""How the record operations of the assessment stage write (shared by ``representation``,
``care``, ``hearings`` and ``tracing``): free text cleaned, one audit entry per change, the
case version bumped."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from caseapp.assessment.guards import touch_case
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases.models import Case
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User


def clean_text(value: str | None) -> str | None:
    """Strip a free-text value; empty becomes None."""
    value = (value or "").strip()
    return value or None


def required_text(value: str | None, message: str) -> str:
    """A non-empty stripped text, or ValidationFailed with ``message``."""
    value = clean_text(value)
    if value is None:
        raise ValidationFailed(message)
    return value


def check_end_date(started: date, ended_on: date) -> None:
    """An end date cannot precede the start."""
    if ended_on < started:
        raise ValidationFailed(_("The end date cannot be before the start date."))


def add_record(actor: User, action: AuditAction, obj: Any, case: Case) -> None:
    """Add a new record, audit it (one entry) and bump the case version."""
    db.session.add(obj)
    diff = diff_of(obj)
    touch_case(case)
    record(actor, action, obj, case=case, diff=diff)


def change_record(
    actor: User, action: AuditAction, obj: Any, case: Case, reason: str | None = None
) -> None:
    """Audit a modified record (one entry) and bump the case version."""
    diff = diff_of(obj)
    touch_case(case)
    record(actor, action, obj, case=case, diff=diff, reason=reason)
