"""Every durable solution with its plan and checklist (issue 15 part 2; 002, Rec 2): recorded
as implemented only when the checklist is met, follow-up visits then scheduled; each rule
both ways, through the operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.cases.models import Outcome, Stage
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.decision import operations as decision
from caseapp.monitoring import operations as monitoring
from caseapp.monitoring.models import MonitoringVisit
from caseapp.solutions import operations as ops
from caseapp.solutions.models import ResidenceKind
from tests.support import clock, lifecycle


def integration(**change):
    """A local-integration plan dated from today, with ``change`` applied."""
    return {
        "residence_kind": ResidenceKind.TEMPORARY,
        "residence_applied_on": clock.today() - timedelta(days=40),
        "residence_granted_on": clock.today() - timedelta(days=10),
        "residence_expires_on": clock.today() + timedelta(days=700),
        "school": "Lyceum No. 2, grade 7",
        "health": "Registered with the family doctor",
        "language_support": "Romanian classes twice a week",
        "care_arrangement": "Foster family Rusu",
        **change,
    }


def _in_implementation(factory, outcome=Outcome.LOCAL_INTEGRATION):
    cw = factory.user(Role.CASEWORKER)
    sup = factory.user(Role.SUPERVISOR, agency=cw.agency)
    case = factory.case(agency=cw.agency, caseworker=cw)
    lifecycle.to_decided(case, cw, sup, outcome=outcome)
    decision.proceed_after_decision(cw, case, expected_version=case.version)
    db.session.commit()
    assert case.stage is Stage.IMPLEMENTATION
    return cw, case


def _unmet(case):
    return [i.id for i in ops.evaluate_plan(ops.plan_of(case), today=clock.today()) if not i.met]


def test_local_integration_is_implemented_only_when_its_checklist_is_met(factory):
    cw, case = _in_implementation(factory)
    partial = integration(residence_granted_on=None, school=None)
    ops.save_plan(cw, case, expected_version=case.version, **partial)
    db.session.commit()
    assert _unmet(case) == ["residence", "school"]
    with pytest.raises(ValidationFailed):
        ops.record_implemented(
            cw, case, implemented_on=clock.today(), expected_version=case.version
        )
    db.session.rollback()
    assert ops.plan_of(case).implemented_on is None
    ops.save_plan(cw, case, expected_version=case.version, **integration())
    db.session.commit()
    assert _unmet(case) == []
    plan = ops.record_implemented(
        cw, case, implemented_on=clock.today(), expected_version=case.version
    )
    db.session.commit()
    assert plan.is_implemented
    visits = db.session.scalars(
        select(MonitoringVisit).where(MonitoringVisit.case_id == case.id)
    ).all()
    assert visits and all(v.due_on > clock.today() for v in visits)
    # Follow-up visits apply to this solution as after a return.
    monitoring.record_visit_report(
        cw,
        visits[0],
        visited_on=clock.today(),
        visited_by="Monitor",
        wellbeing="Settled",
        expected_version=visits[0].version,
    )
    db.session.commit()
    assert visits[0].visited_on == clock.today()
    with pytest.raises(ValidationFailed):  # the plan is closed once implemented
        ops.save_plan(cw, case, expected_version=case.version, **integration())


def test_an_expired_status_or_no_guardian_for_a_separated_child_is_unmet(factory):
    cw, case = _in_implementation(factory)
    expired = integration(residence_expires_on=clock.today() - timedelta(days=1))
    ops.save_plan(cw, case, expected_version=case.version, **expired)
    db.session.commit()
    assert "residence" in _unmet(case)
    # The lifecycle appointed a guardian; once ended, the unaccompanied child has none.
    ops.save_plan(cw, case, expected_version=case.version, **integration())
    for g in lifecycle_guardians(case):
        g.ended_on = clock.today()
    db.session.commit()
    assert _unmet(case) == ["guardian"]


def lifecycle_guardians(case):
    from caseapp.assessment.models import GuardianAppointment

    return db.session.scalars(
        select(GuardianAppointment).where(GuardianAppointment.case_id == case.id)
    ).all()


def test_tolerated_stay_needs_a_renewal_before_expiry(factory):
    cw, case = _in_implementation(factory, Outcome.TOLERATED_STAY)
    stay = integration(residence_kind=ResidenceKind.TOLERATED)
    ops.save_plan(cw, case, expected_version=case.version, **stay)
    db.session.commit()
    assert _unmet(case) == ["renewal"]
    with pytest.raises(ValidationFailed):  # due after the stay expires
        ops.save_plan(
            cw,
            case,
            expected_version=case.version,
            **dict(stay, renewal_due_on=clock.today() + timedelta(days=800)),
        )
    db.session.rollback()
    ops.save_plan(
        cw,
        case,
        expected_version=case.version,
        **dict(stay, renewal_due_on=clock.today() + timedelta(days=600)),
    )
    db.session.commit()
    assert _unmet(case) == []


def test_third_country_needs_agreement_family_evidence_and_travel(factory):
    cw, case = _in_implementation(factory, Outcome.THIRD_COUNTRY)
    ops.save_plan(cw, case, expected_version=case.version, receiving_state="DE")
    db.session.commit()
    assert _unmet(case) == ["agreement", "family", "travel"]
    ops.save_plan(
        cw,
        case,
        expected_version=case.version,
        receiving_state="DE",
        receiving_agreement_on=clock.today() - timedelta(days=3),
        receiving_agreement_by="Jugendamt Berlin",
        family_evidence="Aunt's residence permit and DNA test",
        travel_on=clock.today() + timedelta(days=20),
        travel_arrangements="Escorted by the guardian",
    )
    db.session.commit()
    assert _unmet(case) == []


def test_bad_dates_and_wrong_stage_are_refused(factory):
    cw, case = _in_implementation(factory)
    with pytest.raises(ValidationFailed):  # granted before applied
        ops.save_plan(
            cw,
            case,
            expected_version=case.version,
            **integration(residence_granted_on=clock.today() - timedelta(days=50)),
        )
    db.session.rollback()
    with pytest.raises(ValidationFailed):  # an application in the future
        ops.save_plan(
            cw,
            case,
            expected_version=case.version,
            **integration(residence_applied_on=clock.today() + timedelta(days=5)),
        )
    db.session.rollback()
    assert ops.plan_of(case) is None
    early = factory.case(agency=cw.agency, caseworker=cw)
    with pytest.raises(InvalidTransition):
        ops.save_plan(cw, early, expected_version=early.version, **integration())
