"""Return approval through the gate, policy versions and the suspension register.

Operations only flush; the view or CLI command commits (DESIGN.md section 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, pending, record
from caseapp.cases import versioning, workflow
from caseapp.cases.models import Case, Stage
from caseapp.core import clock
from caseapp.core.countries import require_country
from caseapp.core.db import utcnow
from caseapp.core.errors import (
    FourEyesViolation,
    GateNotSatisfied,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission
from caseapp.core.validators import schedule_problem
from caseapp.dashboard.models import NotificationKind
from caseapp.dashboard.operations import notify, notify_parties
from caseapp.determination.models import writers_of
from caseapp.gate import hold
from caseapp.gate.data import load_gate_data
from caseapp.gate.evaluation import GateResult, evaluate_return_gate
from caseapp.gate.models import (
    POLICY_LABELS,
    POLICY_MINIMUMS,
    PolicySettings,
    ReturnApproval,
    ReturnSuspension,
)
from caseapp.gate.policy import current_policy

if TYPE_CHECKING:
    from caseapp.auth.models import User


def _stale() -> StaleVersion:
    return StaleVersion(versioning.stale_message())


def approve_return(
    actor: User,
    case: Case,
    *,
    expected_version: int | None,
    today: date | None = None,
    approved_at: datetime | None = None,
    comment: str | None = None,
) -> ReturnApproval:
    """Approve the return of ``case`` through the gate: return_preparation -> return_approved.

    Refuses unless the actor is a supervisor of the lead agency (RETURN_APPROVE), did not
    author the determination (four eyes), works on the current case version, and every
    safeguard S1-S19 is met (DESIGN.md section 4). On refusal by the gate a
    ``GateNotSatisfied`` carries the ``GateResult`` in ``details`` and the ``gate:refuse``
    entry in ``audit``: the request layer (or the CLI) rolls back and then writes that entry
    in its own transaction, so the refusal is audited and nothing else is stored.

    ``today`` and ``approved_at`` (default: now) record an approval given earlier, e.g. in
    the demo data; the gate is then evaluated on ``today``. Neither may be in the future.
    """
    if not actor.can(Permission.RETURN_APPROVE):
        raise PermissionDenied(_("Only a supervisor may approve a return."))
    if actor.agency_id != case.lead_agency_id:
        raise PermissionDenied(_("Only a supervisor of the lead agency may approve this return."))
    versioning.check_version(case, expected_version)
    if case.stage is not Stage.RETURN_PREPARATION:
        raise InvalidTransition(_("Only a case in return preparation can be approved for return."))
    now = utcnow()
    if (today is not None and today > clock.today()) or (approved_at and approved_at > now):
        raise ValidationFailed(_("The date cannot be in the future or before the previous step."))
    today = today or clock.today()
    policy = current_policy()
    data = load_gate_data(case)
    own_work = case.own_work_in_return(actor, writers_of(data.bid), data.preparers)
    if own_work is not None:
        raise FourEyesViolation(own_work)
    result = evaluate_return_gate(case, today=today, policy=policy, data=data)
    if not result.all_met:
        raise GateNotSatisfied(
            _(
                "The return cannot be approved: safeguards not met: %(ids)s.",
                ids=", ".join(result.unmet_ids),
            ),
            details=result,
            audit=pending(
                actor, AuditAction.GATE_REFUSE, case, case=case, diff={"gate": result.to_dict()}
            ),
        )
    approval = ReturnApproval(
        case=case,
        approved_by_id=actor.id,
        approved_at=approved_at or now,
        case_version=case.version,
        policy_version=policy.version,
        gate_evaluation=result.to_dict(),
    )
    db.session.add(approval)
    try:
        # The approval and the stage change are flushed together (gate/guard.py checks it);
        # a concurrent approval fails here on the version or the one-in-force index.
        workflow.move(actor, case, Stage.RETURN_APPROVED, expected_version=expected_version)
    except (StaleDataError, IntegrityError) as err:
        raise _stale() from err
    record(
        actor,
        AuditAction.RETURN_APPROVE,
        approval,
        case=case,
        diff={"gate": result.to_dict()},
        reason=comment,  # the supervisor's comment on the confirmation step (issue 12 item 4)
    )
    notify(actor, case.caseworker_id, NotificationKind.RETURN_APPROVED, case)
    notify_parties(actor, case, NotificationKind.RETURN_APPROVED)  # issue 10 item 2
    return approval


@dataclass
class GateRefusal:
    """A gate refusal to audit after the request rolled back (the request layer calls
    ``write`` in its own transaction: ``caseapp.core.web``; a CLI command inside
    ``core.cli.transaction()``). A refused return execution also re-checks the approval, and
    withdraws it when a safeguard is unmet that day (``gate.hold``; issue 9, principle 6)."""

    actor: User | None
    case: Case
    result: GateResult

    def write(self) -> None:
        """Record ``gate:refuse`` (and re-check an approved case)."""
        case = self.case
        executing = case.stage is Stage.RETURN_APPROVED
        diff = {
            "gate": self.result.to_dict(),
            "attempted": "return:execute" if executing else "return:approve",
        }
        record(self.actor, AuditAction.GATE_REFUSE, case, case=case, diff=diff)
        if executing:
            hold.recheck_case(self.actor, case)


def withdraw_return_approval(actor: User, case: Case, *, reason: str) -> ReturnApproval | None:
    """Withdraw the approval in force (never delete it), e.g. when the case closes."""
    approval = db.session.scalar(
        select(ReturnApproval).where(
            ReturnApproval.case_id == case.id, ReturnApproval.withdrawn_at.is_(None)
        )
    )
    if approval is None:
        return None
    approval.withdrawn_at = utcnow()
    approval.withdrawn_reason = reason
    record(actor, AuditAction.RETURN_APPROVAL_WITHDRAW, approval, case=case, reason=reason)
    return approval


def _require_policy_manager(actor: User) -> None:
    if not actor.can(Permission.POLICY_MANAGE):
        raise PermissionDenied(_("Only an administrator may change the policy."))


POLICY_FIELDS = (
    "appeal_period_days",
    "hearing_max_age_days",
    "monitoring_schedule_months",
    "bid_time_limit_days",
    "central_approval_valid_days",
    "confirmation_valid_days",
    "guarantee_valid_days",
    "first_visit_within_days",
    "victim_referral_days",
    "transition_notice_days",
    "central_approval_by_party",
    "monitoring_by_party",
)


def change_policy(
    actor: User,
    *,
    appeal_period_days: int,
    hearing_max_age_days: int,
    monitoring_schedule_months: list[int],
    bid_time_limit_days: int,
    central_approval_valid_days: int | None = None,
    confirmation_valid_days: int | None = None,
    guarantee_valid_days: int | None = None,
    first_visit_within_days: int | None = None,
    victim_referral_days: int | None = None,
    transition_notice_days: int | None = None,
    central_approval_by_party: bool | None = None,
    monitoring_by_party: bool | None = None,
) -> PolicySettings:
    """Insert a new policy version (versions are never edited: each approval names one).

    Every value has a minimum (``POLICY_MINIMUMS``; DESIGN.md section 4.1, item 5): no
    setting may switch a safeguard off, e.g. an appeal period of 0 days (002, Rec 1). The
    validity windows and the party's-own-confirmation settings (S11, S17; issue 10, item 4)
    keep their current values when not given.
    """
    _require_policy_manager(actor)
    months = sorted(set(monitoring_schedule_months))
    if not months or any(m <= 0 for m in months):
        raise ValidationFailed(_("The monitoring schedule needs at least one month after 0."))
    problem = schedule_problem(months)  # 1 to 120 months (issue 14: no overflowing dates)
    if problem:
        raise ValidationFailed(problem)
    old = current_policy()
    values = {
        "appeal_period_days": appeal_period_days,
        "hearing_max_age_days": hearing_max_age_days,
        "bid_time_limit_days": bid_time_limit_days,
        "central_approval_valid_days": central_approval_valid_days,
        "confirmation_valid_days": confirmation_valid_days,
        "guarantee_valid_days": guarantee_valid_days,
        "first_visit_within_days": first_visit_within_days,
        "victim_referral_days": victim_referral_days,
        "transition_notice_days": transition_notice_days,
    }
    for key, value in values.items():
        if value is None:
            values[key] = value = getattr(old, key)
        if value < POLICY_MINIMUMS[key]:
            raise ValidationFailed(
                _(
                    "%(setting)s cannot be less than %(min)s days.",
                    setting=str(POLICY_LABELS[key]),
                    min=POLICY_MINIMUMS[key],
                )
            )
    parties = {
        "central_approval_by_party": central_approval_by_party,
        "monitoring_by_party": monitoring_by_party,
    }
    for key, flag in parties.items():
        parties[key] = getattr(old, key) if flag is None else bool(flag)
    new = PolicySettings(
        version=old.version + 1,
        monitoring_schedule_months=months,
        **parties,
        created_by_id=actor.id,
        created_at=utcnow(),
        **values,
    )
    db.session.add(new)
    diff = {
        key: [getattr(old, key), getattr(new, key)]
        for key in POLICY_FIELDS
        if getattr(old, key) != getattr(new, key)
    }
    diff["version"] = [old.version, new.version]
    try:
        record(actor, AuditAction.POLICY_CHANGE, new, diff=diff)
    except IntegrityError as err:  # two admins saving at once: same new version number
        raise _stale() from err
    return new


def add_suspension(
    actor: User, *, country: str, reason: str, suspended_from: date
) -> ReturnSuspension:
    """Suspend returns to ``country`` (crisis provisions: 002, Day 1 plenary)."""
    _require_policy_manager(actor)
    code = require_country(country)
    assert code is not None  # not optional: require_country refuses a missing code
    country = code
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for the suspension."))
    suspension = ReturnSuspension(
        country=country,
        reason=reason.strip(),
        suspended_from=suspended_from,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    db.session.add(suspension)
    record(actor, AuditAction.SUSPENSION_ADD, suspension, diff=diff_of(suspension))
    return suspension


def lift_suspension(
    actor: User, suspension: ReturnSuspension, *, lifted_on: date, comment: str | None = None
) -> None:
    """Lift a suspension from ``lifted_on`` (it stays in the register)."""
    _require_policy_manager(actor)
    if suspension.lifted_on is not None:
        raise ValidationFailed(_("This suspension was already lifted."))
    if lifted_on < suspension.suspended_from:
        raise ValidationFailed(_("A suspension cannot be lifted before it began."))
    suspension.lifted_on = lifted_on
    record(actor, AuditAction.SUSPENSION_LIFT, suspension, diff=diff_of(suspension), reason=comment)
