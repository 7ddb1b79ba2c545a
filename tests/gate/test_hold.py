"""The gate holds until the handover (issue 9, principle 6; caseapp/gate/hold.py).

Each rule both ways, through the real operations: a record after approval that leaves a
safeguard unmet withdraws the approval in the same transaction (audited, back to return
preparation, alert); one that leaves everything met keeps it. The execution re-evaluates the
gate on the travel day. ``flask gate recheck`` catches what time alone changes.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.alerts.rules import alerts_for
from caseapp.cases.models import Case, Stage
from caseapp.core.errors import GateNotSatisfied, InvalidTransition
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import Consent, MessageDirection, MessageKind, MonitoringPlan
from caseapp.crossborder.operations import single_version
from caseapp.decision.operations import lodge_appeal
from caseapp.gate import hold
from caseapp.gate.models import ReturnApproval
from caseapp.gate.operations import add_suspension, approve_return, lift_suspension
from caseapp.monitoring import operations as monitoring
from tests.support import clock
from tests.support.audit_entries import entries
from tests.support.gate_builder import attach_document, execute_return, ready_case
from tests.support.statements import statements


def eighteen_years_ago() -> date:
    """The date of birth of a child who turns 18 today (29 February: the 28th)."""
    try:
        return clock.today().replace(year=clock.today().year - 18)
    except ValueError:
        return clock.today().replace(year=clock.today().year - 18, day=28)


def approved(factory, **kw):
    """A ready case approved through the gate and committed."""
    ready = ready_case(factory, **kw)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.RETURN_APPROVED
    return ready


def in_force(case_id):
    return db.session.scalar(
        select(ReturnApproval).where(
            ReturnApproval.case_id == case_id, ReturnApproval.withdrawn_at.is_(None)
        )
    )


def reload(case):
    db.session.expire_all()
    return db.session.get(Case, case.id)


def assert_withdrawn(ready, unmet, actor):
    """The approval is withdrawn with ``unmet``, audited under ``actor``, the case is back
    in return preparation and the alert says why."""
    case = reload(ready.case)
    assert case.stage is Stage.RETURN_PREPARATION
    assert in_force(case.id) is None
    [approval] = db.session.scalars(select(ReturnApproval).where(ReturnApproval.case_id == case.id))
    assert approval.withdrawn_unmet == unmet
    assert ", ".join(unmet) in approval.withdrawn_reason
    [entry] = entries("return:approval:withdraw", case.id)
    assert entry.actor_id == (actor.id if actor else None)
    assert [s["id"] for s in entry.diff["gate"]["safeguards"] if not s["met"]] == unmet
    assert entries("case:stage:change", case.id)[-1].diff["stage"] == [
        "return_approved",
        "return_preparation",
    ]
    [alert] = [a for a in alerts_for(case, clock.today()) if a.kind == "approval_withdrawn"]
    for sid in unmet:
        assert sid in alert.detail


def assert_held(ready):
    case = reload(ready.case)
    assert case.stage is Stage.RETURN_APPROVED
    assert in_force(case.id) is not None
    assert entries("return:approval:withdraw", case.id) == []


# -- a late appeal -----------------------------------------------------------------------------


def test_an_appeal_after_approval_withdraws_it(factory):
    ready = approved(factory)
    appeal = lodge_appeal(
        ready.caseworker,
        ready.case,
        lodged_on=clock.today(),
        lodged_by="The guardian",
        body="District court",
        expected_version=ready.case.version,
    )
    db.session.commit()
    assert_withdrawn(ready, ["S16"], ready.caseworker)
    # The appeal and the withdrawal are one transaction: both on record, the appeal first.
    [lodged] = entries("decision:appeal:lodge", ready.case.id)
    [withdrawn] = entries("return:approval:withdraw", ready.case.id)
    assert lodged.object_id == appeal.id and lodged.seq < withdrawn.seq


def test_the_withdrawal_rolls_back_with_the_record_that_caused_it(factory):
    ready = approved(factory)
    lodge_appeal(
        ready.caseworker,
        ready.case,
        lodged_on=clock.today(),
        lodged_by="The guardian",
        body="District court",
        expected_version=ready.case.version,
    )
    db.session.flush()
    db.session.rollback()  # the request failed later: nothing of it stays
    assert_held(ready)


def test_a_record_that_leaves_everything_met_keeps_the_approval(factory):
    ready = approved(factory)
    prep.log_message(
        ready.caseworker,
        ready.case,
        expected_version=ready.case.version,
        direction=MessageDirection.RECEIVED,
        kind=MessageKind.INFORMATION,
        counterpart="Child protection service, Odesa",
        subject="The school confirms the place",
        on_date=clock.today(),
    )
    db.session.commit()
    assert_held(ready)


# -- suspensions: destination and transit -----------------------------------------------------


def _admin(factory):
    return factory.user(Role.ADMIN)


@pytest.mark.parametrize("country", ["UA", "RO"])
def test_a_suspension_of_the_destination_or_a_transit_country_withdraws(factory, country):
    ready = ready_case(factory)
    ready.r["coordination"].transit_countries = ["RO"]
    db.session.commit()
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    other = approved(factory)  # goes to UA with no transit
    admin = _admin(factory)
    add_suspension(admin, country=country, reason="Crisis", suspended_from=clock.today())
    db.session.commit()
    assert_withdrawn(ready, ["S18"], admin)
    if country == "RO":
        assert_held(other)  # not on the suspended route
    else:
        assert reload(other.case).stage is Stage.RETURN_PREPARATION


def test_a_suspension_elsewhere_or_from_a_later_day_keeps_the_approval(factory):
    ready = ready_case(factory)
    ready.r["coordination"].transit_countries = ["RO"]
    db.session.commit()
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    admin = _admin(factory)
    add_suspension(admin, country="PL", reason="Crisis", suspended_from=clock.today())
    add_suspension(
        admin, country="RO", reason="Planned", suspended_from=clock.today() + timedelta(9)
    )
    db.session.commit()
    assert_held(ready)


def test_lifting_a_suspension_does_not_restore_an_approval(factory):
    ready = approved(factory)
    admin = _admin(factory)
    suspension = add_suspension(
        admin, country="UA", reason="Crisis", suspended_from=clock.today() - timedelta(5)
    )
    db.session.commit()
    assert_withdrawn(ready, ["S18"], admin)
    lift_suspension(admin, suspension, lifted_on=clock.today())
    db.session.commit()
    # A supervisor approves again once it is lifted; nothing does it behind their back.
    assert reload(ready.case).stage is Stage.RETURN_PREPARATION
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert reload(ready.case).stage is Stage.RETURN_APPROVED
    assert "approval_withdrawn" not in [a.kind for a in alerts_for(ready.case, clock.today())]


# -- withdrawals and newer records, possible until the handover --------------------------------


def test_a_guarantee_withdrawn_after_approval_withdraws_it(factory):
    ready = approved(factory)
    prep.withdraw_guarantee(
        ready.caseworker,
        ready.r["guarantee"],
        withdrawn_on=clock.today(),
        expected_version=ready.case.version,
    )
    db.session.commit()
    assert_withdrawn(ready, ["S7"], ready.caseworker)


def test_consent_withdrawn_after_approval_withdraws_it(factory):
    ready = approved(factory)
    prep.record_consent(
        ready.caseworker,
        ready.case,
        child_consents=False,
        child_consent_on=None,
        child_consent_how=None,
        guardian_consents=True,
        guardian_consent_on=clock.today(),
        expected_version=single_version(ready.case, Consent),
    )
    db.session.commit()
    assert_withdrawn(ready, ["S15"], ready.caseworker)


@pytest.mark.parametrize("attached", [True, False])
def test_a_newer_guarantee_after_approval_is_the_one_read(factory, attached):
    """The latest word counts (principle 2): a newer complete guarantee keeps the approval;
    a newer one without its signed document attached leaves S7 unmet and withdraws it."""
    ready = approved(factory)
    guarantee = prep.record_guarantee(
        ready.caseworker,
        ready.case,
        expected_version=ready.case.version,
        guarantor_kind=ready.r["guarantee"].guarantor_kind,
        guarantor_name="Grandmother",
        given_on=clock.today(),
        written=True,
        document_reference="G-2",
    )
    if attached:
        attach_document(ready.case, guarantee, ready.caseworker)
    db.session.commit()
    if attached:
        assert_held(ready)
    else:
        assert_withdrawn(ready, ["S7"], ready.caseworker)


@pytest.mark.parametrize("stage", [Stage.RETURNED, Stage.MONITORING])
def test_withdrawals_end_at_the_handover(factory, stage):
    ready = approved(factory)
    monitoring.record_return_execution(
        ready.caseworker,
        ready.case,
        travelled_on=clock.today(),
        received_on=clock.today(),
        received_by="Odesa child protection",
        expected_version=ready.case.version,
    )
    if stage is Stage.MONITORING:
        monitoring.start_monitoring(
            ready.caseworker, ready.case, expected_version=ready.case.version
        )
    db.session.commit()
    with pytest.raises(InvalidTransition):
        prep.withdraw_guarantee(
            ready.caseworker,
            ready.r["guarantee"],
            withdrawn_on=clock.today(),
            expected_version=ready.case.version,
        )
    db.session.rollback()


def test_plans_stay_frozen_after_approval(factory):
    ready = approved(factory)
    with pytest.raises(InvalidTransition):
        prep.save_monitoring_plan(
            ready.caseworker,
            ready.case,
            monitor_name="Another NGO",
            independent=True,
            first_visit_on=clock.today() + timedelta(30),
            expected_version=single_version(ready.case, MonitoringPlan),
        )
    db.session.rollback()


# -- the execution re-evaluates the gate on the travel day -------------------------------------


_execute = execute_return


def test_execution_succeeds_when_the_gate_is_met_that_day(factory):
    ready = approved(factory)
    _execute(ready)
    db.session.commit()
    assert reload(ready.case).stage is Stage.RETURNED
    assert entries("gate:refuse", ready.case.id) == []


def test_execution_refused_when_a_safeguard_became_unmet(factory):
    """The child turned 18 with no record made (time alone): the execution re-evaluates,
    refuses, the refusal is audited and the approval withdrawn."""
    from caseapp.gate.operations import GateRefusal

    ready = approved(factory)
    child = ready.case.child
    child.date_of_birth = eighteen_years_ago() - timedelta(days=1)
    db.session.commit()  # no audited record: nothing re-evaluated yet
    assert_held(ready)
    version = ready.case.version
    with pytest.raises(GateNotSatisfied) as exc:
        _execute(ready)
    assert "S1" in exc.value.message
    db.session.rollback()
    GateRefusal(ready.caseworker, ready.case, exc.value.details).write()
    db.session.commit()
    [refusal] = entries("gate:refuse", ready.case.id)
    assert refusal.diff["attempted"] == "return:execute"
    assert refusal.actor_id == ready.caseworker.id
    assert entries("return:execute", ready.case.id) == []
    assert_withdrawn(ready, ["S1"], ready.caseworker)
    assert reload(ready.case).version > version


def test_execution_cannot_predate_the_approval_nor_lie_ahead(factory):
    from caseapp.core.errors import ValidationFailed

    ready = approved(factory)
    for day in (clock.today() - timedelta(days=1), clock.today() + timedelta(days=1)):
        with pytest.raises(ValidationFailed):
            _execute(ready, day)
        db.session.rollback()
    assert_held(ready)


# -- time: flask gate recheck -------------------------------------------------------------------


def test_recheck_withdraws_when_the_child_turns_18(factory):
    ready = approved(factory)
    child = ready.case.child
    child.date_of_birth = eighteen_years_ago() + timedelta(days=1)
    db.session.commit()
    assert hold.recheck_all(None, today=clock.today()) == []  # still 17 today
    withdrawn = hold.recheck_all(None, today=clock.today() + timedelta(days=1))  # the birthday
    db.session.commit()
    assert [(c.id, unmet) for c, unmet in withdrawn] == [(ready.case.id, ["S1"])]
    assert_withdrawn(ready, ["S1"], None)


def test_recheck_command(factory, runner):
    ready = approved(factory)
    kept = approved(factory)
    ready.case.child.date_of_birth = eighteen_years_ago()  # 18 today
    db.session.commit()
    r = runner.invoke(args=["gate", "recheck"])
    assert r.exit_code == 0, r.output
    assert f"{ready.case.number}\twithdrawn\tS1" in r.output
    assert "2 approved returns checked" in r.output and "1 withdrawn" in r.output
    assert_withdrawn(ready, ["S1"], None)
    assert_held(kept)
    r = runner.invoke(args=["gate", "recheck"])
    assert "1 approved returns checked" in r.output and "0 withdrawn" in r.output


# -- cost: reading never re-evaluates ----------------------------------------------------------


def test_a_commit_after_a_read_does_not_evaluate_the_gate_and_after_a_write_does(factory):

    from caseapp.audit.actions import AuditAction
    from caseapp.audit.recorder import record

    ready = approved(factory)

    def gate_queries_in_commit() -> list[str]:
        with statements() as seen:
            db.session.commit()
        return [s for s in seen if "FROM return_suspension" in s]

    record(ready.caseworker, AuditAction.CASE_VIEW, ready.case, diff={})
    assert gate_queries_in_commit() == []
    prep.log_message(
        ready.caseworker,
        ready.case,
        expected_version=ready.case.version,
        direction=MessageDirection.RECEIVED,
        kind=MessageKind.INFORMATION,
        counterpart="Child protection service, Odesa",
        subject="Flight confirmed",
        on_date=clock.today(),
    )
    assert len(gate_queries_in_commit()) == 1  # one evaluation, for the one case touched
    assert_held(ready)


# -- through the pages ----------------------------------------------------------------------------


def test_late_appeal_through_the_pages(factory, client, login):
    ready = approved(factory)
    login(ready.caseworker)
    r = client.post(
        f"/cases/{ready.case.id}/decision/appeals",
        data={
            "appeal-version": ready.case.version,
            "appeal-lodged_on": clock.today().isoformat(),
            "appeal-lodged_by": "The guardian",
            "appeal-body": "District court",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    assert_withdrawn(ready, ["S16"], ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}").get_data(as_text=True)
    assert "Return approval withdrawn" in html and "S16" in html
    login(ready.approver)  # the supervisor sees it too
    html = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    assert "Return approval withdrawn" in html


def test_execution_refused_through_the_page(factory, client, login):
    ready = approved(factory)
    ready.case.child.date_of_birth = eighteen_years_ago()
    db.session.commit()
    login(ready.caseworker)
    r = client.post(
        f"/cases/{ready.case.id}/monitoring/",
        data={
            "version": ready.case.version,
            "travelled_on": clock.today().isoformat(),
            "received_on": clock.today().isoformat(),
            "received_by": "Odesa child protection",
        },
    )
    assert r.status_code == 409
    assert "S1" in r.get_data(as_text=True)
    assert len(entries("gate:refuse", ready.case.id)) == 1
    assert_withdrawn(ready, ["S1"], ready.caseworker)
