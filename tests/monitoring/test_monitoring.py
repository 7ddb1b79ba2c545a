"""Return execution, monitoring visits, escalation; transitions across stage x role."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.cases.models import Stage
from caseapp.core.errors import DomainError, InvalidTransition, PermissionDenied
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.gate.operations import approve_return
from caseapp.monitoring import operations as ops
from caseapp.monitoring.models import MonitoringVisit
from tests.support import clock
from tests.support.audit_entries import entries
from tests.support.gate_builder import ready_case


def approved(factory):
    ready = ready_case(factory)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    return ready


def returned_long_ago(factory, days: int = 100):
    """A case approved and returned ``days`` ago, in one transaction as it happened then: the
    gate is evaluated on that day (its records dated back), and an approval committed alone
    would be withdrawn today by the gate's hold (the hearing is older than the policy now)."""
    from caseapp.demo.scenario import at

    day = clock.today() - timedelta(days=days)
    ready = ready_case(factory, today=day)
    approve_return(
        ready.approver,
        ready.case,
        expected_version=ready.case.version,
        today=day,
        approved_at=at(day),
    )
    execute(ready, received_on=day)
    return ready


def execute(ready, received_on=None):
    received_on = received_on or clock.today()
    ops.record_return_execution(
        ready.caseworker,
        ready.case,
        travelled_on=received_on,
        received_on=received_on,
        received_by="Odesa child protection",
        expected_version=ready.case.version,
    )
    db.session.commit()


def test_add_months():
    assert ops.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert ops.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_execution_schedules_visits_from_the_plan(factory):
    ready = approved(factory)
    ready.r["monitoring"].schedule_months = [1, 6]
    db.session.commit()
    execute(
        ready, received_on=clock.today()
    )  # the travel day: on or after the approval, not future
    assert ready.case.stage is Stage.RETURNED
    visits = db.session.scalars(select(MonitoringVisit).order_by(MonitoringVisit.due_on)).all()
    due = [ops.add_months(clock.today(), 1), ops.add_months(clock.today(), 6)]
    assert [(v.months_after_return, v.due_on) for v in visits] == [(1, due[0]), (6, due[1])]
    [entry] = entries("return:execute", ready.case.id)
    assert entry.diff["visits_due"][1] == [d.isoformat() for d in due]
    ops.start_monitoring(ready.caseworker, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.MONITORING


@pytest.mark.parametrize(
    "stage", [Stage.DECIDED, Stage.RETURN_PREPARATION, Stage.RETURNED, Stage.MONITORING]
)
def test_execution_only_from_return_approved(factory, stage):
    ready = ready_case(factory)
    ready.case.stage = stage
    db.session.commit()
    with pytest.raises(InvalidTransition):
        execute(ready)


@pytest.mark.parametrize(
    ("role", "error"),
    [
        (Role.CASEWORKER, None),
        (Role.SUPERVISOR, None),
        (Role.OMBUDSPERSON, PermissionDenied),
        (Role.ADMIN, PermissionDenied),
    ],
)
def test_start_monitoring_by_role(factory, role, error):
    ready = approved(factory)
    execute(ready)
    user = factory.user(
        role, agency=ready.agency if role in (Role.CASEWORKER, Role.SUPERVISOR) else None
    )
    if error:
        with pytest.raises(error):
            ops.start_monitoring(user, ready.case, expected_version=ready.case.version)
    else:
        ops.start_monitoring(user, ready.case, expected_version=ready.case.version)
        assert ready.case.stage is Stage.MONITORING


def test_start_monitoring_refused_before_return(factory):
    ready = approved(factory)
    with pytest.raises(InvalidTransition):
        ops.start_monitoring(ready.caseworker, ready.case, expected_version=ready.case.version)


def test_visit_report_and_overdue_escalation(factory, client, login):
    ready = returned_long_ago(factory)
    visits = db.session.scalars(select(MonitoringVisit).order_by(MonitoringVisit.due_on)).all()
    first, second = visits[0], visits[1]
    assert first.overdue_on(clock.today()) and second.overdue_on(clock.today())
    ops.record_visit_report(
        ready.caseworker,
        first,
        visited_on=clock.today(),
        visited_by="Monitor",
        wellbeing="Well, attending school.",
        expected_version=first.version,
    )
    ops.escalate_visit(ready.caseworker, second, reason="Overdue", expected_version=second.version)
    db.session.commit()
    assert not first.overdue_on(clock.today()) and second.escalated
    assert len(entries("visit:report", ready.case.id)) == 1
    assert len(entries("visit:escalate", ready.case.id)) == 1
    with pytest.raises(DomainError):
        ops.escalate_visit(
            ready.caseworker, second, reason="again", expected_version=second.version
        )
    login(ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}/monitoring/").get_data(as_text=True)
    assert "overdue" in html and "escalated" in html
    assert client.get(f"/cases/{ready.case.id}/monitoring/visits/{second.id}").status_code == 200


def test_execution_through_the_page(factory, client, login):
    ready = approved(factory)
    login(ready.caseworker)
    r = client.post(
        f"/cases/{ready.case.id}/monitoring/",
        data={
            "version": ready.case.version,
            "travelled_on": clock.today().isoformat(),
            "received_on": clock.today().isoformat(),
            "received_by": "Receiving officer",
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert ready.case.stage is Stage.RETURNED
    login(factory.user(Role.ADMIN))
    assert client.get(f"/cases/{ready.case.id}/monitoring/").status_code == 404
