"""Participants act for themselves through the caseworker's operations (issue 10, item 2).

Each act both ways: the participant assigned in the right role may, and what they record
carries their provenance and is audited with them as actor; a participant of another role,
of another case, or whose assignment ended may not; a participant cannot act in someone
else's name (the agency, the complainant).
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.assessment import operations as assessment
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Stage
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import (
    CentralAuthorityApproval,
    Provenance,
    WithdrawalKind,
)
from caseapp.crossborder.withdrawals import record_withdrawal
from caseapp.decision import operations as decision
from caseapp.decision.models import ComplainantKind
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.operations import approve_return, change_policy
from caseapp.gate.policy import current_policy
from caseapp.monitoring import operations as monitoring
from caseapp.monitoring.models import MonitoringVisit
from caseapp.participants.models import ParticipantRequest, RequestAnswer, RequestKind
from caseapp.participants.operations import assign_participant, end_assignment, send_request
from tests.support import clock
from tests.support.gate_builder import ready_case


def evaluate(ready):
    db.session.expire_all()
    return evaluate_return_gate(ready.case, today=ready.today, policy=current_policy())


def v(ready):
    db.session.flush()
    return ready.case.version


def last_entry(action):
    return db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    )


def assign(factory, ready, role, agency, **basis):
    """An account of ``role`` at ``agency``, assigned to the case by its supervisor."""
    user = factory.user(role, agency=agency, name=f"{role.value} person")
    assign_participant(ready.supervisor, ready.case, user, **basis)
    db.session.commit()
    return user


def officer(factory, ready, agency=None):
    return assign(
        factory, ready, Role.CENTRAL_AUTHORITY_OFFICER, agency or ready.r["central_agency"]
    )


def monitor(factory, ready):
    return assign(factory, ready, Role.MONITOR, ready.r["monitor_agency"])


def guardian(factory, ready):
    return assign(
        factory, ready, Role.GUARDIAN, ready.r["ngo"], guardian_appointment=ready.r["guardian"]
    )


def lawyer(factory, ready):
    from caseapp.agencies.models import AgencyKind

    legal_aid = factory.agency(kind=AgencyKind.NGO, name="Legal aid NGO")
    return assign(
        factory,
        ready,
        Role.LEGAL_REPRESENTATIVE,
        legal_aid,
        legal_representative=ready.r["lawyer"],
    )


def set_policy(factory, **flags):
    old = current_policy()
    change_policy(
        factory.user(Role.ADMIN),
        appeal_period_days=old.appeal_period_days,
        hearing_max_age_days=old.hearing_max_age_days,
        monitoring_schedule_months=old.monitoring_schedule_months,
        bid_time_limit_days=old.bid_time_limit_days,
        **flags,
    )
    db.session.commit()


# -- the Central Authority officer (S11) --------------------------------------------------


def decide(user, ready, *, refused=False, **extra):
    a = prep.record_central_approval(
        user,
        ready.case,
        reference="CA-2026-7",
        approved_on=ready.today,
        refused=refused,
        expected_version=v(ready),
        **extra,
    )
    db.session.commit()
    return a


def test_the_officer_approves_for_their_authority_and_s11_says_so(factory):
    ready = ready_case(factory)
    set_policy(factory, central_approval_by_party=True)
    assert evaluate(ready).unmet_ids == ["S11"]  # the caseworker's paper record no longer counts
    ca = officer(factory, ready)
    other_ca = factory.user(Role.CENTRAL_AUTHORITY_OFFICER).agency
    # Mass assignment: the authority is the officer's own, whatever is passed.
    a = decide(ca, ready, authority_agency_id=other_ca.id)
    assert a.authority_agency_id == ready.r["central_agency"].id
    assert a.provenance is Provenance.CONFIRMED_BY_PARTICIPANT and a.confirmed_by_id == ca.id
    s11 = evaluate(ready).get("S11")
    assert s11.met and "confirmed by the Central Authority: central_authority_officer person" in (
        s11.evidence[0].text
    )
    entry = last_entry("central_approval:record")
    assert entry.actor_id == ca.id and entry.case_id == ready.case.id


def test_the_officers_refusal_leaves_s11_unmet_and_withdraws_an_approval(factory):
    ready = ready_case(factory)
    ca = officer(factory, ready)
    approve_return(ready.approver, ready.case, expected_version=v(ready))
    db.session.commit()
    decide(ca, ready, refused=True)
    db.session.expire_all()
    assert ready.case.stage is Stage.RETURN_PREPARATION  # the hold withdrew the approval
    assert "refused the return" in evaluate(ready).get("S11").reason
    assert last_entry("central_approval:refusal:record").actor_id == ca.id
    assert last_entry("return:approval:withdraw").actor_id == ca.id


@pytest.mark.parametrize("who", ["monitor", "other_case", "ended", "caseworker_of_ca"])
def test_only_the_assigned_officer_decides(factory, who):
    ready = ready_case(factory)
    if who == "monitor":
        user = monitor(factory, ready)
    elif who == "other_case":
        other = ready_case(factory)
        user = officer(factory, other, agency=ready.r["central_agency"])
    elif who == "ended":
        user = officer(factory, ready)
        assignment = ready.case.assignment_of(user)
        end_assignment(
            ready.supervisor,
            assignment,
            reason="Request withdrawn",
            expected_version=ready.case.version,
        )
        db.session.commit()
    else:  # staff of another agency than the lead agency
        user = factory.user(Role.CASEWORKER, agency=ready.r["central_agency"])
    with pytest.raises(PermissionDenied):
        decide(user, ready)
    db.session.rollback()
    rows = db.session.scalars(
        select(CentralAuthorityApproval).where(CentralAuthorityApproval.case_id == ready.case.id)
    )
    assert len(rows.all()) == 1


def test_the_officers_decision_answers_the_request_to_approve(factory):
    ready = ready_case(factory)
    ca = officer(factory, ready)
    send_request(
        ready.caseworker,
        ready.case,
        assignment=ready.case.assignment_of(ca),
        kind=RequestKind.APPROVE,
        details="Please approve the return.",
        due_on=ready.today + timedelta(days=10),
        today=ready.today,
        expected_version=v(ready),
    )
    db.session.commit()
    decide(ca, ready)
    request = db.session.scalar(select(ParticipantRequest))
    assert request.answer is RequestAnswer.AGREED and request.reference == "CA-2026-7"
    assert request.answered_by_id == ca.id


# -- the monitor (S17) ----------------------------------------------------------------------


def test_the_monitor_accepts_the_plan_and_a_changed_plan_needs_it_again(factory):
    ready = ready_case(factory)
    set_policy(factory, monitoring_by_party=True)
    assert evaluate(ready).unmet_ids == ["S17"]
    mon = monitor(factory, ready)
    plan = ready.r["monitoring"]
    prep.accept_monitoring_plan(mon, plan, accepted_on=ready.today, expected_version=v(ready))
    db.session.commit()
    s17 = evaluate(ready).get("S17")
    assert s17.met and "accepted by the monitor: monitor person" in s17.evidence[0].text
    assert last_entry("monitoring_plan:accept").actor_id == mon.id
    with pytest.raises(ValidationFailed):  # once
        prep.accept_monitoring_plan(mon, plan, accepted_on=ready.today, expected_version=v(ready))
    db.session.rollback()
    prep.save_monitoring_plan(
        ready.caseworker,
        ready.case,
        monitor_name=plan.monitor_name,
        monitor_agency_id=plan.monitor_agency_id,
        first_visit_on=plan.first_visit_on,
        expected_version=plan.version,  # the plan's own lock (issue 12 item 2)
    )
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S17"]


def test_no_one_else_accepts_the_plan(factory):
    ready = ready_case(factory)
    for user in (officer(factory, ready), ready.caseworker):
        with pytest.raises(PermissionDenied):
            prep.accept_monitoring_plan(
                user, ready.r["monitoring"], accepted_on=ready.today, expected_version=v(ready)
            )
        db.session.rollback()


def returned(factory):
    """A case returned, with its visits scheduled, and its monitor assigned."""
    ready = ready_case(factory)
    mon = monitor(factory, ready)
    approve_return(ready.approver, ready.case, expected_version=v(ready))
    monitoring.record_return_execution(
        ready.caseworker,
        ready.case,
        travelled_on=ready.today,
        received_on=ready.today,
        received_by="Odesa child protection",
        expected_version=v(ready),
    )
    db.session.commit()
    visit = db.session.scalars(select(MonitoringVisit).order_by(MonitoringVisit.due_on)).first()
    return ready, mon, visit


def report(user, ready, visit):
    monitoring.record_visit_report(
        user,
        visit,
        visited_on=visit.due_on,
        visited_by=user.name,
        wellbeing="Settled at home; back at school.",
        expected_version=visit.version,
    )
    db.session.commit()


def test_the_monitor_reports_the_first_visit_and_escalates_a_concern(factory):
    ready, mon, visit = returned(factory)
    report(mon, ready, visit)
    assert visit.reported_by_id == mon.id and visit.visited_on is not None
    assert last_entry("visit:report").actor_id == mon.id
    monitoring.escalate_visit(
        mon, visit, reason="No school place yet.", expected_version=visit.version
    )
    db.session.commit()
    assert visit.escalated and last_entry("visit:escalate").actor_id == mon.id


def test_a_guardian_or_an_ended_monitor_cannot_report(factory):
    ready, mon, visit = returned(factory)
    end_assignment(
        ready.supervisor,
        ready.case.assignment_of(mon),
        reason="Plan ended",
        expected_version=ready.case.version,
    )
    db.session.commit()
    for user in (mon, guardian(factory, ready)):
        with pytest.raises(PermissionDenied):
            report(user, ready, visit)
        db.session.rollback()


# -- the guardian and the lawyer -------------------------------------------------------------


def test_the_guardian_declares_consents_and_objects(factory):
    ready = ready_case(factory)
    g = guardian(factory, ready)
    assessment.declare_guardian_independence(
        g,
        ready.case,
        statement="I work for no authority deciding on the child.",
        expected_version=v(ready),
    )
    db.session.commit()
    assert ready.r["guardian"].independence_statement.startswith("I work for no authority")
    assert last_entry("assessment:guardian:declare").actor_id == g.id
    record_withdrawal(
        g,
        ready.case,
        kind=WithdrawalKind.OBJECTION,
        on_date=ready.today,
        made_by=g.name,
        expected_version=v(ready),
    )
    db.session.commit()
    assert "S15" in evaluate(ready).unmet_ids
    assert last_entry("withdrawal:record").actor_id == g.id
    later = ready.today + timedelta(days=1)
    prep.give_guardian_consent(
        g,
        ready.case,
        consent_on=min(later, clock.today()),
        expected_version=ready.r["consent"].version,
    )
    db.session.commit()
    assert last_entry("consent:guardian:give").actor_id == g.id


def test_the_guardian_cannot_withdraw_the_childs_consent_nor_a_guarantee(factory):
    ready = ready_case(factory)
    g = guardian(factory, ready)
    with pytest.raises(PermissionDenied):
        record_withdrawal(
            g,
            ready.case,
            kind=WithdrawalKind.CHILD_CONSENT,
            on_date=ready.today,
            expected_version=v(ready),
        )
    db.session.rollback()
    with pytest.raises(PermissionDenied):  # not the guardian's part: the lawyer
        assessment.declare_guardian_independence(
            lawyer(factory, ready), ready.case, statement="x", expected_version=v(ready)
        )


@pytest.mark.parametrize("role", ["guardian", "lawyer"])
def test_the_guardian_and_the_lawyer_appeal_and_complain_in_their_own_name(factory, role):
    ready = ready_case(factory)
    user = guardian(factory, ready) if role == "guardian" else lawyer(factory, ready)
    own = ComplainantKind.GUARDIAN if role == "guardian" else ComplainantKind.REPRESENTATIVE
    other = ComplainantKind.REPRESENTATIVE if role == "guardian" else ComplainantKind.GUARDIAN
    decision.lodge_appeal(
        user,
        ready.case,
        lodged_on=ready.today,
        lodged_by=user.name,
        body="District court",
        expected_version=v(ready),
    )
    db.session.commit()
    assert "S16" in evaluate(ready).unmet_ids
    assert last_entry("decision:appeal:lodge").actor_id == user.id
    decision.lodge_complaint(
        user,
        ready.case,
        lodged_by=own,
        lodged_on=ready.today,
        subject="Not heard.",
        expected_version=v(ready),
    )
    db.session.commit()
    assert last_entry("decision:complaint:lodge").actor_id == user.id
    for kind in (other, ComplainantKind.CHILD):
        with pytest.raises(PermissionDenied):
            decision.lodge_complaint(
                user,
                ready.case,
                lodged_by=kind,
                lodged_on=ready.today,
                subject="x",
                expected_version=v(ready),
            )
        db.session.rollback()


def test_a_monitor_or_officer_cannot_appeal(factory):
    ready = ready_case(factory)
    for user in (monitor(factory, ready), officer(factory, ready)):
        with pytest.raises(PermissionDenied):
            decision.lodge_appeal(
                user,
                ready.case,
                lodged_on=ready.today,
                lodged_by="x",
                body="y",
                expected_version=v(ready),
            )
        db.session.rollback()
