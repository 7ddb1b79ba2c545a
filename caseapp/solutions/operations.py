"""Solution operations: save the plan of the durable solution, record it as implemented
(only when its checklist is met), and the follow-up visits that then apply as after a
return (002, Rec 2: "quality, rights-based follow up support"; Moldova practice).

Each names the case version the user loaded and writes one audit entry
(``solution:plan:save``, ``solution:implement``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.assessment.models import GuardianAppointment
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Outcome
from caseapp.children.models import FamilyMember
from caseapp.core.countries import require_country
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.validators import date_problem, schedule_problem
from caseapp.gate.policy import current_policy
from caseapp.monitoring.models import MonitoringVisit
from caseapp.monitoring.operations import add_months
from caseapp.solutions import checklist
from caseapp.solutions.models import ResidenceKind, SolutionPlan

if TYPE_CHECKING:
    from caseapp.auth.models import User

PLAN_FIELDS = (
    "residence_kind",
    "residence_applied_on",
    "residence_granted_on",
    "residence_expires_on",
    "renewal_due_on",
    "school",
    "health",
    "language_support",
    "care_arrangement",
    "receiving_state",
    "receiving_agreement_on",
    "receiving_agreement_by",
    "family_evidence",
    "travel_on",
    "travel_arrangements",
)
# Dates that have happened (an application, a grant, an agreement); the others are plans.
PAST_DATES = ("residence_applied_on", "residence_granted_on", "receiving_agreement_on")


def plan_of(case: Case) -> SolutionPlan | None:
    """The case's solution plan, if one is saved."""
    return db.session.scalar(select(SolutionPlan).where(SolutionPlan.case_id == case.id))


def evaluate_plan(plan: SolutionPlan, *, today: date) -> list[checklist.Item]:
    """The checklist of ``plan`` on ``today``, with the case's guardians and family members
    (two queries)."""
    guardians = db.session.scalars(
        select(GuardianAppointment)
        .where(GuardianAppointment.case_id == plan.case_id)
        .order_by(GuardianAppointment.id)
    ).all()
    members = db.session.scalars(
        select(FamilyMember).where(FamilyMember.case_id == plan.case_id).order_by(FamilyMember.id)
    ).all()
    return checklist.evaluate(plan, today=today, guardians=guardians, family_members=members)


def _require_implementation(case: Case) -> Outcome:
    if not case.in_implementation or case.outcome is None:
        raise InvalidTransition(
            _("A solution plan is kept once the case is in implementation of its decision.")
        )
    return case.outcome


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in PLAN_FIELDS:
        value = values.get(name)
        if isinstance(value, str):
            value = value.strip() or None
        out[name] = value
    if out["residence_kind"] is not None:
        out["residence_kind"] = ResidenceKind(out["residence_kind"])
    out["receiving_state"] = require_country(out["receiving_state"], optional=True)
    for name, value in out.items():
        if isinstance(value, date):
            problem = date_problem(value, may_be_future=name not in PAST_DATES)
            if problem:
                raise ValidationFailed(problem, details={name: [problem]})
    applied, granted = out["residence_applied_on"], out["residence_granted_on"]
    expires, renewal = out["residence_expires_on"], out["renewal_due_on"]
    if granted is not None and applied is None:
        raise ValidationFailed(_("A status cannot be granted before it was applied for."))
    if granted is not None and applied is not None and granted < applied:
        raise ValidationFailed(_("A status cannot be granted before it was applied for."))
    if expires is not None and granted is not None and expires <= granted:
        raise ValidationFailed(_("The status must expire after it was granted."))
    if renewal is not None and expires is not None and renewal > expires:
        raise ValidationFailed(_("The renewal must be due before the stay expires."))
    return out


def save_plan(
    actor: User, case: Case, *, expected_version: int | None, **values: Any
) -> SolutionPlan:
    """Create or update the plan of the decided solution (the case's outcome)."""
    versioning.check_editable(actor, case, expected_version)
    outcome = _require_implementation(case)
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    cleaned = _clean(values)
    plan = plan_of(case)
    if plan is not None and plan.is_implemented:
        raise ValidationFailed(_("The solution is recorded as implemented; the plan is closed."))
    if plan is None:
        plan = SolutionPlan(case=case, solution=outcome)
        db.session.add(plan)
    for name, value in cleaned.items():
        setattr(plan, name, value)
    diff = diff_of(plan)
    versioning.touch_case(case)
    record(actor, AuditAction.SOLUTION_PLAN_SAVE, plan, case=case, diff=diff)
    return plan


def record_implemented(
    actor: User, case: Case, *, implemented_on: date, expected_version: int | None
) -> SolutionPlan:
    """Record the solution as implemented on ``implemented_on`` — only when every checklist
    item is met that day — and schedule the follow-up visits by the policy's schedule, as
    after a return (002, Rec 2)."""
    versioning.check_editable(actor, case, expected_version)
    _require_implementation(case)
    plan = plan_of(case)
    if plan is None:
        raise ValidationFailed(_("Save the solution plan first."))
    if plan.is_implemented:
        raise ValidationFailed(_("The solution is already recorded as implemented."))
    problem = date_problem(implemented_on)
    if problem:
        raise ValidationFailed(problem)
    items = evaluate_plan(plan, today=implemented_on)
    unmet = [i for i in items if not i.met]
    if unmet:
        raise ValidationFailed(
            _(
                "The solution cannot be recorded as implemented: %(items)s.",
                items="; ".join(f"{i.title} ({i.reason})" for i in unmet),
            )
        )
    months = current_policy().monitoring_schedule_months
    if schedule_problem(months):
        raise ValidationFailed(_("The monitoring schedule is out of bounds."))
    plan.implemented_on = implemented_on
    plan.implemented_by_id = actor.id
    visits = [
        MonitoringVisit(case=case, months_after_return=m, due_on=add_months(implemented_on, m))
        for m in sorted(set(months))
    ]
    db.session.add_all(visits)
    diff = diff_of(plan)
    diff["checklist"] = [None, [i.id for i in items]]
    diff["visits_due"] = [None, [v.due_on.isoformat() for v in visits]]
    versioning.touch_case(case)
    record(actor, AuditAction.SOLUTION_IMPLEMENT, plan, case=case, diff=diff)
    return plan
