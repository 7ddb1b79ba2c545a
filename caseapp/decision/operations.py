"""Decision operations: the decision and its notice, appeals, complaints, proceeding after
the decision, and reopening the determination (002, Rec 1: right to be heard, to complain and
to appeal; DESIGN.md section 3).

Audit: a transition writes one ``case:stage:change`` entry (with the outcome in its diff);
every record operation writes exactly one entry of its own. Operations that do both write
both: ``record_decision`` (``decision:notice:create`` + stage change) and
``reopen_determination`` (``bid:review:reopen`` + stage change). ``decide_appeal`` upholding
an appeal, ``lodge_complaint`` with an objection and ``record_new_fact`` reopen the
determination, so they add those two entries to their own.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.agencies.models import AgencyKind
from caseapp.agencies.register import from_register
from caseapp.assessment.guards import (
    check_editable,
    move,
    require_stage,
    require_transition,
    touch_case,
)
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Outcome, Stage
from caseapp.cases.parties import COMPLAINANT_ACTS, PartyAct
from caseapp.cases.versioning import check_own_version, check_record_may_act, require_edit
from caseapp.cases.workflow import AFTER_DECISION
from caseapp.core import clock
from caseapp.core.db import utcnow
from caseapp.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.dashboard.models import NotificationKind
from caseapp.dashboard.operations import notify_parties
from caseapp.decision.models import (
    Appeal,
    AppealStatus,
    ComplainantKind,
    Complaint,
    ComplaintStatus,
    DecisionNotice,
)
from caseapp.decision.queries import current_notice, execution_suspended  # noqa: F401
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.determination.operations import approved_bid
from caseapp.gate.models import ReturnApproval
from caseapp.gate.policy import current_policy

if TYPE_CHECKING:
    from caseapp.auth.models import User

# Stages after a decision, while it is in force (appeals and complaints against it).
DECIDED_STAGES = frozenset(
    {
        Stage.DECIDED,
        Stage.RETURN_PREPARATION,
        Stage.RETURN_APPROVED,
        Stage.RETURNED,
        Stage.MONITORING,
        Stage.IMPLEMENTATION,
    }
)
# Stages from which the determination can be reopened (workflow.TRANSITIONS).
REOPENABLE_STAGES = frozenset({Stage.DECIDED, Stage.RETURN_PREPARATION, Stage.RETURN_APPROVED})


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def appeal_deadline(notice: DecisionNotice) -> date:
    """Appeal deadline: the notification date plus the policy's appeal period. The clock runs
    from the later of the child's and the guardian's notification; until then from the
    decision date (002, Rec 1: right to appeal)."""
    dates = [d for d in (notice.child_notified_on, notice.guardian_notified_on) if d]
    start = max(dates) if dates else notice.decided_on
    return start + timedelta(days=current_policy().appeal_period_days)


def record_decision(
    actor: User,
    case: Case,
    *,
    outcome: Outcome,
    decided_on: date,
    expected_version: int | None,
    reasons: str | None = None,
) -> DecisionNotice:
    """determination -> decided, only on an approved BID. The outcome is normally the BID's
    recommendation; a different outcome needs reasons (002, Rec 2: decision on the basis
    of a best-interests determination)."""
    check_editable(actor, case, expected_version)
    require_transition(case, Stage.DECIDED, sources={Stage.DETERMINATION})
    bid = approved_bid(case)
    if bid is None:
        raise ValidationFailed(_("The decision needs a BID approved by a supervisor."))
    outcome = Outcome(outcome)
    reasons = _text(reasons)
    if outcome is not bid.recommended and reasons is None:
        raise ValidationFailed(
            _("The outcome differs from the BID's recommendation: give the reasons.")
        )
    if bid.approved_at is not None and decided_on < clock.local_date(bid.approved_at):
        raise ValidationFailed(_("The decision cannot be dated before the BID was approved."))
    notice = DecisionNotice(
        case_id=case.id,
        bid_id=bid.id,
        outcome=outcome,
        decided_on=decided_on,
        decided_by_id=actor.id,
        appeal_deadline=decided_on,
    )
    notice.appeal_deadline = appeal_deadline(notice)
    db.session.add(notice)
    diff = diff_of(notice)
    case.outcome = outcome
    move(
        actor,
        case,
        Stage.DECIDED,
        expected_version=expected_version,
        reason=reasons,
        extra_diff={"outcome": [None, outcome.value]},
    )
    record(actor, AuditAction.NOTICE_CREATE, notice, case=case, diff=diff, reason=reasons)
    notify_parties(actor, case, NotificationKind.DECISION_TAKEN)  # issue 10 item 2
    return notice


def _notice_for_update(actor: User, notice: DecisionNotice, expected_version: int | None) -> Case:
    case = notice.case
    require_edit(actor, case)
    # A notice named by a form opened before the determination was reopened (issue 12): refused
    # as superseded before its version is compared (superseding it moved the version too).
    if notice.superseded_at is not None:
        raise ValidationFailed(_("This decision has been superseded."))
    # The notice's own lock (issue 12 item 2): ``expected_version`` is the notice's version.
    check_own_version(notice, expected_version)
    return case


def notify_child(
    actor: User,
    notice: DecisionNotice,
    *,
    notified_on: date,
    language: str | None,
    child_understands_language: bool,
    expected_version: int | None,
) -> DecisionNotice:
    """Record that the decision was notified to the child in a language they understand; the
    appeal deadline is recomputed from the notification (002, Rec 1)."""
    case = _notice_for_update(actor, notice, expected_version)
    if notified_on < notice.decided_on:
        raise ValidationFailed(_("The notification cannot be before the decision."))
    language = _text(language)
    if language is None:
        raise ValidationFailed(_("Enter the language of the notice."))
    notice.child_notified_on = notified_on
    notice.notice_language = language
    notice.child_understands_language = bool(child_understands_language)
    notice.appeal_deadline = appeal_deadline(notice)
    diff = diff_of(notice)
    touch_case(case)
    record(actor, AuditAction.NOTICE_NOTIFY_CHILD, notice, case=case, diff=diff)
    return notice


def notify_guardian(
    actor: User, notice: DecisionNotice, *, notified_on: date, expected_version: int | None
) -> DecisionNotice:
    """Record that the decision was notified to the guardian (002, Rec 3)."""
    case = _notice_for_update(actor, notice, expected_version)
    if notified_on < notice.decided_on:
        raise ValidationFailed(_("The notification cannot be before the decision."))
    notice.guardian_notified_on = notified_on
    notice.appeal_deadline = appeal_deadline(notice)
    diff = diff_of(notice)
    touch_case(case)
    record(actor, AuditAction.NOTICE_NOTIFY_GUARDIAN, notice, case=case, diff=diff)
    return notice


def lodge_appeal(
    actor: User,
    case: Case,
    *,
    lodged_on: date,
    lodged_by: str,
    body: str,
    grounds: str | None = None,
    expected_version: int | None,
) -> Appeal:
    """Record an appeal against the decision; while pending it suspends execution
    (002, Rec 1; fn 12 (iv)). The caseworker records it, or the guardian or the lawyer lodges
    it for the child (issue 10)."""
    # A new record: only a stage change since the page was loaded refuses it (issue 12 item 2).
    check_record_may_act(actor, case, case.party_may(actor, PartyAct.APPEAL), expected_version)
    require_stage(case, DECIDED_STAGES)
    notice = current_notice(case)
    if notice is None:
        raise ValidationFailed(_("There is no decision to appeal against."))
    if lodged_on < notice.decided_on:
        raise ValidationFailed(_("An appeal cannot be lodged before the decision."))
    appeal = Appeal(
        case_id=case.id,
        notice_id=notice.id,
        lodged_on=lodged_on,
        lodged_by=_text(lodged_by) or "",
        body=_text(body) or "",
        grounds=_text(grounds),
        status=AppealStatus.PENDING,
    )
    if not appeal.lodged_by or not appeal.body:
        raise ValidationFailed(_("Say who lodged the appeal and with which body."))
    db.session.add(appeal)
    diff = diff_of(appeal)
    touch_case(case)
    record(actor, AuditAction.APPEAL_LODGE, appeal, case=case, diff=diff)
    return appeal


def decide_appeal(
    actor: User,
    appeal: Appeal,
    *,
    status: AppealStatus,
    decided_on: date,
    result_summary: str | None,
    expected_version: int | None,
) -> Appeal:
    """Record the appeal's outcome. An upheld appeal reopens the determination (DESIGN.md
    section 3), withdrawing the BID and any return approval."""
    case = appeal.case
    require_edit(actor, case)
    check_own_version(appeal, expected_version)  # the appeal's own lock (issue 12 item 2)
    status = AppealStatus(status)
    if appeal.status is not AppealStatus.PENDING:
        raise ValidationFailed(_("This appeal has already been decided."))
    if status is AppealStatus.PENDING:
        raise ValidationFailed(_("Choose the appeal's outcome."))
    if decided_on < appeal.lodged_on:
        raise ValidationFailed(_("An appeal cannot be decided before it was lodged."))
    reopen = status is AppealStatus.UPHELD and case.stage in REOPENABLE_STAGES
    appeal.status = status
    appeal.decided_on = decided_on
    appeal.result_summary = _text(result_summary)
    diff = diff_of(appeal)
    touch_case(case)
    record(actor, AuditAction.APPEAL_DECIDE, appeal, case=case, diff=diff)
    notify_parties(actor, case, NotificationKind.APPEAL_DECIDED)  # issue 10 item 2
    if reopen:
        _reopen(actor, case, reason=_("Appeal upheld on %(day)s.", day=decided_on.isoformat()))
    return appeal


def lodge_complaint(
    actor: User,
    case: Case,
    *,
    lodged_by: ComplainantKind,
    lodged_on: date,
    subject: str | None,
    objects_to_decision: bool = False,
    addressed_to_id: int | None = None,
    expected_version: int | None,
) -> Complaint:
    """Record a complaint (002, Rec 1: access to complaints mechanisms; Rec 4: "lodge
    complaints with an independent and impartial authority"), addressed to the lead agency
    or to an ombudsperson institution from the agency register, which then answers it. An
    objection to the decision by the child, the guardian or the lawyer reopens the
    determination alike (DESIGN.md §3; 002, Rec 1; fn 12 (iv)). The guardian or the lawyer
    may lodge their own complaint (issue 10): only as themselves."""
    lodged_by = ComplainantKind(lodged_by)
    check_record_may_act(
        actor, case, case.party_may(actor, COMPLAINANT_ACTS.get(lodged_by)), expected_version
    )
    require_stage(case, frozenset(Stage) - {Stage.IDENTIFIED, Stage.CLOSED})
    from_register(addressed_to_id, kinds=(AgencyKind.OMBUDSPERSON,))
    subject = _text(subject)
    if subject is None:
        raise ValidationFailed(_("Describe the complaint."))
    if objects_to_decision and current_notice(case) is None:
        raise ValidationFailed(_("There is no decision to object to."))
    complaint = Complaint(
        case_id=case.id,
        lodged_by=lodged_by,
        lodged_on=lodged_on,
        subject=subject,
        objects_to_decision=bool(objects_to_decision),
        status=ComplaintStatus.OPEN,
        addressed_to_id=addressed_to_id,
    )
    db.session.add(complaint)
    diff = diff_of(complaint)
    touch_case(case)
    record(actor, AuditAction.COMPLAINT_LODGE, complaint, case=case, diff=diff)
    # Every complainant kind (the child, the guardian, the lawyer) may object: alike.
    if objects_to_decision and case.stage in REOPENABLE_STAGES:
        _reopen(actor, case, reason=_("Objection to the decision: %(subject)s", subject=subject))
    return complaint


def answer_complaint(
    actor: User,
    complaint: Complaint,
    *,
    response: str | None,
    responded_on: date,
    close: bool = False,
    expected_version: int | None,
) -> Complaint:
    """Record the answer given to a complaint (and optionally close it). A complaint to an
    ombudsperson institution is answered by that institution's ombudspersons, one to the
    lead agency by its staff (``Complaint.can_answer``)."""
    case = complaint.case
    if not complaint.can_answer(actor):
        raise PermissionDenied(_("This complaint is answered by the body it is addressed to."))
    versioning.check_own_version(complaint, expected_version)  # its own lock (issue 12 item 2)
    response = _text(response)
    if response is None:
        raise ValidationFailed(_("Write the answer."))
    if responded_on < complaint.lodged_on:
        raise ValidationFailed(_("A complaint cannot be answered before it was lodged."))
    if complaint.status is ComplaintStatus.CLOSED:
        raise ValidationFailed(_("This complaint is closed."))
    complaint.response = response
    complaint.responded_on = responded_on
    complaint.status = ComplaintStatus.CLOSED if close else ComplaintStatus.ANSWERED
    complaint.answered_by_id = actor.id
    diff = diff_of(complaint)
    touch_case(case)
    record(actor, AuditAction.COMPLAINT_ANSWER, complaint, case=case, diff=diff)
    notify_parties(actor, case, NotificationKind.COMPLAINT_ANSWERED)  # issue 10 item 2
    return complaint


def proceed_after_decision(actor: User, case: Case, *, expected_version: int | None) -> Case:
    """decided -> return_preparation (outcome return) or implementation (other outcomes),
    following ``workflow.AFTER_DECISION``. Preparation may start while an appeal is pending;
    execution may not (the return gate checks ``execution_suspended``)."""
    check_editable(actor, case, expected_version)
    if case.stage is not Stage.DECIDED or case.outcome is None:
        raise InvalidTransition(
            _("Only a decided case can proceed to return preparation or implementation.")
        )
    target = AFTER_DECISION[case.outcome]
    move(actor, case, target, expected_version=expected_version)
    return case


def reopen_determination(
    actor: User, case: Case, *, reason: str | None, expected_version: int | None
) -> BestInterestsDetermination | None:
    """Reopen the determination (BID review) after an upheld appeal, a new fact or an
    objection by the child or guardian: the approved BID and any return approval in force are
    withdrawn, the decision notice is superseded and the outcome cleared (DESIGN.md §3)."""
    check_editable(actor, case, expected_version)
    reason = _text(reason)
    if reason is None:
        raise ValidationFailed(_("Give the reason for reopening the determination."))
    require_transition(case, Stage.DETERMINATION, sources=REOPENABLE_STAGES)
    return _reopen(actor, case, reason=reason)


def record_new_fact(
    actor: User, case: Case, description: str | None, *, expected_version: int | None
) -> BestInterestsDetermination | None:
    """A new fact about the child's situation reopens the determination; the fact is kept as
    the reason of the ``bid:review:reopen`` entry (DESIGN.md section 3)."""
    check_editable(actor, case, expected_version)
    description = _text(description)
    if description is None:
        raise ValidationFailed(_("Describe the new fact."))
    require_transition(case, Stage.DETERMINATION, sources=REOPENABLE_STAGES)
    return _reopen(actor, case, reason=_("New fact: %(fact)s", fact=description))


def _reopen(actor: User, case: Case, *, reason: str) -> BestInterestsDetermination | None:
    """Withdraw the BID in force and any return approval, supersede the notice, clear the
    outcome and move back to determination. Callers checked permission and version."""
    require_transition(case, Stage.DETERMINATION, sources=REOPENABLE_STAGES)
    now = utcnow()
    bid = db.session.scalars(
        select(BestInterestsDetermination)
        .where(
            BestInterestsDetermination.case_id == case.id,
            BestInterestsDetermination.status == BidStatus.APPROVED,
        )
        .order_by(BestInterestsDetermination.id.desc())
    ).first()
    diff: dict = {}
    if bid is not None:
        bid.status = BidStatus.WITHDRAWN
        bid.withdrawn_at = now
        bid.withdrawn_reason = reason
        diff["bid"] = {"id": bid.id, "status": [BidStatus.APPROVED.value, "withdrawn"]}
    approvals = db.session.scalars(
        select(ReturnApproval).where(
            ReturnApproval.case_id == case.id, ReturnApproval.withdrawn_at.is_(None)
        )
    ).all()
    for approval in approvals:
        approval.withdrawn_at = now
        approval.withdrawn_reason = reason
    if approvals:
        diff["return_approvals_withdrawn"] = [a.id for a in approvals]
    notice = current_notice(case)
    if notice is not None:
        notice.superseded_at = now
        diff["notice_superseded"] = notice.id
    old_outcome = case.outcome
    case.outcome = None
    move(
        actor,
        case,
        Stage.DETERMINATION,
        expected_version=case.version,
        reason=reason,
        extra_diff={"outcome": [old_outcome.value if old_outcome else None, None]},
    )
    record(actor, AuditAction.BID_REOPEN, bid or case, case=case, diff=diff, reason=reason)
    return bid
