"""Withdrawals as records of their own: of a guarantee, of the child's or the guardian's
consent, of the counterpart's readiness, and objections to the return (DESIGN.md section
4.1, item 2: "withdrawals ... are records of their own, possible until the handover").

A withdrawal changes no earlier record: the gate reads the latest word (a later guarantee,
consent or confirmation counts again).
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from caseapp.agencies.register import from_register
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Stage
from caseapp.cases.parties import WITHDRAWAL_ACTS
from caseapp.cases.records import require_filled
from caseapp.cases.workflow import require_stage
from caseapp.core import clock
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.crossborder.models import CareGuarantee, Withdrawal, WithdrawalKind

# Until the handover: every open stage before the child has travelled.
WITHDRAWAL_STAGES = frozenset(
    {
        Stage.REGISTERED,
        Stage.ASSESSMENT,
        Stage.DETERMINATION,
        Stage.DECIDED,
        Stage.RETURN_PREPARATION,
        Stage.RETURN_APPROVED,
    }
)


def record_withdrawal(
    actor,
    case: Case,
    *,
    kind: WithdrawalKind,
    on_date: date,
    made_by: str | None = None,
    agency_id: int | None = None,
    reason: str | None = None,
    guarantee: CareGuarantee | None = None,
    expected_version: int | None,
) -> Withdrawal:
    """Record a withdrawal or an objection on ``case`` (one audit entry: ``withdrawal:record``, or
    ``guarantee:withdraw`` for a guarantee).

    Refused after the handover, in the future, or for a guarantee of another case or one
    already withdrawn. A guarantee's ``withdrawn_on`` mirrors its withdrawal for the lists.
    """
    kind = WithdrawalKind(kind)
    # The guardian withdraws their own consent or objects for the child (issue 10).
    party_act = WITHDRAWAL_ACTS.get(kind)
    # A new record: only a stage change since the page was loaded refuses it (issue 12 item 2).
    versioning.check_record_may_act(
        actor,
        case,
        party_act is not None and case.party_may(actor, party_act),
        expected_version,
    )
    message = _("A withdrawal or objection can be recorded only until the child is handed over.")
    require_stage(case, WITHDRAWAL_STAGES, message)
    require_filled(on_date=on_date)
    if on_date > clock.today():
        raise ValidationFailed(_("The date cannot be in the future."))
    if (kind is WithdrawalKind.GUARANTEE) != (guarantee is not None):
        raise ValidationFailed(_("Choose the guarantee that is withdrawn."))
    if guarantee is not None:
        if guarantee.case_id != case.id:
            raise ValidationFailed(_("This guarantee is not part of this case."))
        if guarantee.withdrawn_on is not None:
            raise ValidationFailed(_("This guarantee was already withdrawn."))
        if on_date < guarantee.given_on:
            raise ValidationFailed(_("A guarantee cannot be withdrawn before it was given."))
        guarantee.withdrawn_on = on_date
    from_register(agency_id)
    withdrawal = Withdrawal(
        case=case,
        kind=kind,
        on_date=on_date,
        guarantee_id=guarantee.id if guarantee is not None else None,
        made_by=(made_by or "").strip() or None,
        agency_id=agency_id,
        reason=(reason or "").strip() or None,
        recorded_by_id=actor.id,
    )
    db.session.add(withdrawal)
    diff = diff_of(withdrawal)
    if guarantee is not None:
        diff["guarantee_withdrawn_on"] = [None, on_date.isoformat()]
    versioning.touch_case(case)
    # The guarantee keeps its established audit tag; the others are ``withdrawal:record``.
    action = (
        AuditAction.GUARANTEE_WITHDRAW if guarantee is not None else AuditAction.WITHDRAWAL_RECORD
    )
    record(actor, action, withdrawal, case=case, diff=diff)
    return withdrawal
