"""Return preparation: operations audited, stage and role refusals, last resort, pages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.cases.models import Stage
from caseapp.core.errors import (
    FourEyesViolation,
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
)
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder import operations as ops
from caseapp.crossborder.models import (
    EscortKind,
    LegalBasis,
    MessageDirection,
    MessageKind,
    TravelPlan,
)
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.policy import current_policy
from tests.support import clock
from tests.support.audit_entries import entries
from tests.support.gate_builder import ready_case, record_non_voluntary


def test_log_message_is_audited(factory):
    ready = ready_case(factory)
    msg = ops.log_message(
        ready.caseworker,
        ready.case,
        direction=MessageDirection.SENT,
        kind=MessageKind.REQUEST,
        counterpart="Odesa",
        counterpart_is_child_protection=True,
        subject="Home study request",
        on_date=clock.today(),
        documents=None,
        expected_version=ready.case.version,
    )
    db.session.commit()
    [entry] = entries("coordination:message:log", ready.case.id)
    assert entry.object_id == msg.id and entry.diff["subject"] == [None, "Home study request"]


def test_coordination_edit_and_chisinau_flag(factory, client, login):
    ready = ready_case(factory)
    ops.save_coordination(
        ready.caseworker,
        ready.case,
        destination_country="ua",
        counterpart_name="Odesa",
        legal_basis=LegalBasis.CHISINAU_2002,
        expected_version=ready.r["coordination"].version,
    )
    db.session.commit()
    assert ready.r["coordination"].legal_basis_outdated
    assert len(entries("coordination:save", ready.case.id)) == 1
    login(ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}/return/coordination").get_data(as_text=True)
    assert "outdated" in html


@pytest.mark.parametrize(
    "stage", [Stage.DECIDED, Stage.RETURN_APPROVED, Stage.RETURNED, Stage.IMPLEMENTATION]
)
def test_only_in_return_preparation(factory, stage):
    ready = ready_case(factory)
    ready.case.stage = stage
    if stage is Stage.RETURN_APPROVED:
        ready.case.stage = Stage.RETURNED  # the guard keeps return_approved behind the gate
    if stage is Stage.IMPLEMENTATION:
        from caseapp.cases.models import Outcome

        ready.case.outcome = Outcome.LOCAL_INTEGRATION
    db.session.commit()
    with pytest.raises(InvalidTransition):
        ops.record_home_study(
            ready.caseworker,
            ready.case,
            received_on=clock.today(),
            conducted_by="X",
            favourable=True,
            summary="ok",
            expected_version=ready.case.version,
        )


@pytest.mark.parametrize("who", ["ombudsperson", "admin", "other_agency"])
def test_others_cannot_record(factory, who):
    ready = ready_case(factory)
    user = {
        "ombudsperson": lambda: factory.user(Role.OMBUDSPERSON),
        "admin": lambda: factory.user(Role.ADMIN),
        "other_agency": lambda: factory.user(Role.CASEWORKER),
    }[who]()
    with pytest.raises(PermissionDenied):
        ops.record_central_approval(
            user,
            ready.case,
            authority_name="CA",
            reference="R",
            approved_on=clock.today(),
            expected_version=ready.case.version,
        )


def test_law_enforcement_escort_is_recorded_and_leaves_s14_unmet(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    r = client.post(
        f"/cases/{ready.case.id}/return/travel",
        data={
            "version": ready.r["travel"].version,
            "travel_on": (clock.today() + timedelta(days=3)).isoformat(),
            "route": "By road",
            "escort_name": "Officer",
            "escort_kind": "law_enforcement",
            "receiving_official": "Border guard",
            "handover_place": "Border crossing",
            "handover_at_border": "y",
        },
    )
    assert r.status_code == 302
    db.session.expire_all()
    plan = db.session.scalar(select(TravelPlan))
    assert plan.escort_kind is EscortKind.LAW_ENFORCEMENT and plan.handover_at_border
    result = evaluate_return_gate(ready.case, today=clock.today(), policy=current_policy())
    assert result.unmet_ids == ["S14"]
    assert len(entries("travel:save", ready.case.id)) == 1


def test_non_voluntary_needs_justification(factory):
    ready = ready_case(factory)
    with pytest.raises(ValidationFailed):
        ops.record_consent(
            ready.caseworker,
            ready.case,
            child_consents=False,
            child_consent_on=None,
            child_consent_how=None,
            guardian_consents=False,
            guardian_consent_on=None,
            non_voluntary=True,
            last_resort_justification=" ",
            expected_version=ready.r["consent"].version,
        )


def test_last_resort_needs_a_second_supervisor(factory):
    ready = ready_case(factory)
    consent = record_non_voluntary(ready)
    result = evaluate_return_gate(ready.case, today=clock.today(), policy=current_policy())
    assert result.unmet_ids == ["S15"]
    with pytest.raises(PermissionDenied):
        # caseworker, and the recorder
        ops.approve_last_resort(ready.caseworker, consent, expected_version=ready.case.version)
    ops.approve_last_resort(ready.approver, consent, expected_version=ready.case.version)
    db.session.commit()
    assert len(entries("consent:last_resort:approve", ready.case.id)) == 1
    assert evaluate_return_gate(ready.case, today=clock.today(), policy=current_policy()).all_met


def test_last_resort_recorder_or_bid_author_cannot_approve(factory):
    ready = ready_case(factory)
    consent = record_non_voluntary(ready)
    consent.recorded_by_id = ready.supervisor.id
    ready.r["bid"].author_id = ready.approver.id
    db.session.commit()
    for user in (ready.supervisor, ready.approver):
        with pytest.raises(FourEyesViolation):
            ops.approve_last_resort(user, consent, expected_version=ready.case.version)


def test_pages_render_and_ombudsperson_reads_without_forms(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    for key in (
        "",
        "coordination",
        "messages",
        "home-study",
        "guarantee",
        "central-approval",
        "reintegration",
        "travel",
        "consent",
        "monitoring-plan",
    ):
        r = client.get(f"/cases/{ready.case.id}/return/{key}")
        assert r.status_code == 200, key
    login(factory.user(Role.OMBUDSPERSON))
    html = client.get(f"/cases/{ready.case.id}/return/guarantee").get_data(as_text=True)
    assert '<form method="post" novalidate>' not in html
    assert (
        client.post(
            f"/cases/{ready.case.id}/return/central-approval",
            data={
                "version": ready.case.version,
                "authority_name": "CA",
                "reference": "R",
                "approved_on": clock.today().isoformat(),
            },
        ).status_code
        == 403
    )
    login(factory.user(Role.ADMIN))
    assert client.get(f"/cases/{ready.case.id}/return/").status_code == 404


def test_return_impossible_proposes_regularisation(factory, client, login):
    ready = ready_case(factory)
    ops.withdraw_guarantee(
        ready.caseworker,
        ready.r["guarantee"],
        withdrawn_on=clock.today(),
        expected_version=ready.case.version,
    )
    db.session.commit()
    assert len(entries("guarantee:withdraw", ready.case.id)) == 1
    login(ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}/return/").get_data(as_text=True)
    assert "regularisation or tolerated stay" in html


def test_monitoring_plan_defaults_to_policy_schedule(factory):
    ready = ready_case(factory)
    plan = ops.save_monitoring_plan(
        ready.caseworker,
        ready.case,
        monitor_name="NGO",
        independent=True,
        first_visit_on=clock.today(),
        expected_version=ready.r["monitoring"].version,
    )
    db.session.commit()
    assert plan.schedule_months == [1, 3, 6, 12, 18]
    assert len(entries("monitoring_plan:save", ready.case.id)) == 1


@pytest.mark.parametrize(
    ("change", "warned"),
    [
        ({}, False),  # the ready case's plan: a child-protection escort, no border handover
        ({"escort_kind": EscortKind.LAW_ENFORCEMENT}, True),
        ({"handover_at_border": True}, True),
    ],
)
def test_the_overview_warns_of_a_police_escort_or_a_border_handover(
    factory, client, login, change, warned
):
    # The return-preparation overview warns when the plan itself leaves S14 unmet
    # (TravelPlan.says_police_escort_or_border_handover; 002, fn 12 (v)); the gate agrees.
    ready = ready_case(factory)
    plan = ready.r["travel"]
    for name, value in change.items():
        setattr(plan, name, value)
    db.session.commit()
    login(ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}/return/").get_data(as_text=True)
    assert ("S14 unmet" in html) is warned
    result = evaluate_return_gate(ready.case, today=clock.today(), policy=current_policy())
    assert ("S14" in result.unmet_ids) is warned
