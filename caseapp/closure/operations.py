"""Closing a case from any open stage with a reason, and reopening it (DESIGN.md section 3).

The other outcomes (local integration, tolerated stay or regularisation, third country) are
carried from ``implementation`` to closure with the reason "solution implemented".
Both name the case version the user loaded (``expected_version``; ``None`` is refused), so a
conflicting edit gets a clear message, not a silent overwrite (DESIGN.md section 3 item 8).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.cases import versioning, workflow
from caseapp.cases.models import Case, Stage
from caseapp.core import clock
from caseapp.core.enums import LabelledEnum
from caseapp.core.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.dashboard.models import NotificationKind
from caseapp.dashboard.operations import notify, notify_parties

if TYPE_CHECKING:
    from caseapp.auth.models import User


class ClosureReason(LabelledEnum):
    """Why a case closes."""

    TURNED_18 = "turned_18", _l("The child turned 18")
    ABSCONDED = "absconded", _l("The child absconded")
    TRANSFERRED = "transferred", _l("Transferred to another authority")
    MONITORING_COMPLETED = "monitoring_completed", _l("Post-return monitoring completed")
    SOLUTION_IMPLEMENTED = "solution_implemented", _l("Solution implemented")
    OTHER = "other", _l("Other")


def close_case(
    actor: User,
    case: Case,
    *,
    reason: ClosureReason,
    expected_version: int | None,
    note: str | None = None,
    today: date | None = None,
    comment: str | None = None,
) -> None:
    """Close ``case`` from any open stage with ``reason`` (audited ``case:close``).

    A return approval in force is withdrawn (never deleted). Reasons are checked against the
    case: "turned 18" needs the child no longer a minor, "monitoring completed" the monitoring
    stage, "solution implemented" the implementation stage, "other" a note.
    """
    if not case.can_close_or_reopen(actor):
        raise PermissionDenied(_("You may not close this case."))
    versioning.check_version(case, expected_version)
    if case.stage is Stage.CLOSED:
        raise InvalidTransition(_("The case is already closed."))
    today = today or clock.today()
    note = (note or "").strip() or None
    if reason is ClosureReason.TURNED_18 and (case.child is None or case.child.is_minor_on(today)):
        raise ValidationFailed(_("The child is not 18 yet."))
    if reason is ClosureReason.TURNED_18:
        from caseapp.age.operations import has_transition_plan

        # Out of the child procedure only with a plan (issue 15: transition planning).
        if not has_transition_plan(case):
            raise ValidationFailed(
                _("Record the transition plan first: where the young person goes at 18.")
            )
    if reason is ClosureReason.MONITORING_COMPLETED and case.stage is not Stage.MONITORING:
        raise ValidationFailed(_("Only a case under monitoring can close as monitoring completed."))
    if reason is ClosureReason.SOLUTION_IMPLEMENTED and case.stage is not Stage.IMPLEMENTATION:
        raise ValidationFailed(
            _("Only a case in implementation can close as solution implemented.")
        )
    if reason is ClosureReason.OTHER and note is None:
        raise ValidationFailed(_("Explain the reason for closing."))
    if case.stage is Stage.RETURN_APPROVED:
        from caseapp.gate.operations import withdraw_return_approval

        withdraw_return_approval(actor, case, reason="case closed")
    text = reason.value if note is None else f"{reason.value}: {note}"
    workflow.move(
        actor,
        case,
        Stage.CLOSED,
        expected_version=expected_version,
        reason=text,
        action=AuditAction.CASE_CLOSE,
        # The comment given on the confirmation step (issue 12 item 4).
        extra_diff={"comment": comment} if comment else None,
    )
    notify(actor, case.caseworker_id, NotificationKind.CASE_CLOSED, case)
    notify_parties(actor, case, NotificationKind.CASE_CLOSED)  # issue 10 item 2


def reopen_case(actor: User, case: Case, *, reason: str, expected_version: int | None) -> None:
    """Reopen a closed case at ``registered`` (audited ``case:reopen``); a new determination
    will be needed, so the outcome is cleared."""
    if not case.can_close_or_reopen(actor):
        raise PermissionDenied(_("You may not reopen this case."))
    versioning.check_version(case, expected_version)
    if case.stage is not Stage.CLOSED:
        raise InvalidTransition(_("Only a closed case can be reopened."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Explain why the case is reopened."))
    old_outcome = case.outcome.value if case.outcome else None
    case.outcome = None
    workflow.move(
        actor,
        case,
        Stage.REGISTERED,
        expected_version=expected_version,
        reason=reason.strip(),
        action=AuditAction.CASE_REOPEN,
        extra_diff={"outcome": [old_outcome, None]},
    )


def closure_reason_text(stored: str | None) -> str:
    """The reader's words for a stored closure reason (``"absconded: note"``): the reason's
    label and the note, never the stored value (issue 12 item 6)."""
    if not stored:
        return ""
    value, _sep, note = stored.partition(": ")
    try:
        label = str(ClosureReason(value).label)
    except ValueError:
        return stored  # written before the reasons were an enum: shown as it was typed
    return f"{label}: {note}" if note else label
