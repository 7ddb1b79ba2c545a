"""Return execution and post-return monitoring (002, Rec 2: independent monitoring and
follow-up support; DESIGN.md section 3: return_approved -> returned -> monitoring).

Every operation names the version the user loaded (``expected_version``) and bumps the
case's, so two people cannot overwrite each other (DESIGN.md section 3 item 8): the second
one gets ``StaleVersion`` and nothing is stored. The return and the start of monitoring (stage
changes) name the case's version; a visit's report and escalation name the visit's own
(issue 12 item 2: a colleague's change to another record does not refuse them).
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning, workflow
from caseapp.cases.models import Case, Stage
from caseapp.cases.parties import PartyAct, answer_open_requests
from caseapp.core import clock
from caseapp.core.errors import GateNotSatisfied, InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.validators import schedule_problem
from caseapp.crossborder.models import MonitoringPlan
from caseapp.gate import hold
from caseapp.gate.models import ReturnApproval
from caseapp.gate.policy import current_policy
from caseapp.monitoring.models import MonitoringVisit, ReturnExecution
from caseapp.participants.models import RequestKind

if TYPE_CHECKING:
    from caseapp.auth.models import User


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def record_return_execution(
    actor: User,
    case: Case,
    *,
    travelled_on: date,
    received_on: date,
    received_by: str,
    expected_version: int | None,
    notes: str | None = None,
) -> ReturnExecution:
    """Record the return (return_approved -> returned) and schedule the monitoring visits
    from the return date by the monitoring plan's schedule, else the policy's (002, Rec 2).

    The gate holds until the handover (issue 9, principle 6): it is evaluated again on the
    day of travel, and while any safeguard is unmet that day the return cannot be recorded
    (``GateNotSatisfied``; the request layer audits the refusal with
    ``gate.operations.GateRefusal.write``, which also withdraws an approval no longer met).
    The travel day lies between the approval and today.
    """
    versioning.check_editable(actor, case, expected_version)
    if case.stage is not Stage.RETURN_APPROVED:
        raise InvalidTransition(_("Only an approved return can be recorded as carried out."))
    if not (received_by or "").strip():
        raise ValidationFailed(_("Say who received the child."))
    if received_on < travelled_on:
        raise ValidationFailed(_("The child cannot be received before travelling."))
    if received_on > clock.today():
        raise ValidationFailed(_("A return can be recorded only once it has happened."))
    approval = db.session.scalar(
        select(ReturnApproval).where(
            ReturnApproval.case_id == case.id, ReturnApproval.withdrawn_at.is_(None)
        )
    )
    if approval is not None and travelled_on < clock.local_date(approval.approved_at):
        raise ValidationFailed(_("The child cannot have travelled before the return was approved."))
    try:
        hold.check_execution(case, on=travelled_on)
    except GateNotSatisfied as err:
        from caseapp.gate.evaluation import GateResult
        from caseapp.gate.operations import GateRefusal

        # Audited after the rollback, with a re-check of the approval (gate/hold.py).
        assert isinstance(err.details, GateResult)
        err.audit = GateRefusal(actor, case, err.details)
        raise
    plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
    months = (plan.schedule_months if plan else None) or current_policy().monitoring_schedule_months
    if schedule_problem(months):  # stored before schedules were bounded (issue 14, finding 1)
        raise ValidationFailed(
            _("The monitoring schedule is out of bounds: correct it in the monitoring plan.")
        )
    execution = ReturnExecution(
        case=case,
        travelled_on=travelled_on,
        received_on=received_on,
        received_by=received_by.strip(),
        notes=notes or None,
    )
    db.session.add(execution)
    visits = [
        MonitoringVisit(case=case, months_after_return=m, due_on=add_months(received_on, m))
        for m in sorted(set(months))
    ]
    db.session.add_all(visits)
    diff = diff_of(execution)
    diff["visits_due"] = [None, [v.due_on.isoformat() for v in visits]]
    record(actor, AuditAction.RETURN_EXECUTE, execution, case=case, diff=diff)
    workflow.move(actor, case, Stage.RETURNED, expected_version=expected_version)
    return execution


def start_monitoring(actor: User, case: Case, *, expected_version: int | None) -> None:
    """returned -> monitoring, once the return is recorded."""
    versioning.check_editable(actor, case, expected_version)
    if case.stage is not Stage.RETURNED:
        raise InvalidTransition(_("Monitoring starts after the return is recorded."))
    workflow.move(actor, case, Stage.MONITORING, expected_version=expected_version)


def record_visit_report(
    actor: User,
    visit: MonitoringVisit,
    *,
    visited_on: date,
    visited_by: str,
    wellbeing: str,
    family: str | None = None,
    school: str | None = None,
    health: str | None = None,
    concerns: str | None = None,
    escalate: bool = False,
    expected_version: int | None,
) -> None:
    """Record a monitoring visit's report (wellbeing, family, school, health, concerns): the
    caseworker, or the independent monitor for themselves (issue 10; 002, Rec 2). Who put it
    on record is kept (``reported_by_id``)."""
    case = visit.case
    versioning.require_may(actor, case, case.party_may(actor, PartyAct.VISIT_REPORT))
    # The visit's own lock (issue 12 item 2): ``expected_version`` is the visit's version, so
    # a colleague's change to another record of the case does not refuse the report.
    versioning.check_own_version(visit, expected_version)
    # Follow-up visits apply to every durable solution, not only returns (002, Rec 2): a
    # solution recorded as implemented schedules them too (caseapp/solutions).
    if case.stage not in (Stage.RETURNED, Stage.MONITORING, Stage.IMPLEMENTATION):
        raise InvalidTransition(_("Visits are recorded after the return."))
    if not (wellbeing or "").strip() or not (visited_by or "").strip():
        raise ValidationFailed(_("Say who visited and how the child is."))
    visit.visited_on = visited_on
    visit.visited_by = visited_by.strip()
    visit.wellbeing = wellbeing.strip()
    visit.family = family or None
    visit.school = school or None
    visit.health = health or None
    visit.concerns = concerns or None
    visit.escalated = visit.escalated or escalate
    visit.reported_by_id = actor.id
    diff = diff_of(visit)
    versioning.touch_case(case)
    record(actor, AuditAction.VISIT_REPORT, visit, case=case, diff=diff)
    answer_open_requests(actor, case, RequestKind.REPORT, agreed=True)


def escalate_visit(
    actor: User, visit: MonitoringVisit, *, reason: str, expected_version: int | None
) -> None:
    """Flag a visit (e.g. overdue, or a concern) for escalation to the supervisor: the
    caseworker, or the monitor escalating a concern (issue 10; 002, Rec 2)."""
    versioning.require_may(actor, visit.case, visit.case.party_may(actor, PartyAct.VISIT_ESCALATE))
    versioning.check_own_version(visit, expected_version)  # the visit's own lock
    if visit.escalated:
        raise ValidationFailed(_("This visit is already escalated."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Give the reason for escalation."))
    visit.escalated = True
    diff = diff_of(visit)
    versioning.touch_case(visit.case)
    record(
        actor, AuditAction.VISIT_ESCALATE, visit, case=visit.case, diff=diff, reason=reason.strip()
    )
