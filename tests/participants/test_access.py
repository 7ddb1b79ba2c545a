"""Participants see only the cases they are assigned to and, on them, only what the matrix
gives their role; the access ends with the assignment (issue 10 items 1 and 5)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from caseapp.assessment.models import BestInterestsAssessment, GuardianAppointment, Hearing
from caseapp.core.permissions import (
    PARTICIPANT_ROLES,
    Access,
    RecordType,
    Role,
    participant_may,
)
from caseapp.participants.models import Assignment
from caseapp.participants.operations import assign_participant, end_assignment
from tests.security.route_policy import CASE_SCOPED, collect, rule_for
from tests.support.participants import basis_records


def _hearing(case, caseworker, words):
    from caseapp.assessment.models import Weight

    return Hearing(
        case_id=case.id,
        held_on=date(2026, 1, 10),
        heard_by_id=caseworker.id,
        language="ru",
        views_summary=words,
        weight=Weight.SIGNIFICANT,
        weight_reasons="Age and maturity",
    )


@pytest.fixture
def parties(factory, db):
    agency = factory.agency()
    caseworker = factory.user(Role.CASEWORKER, agency=agency)
    supervisor = factory.user(Role.SUPERVISOR, agency=agency)
    case = factory.case(agency=agency, caseworker=caseworker)
    other = factory.case(agency=agency, caseworker=caseworker)
    people = {
        role: factory.participant(role, case, supervisor=supervisor) for role in PARTICIPANT_ROLES
    }
    return case, other, caseworker, supervisor, people


def test_predicates_follow_the_matrix_while_assigned(parties, db):
    case, other, _caseworker, _supervisor, people = parties
    for role, assignment in people.items():
        user = assignment.user
        assert case.can_view(user) and not other.can_view(user)
        for record in RecordType:
            assert case.can_read(user, record) is participant_may(role, record)
            assert case.can_act(user, record) is participant_may(role, record, Access.ACT)
            assert not other.can_read(user, record)
        # No staff predicate opens to a participant.
        assert not case.can_edit(user)
        assert not case.can_reassign(user)
        assert not case.can_assign_participants(user)
        assert not case.may_approve_returns(user)


def test_staff_predicates_are_unchanged(parties, factory):
    case, _other, caseworker, supervisor, _people = parties
    outsider = factory.user(Role.CASEWORKER)
    for record in RecordType:
        assert case.can_read(caseworker, record) and case.can_act(caseworker, record)
        assert not case.can_read(outsider, record) and not case.can_act(outsider, record)
    ombudsperson = factory.user(Role.OMBUDSPERSON)
    assert case.can_read(ombudsperson, RecordType.HEARING)
    assert not case.can_act(ombudsperson, RecordType.HEARING)
    assert case.can_assign_participants(supervisor)
    assert not case.can_assign_participants(caseworker)


def test_records_answer_their_type(parties, db):
    case, _other, caseworker, _supervisor, people = parties
    hearing = _hearing(case, caseworker, "The child's own words")
    db.session.add(hearing)
    db.session.commit()
    guardian = db.session.scalar(
        select(GuardianAppointment).where(GuardianAppointment.case_id == case.id)
    )
    monitor = people[Role.MONITOR].user
    lawyer = people[Role.LEGAL_REPRESENTATIVE].user
    assert hearing.can_view(caseworker)
    assert hearing.can_view(lawyer) and not hearing.can_view(monitor)
    assert guardian.can_view(people[Role.GUARDIAN].user) and not guardian.can_view(monitor)


def test_ending_the_assignment_or_its_appointment_ends_access(parties, db, client, login):
    case, _other, _caseworker, supervisor, people = parties
    guardian = people[Role.GUARDIAN]
    login(guardian.user)
    assert client.get(f"/my/cases/{case.id}").status_code == 200
    # The guardian appointment ends on the case's assessment page: the access ends with it.
    appointment = guardian.guardian_appointment
    appointment.ended_on = date(2026, 2, 1)
    appointment.end_reason = "Child turned 18"
    db.session.commit()
    assert client.get(f"/my/cases/{case.id}").status_code == 404
    assert case.assignment_of(guardian.user) is None

    monitor = people[Role.MONITOR]
    login(monitor.user)
    assert client.get(f"/my/cases/{case.id}").status_code == 200
    end_assignment(supervisor, monitor, reason="Monitoring handed over")
    db.session.commit()
    # The same session: the next request is refused, and the case is gone from home.
    assert client.get(f"/my/cases/{case.id}").status_code == 404
    assert case.number not in client.get("/my").get_data(as_text=True)


def test_ending_needs_a_reason_and_a_caseworker_of_the_case(parties, factory, db):
    from caseapp.core.errors import PermissionDenied, ValidationFailed

    _case, _other, caseworker, _supervisor, people = parties
    assignment = people[Role.COUNTERPART_OFFICER]
    with pytest.raises(PermissionDenied):
        end_assignment(factory.user(Role.CASEWORKER), assignment, reason="x")
    with pytest.raises(PermissionDenied):
        end_assignment(people[Role.GUARDIAN].user, assignment, reason="x")
    with pytest.raises(ValidationFailed):
        end_assignment(caseworker, assignment, reason="  ")
    db.session.rollback()
    assert assignment.in_force


def test_assignment_rests_on_the_right_record_and_agency(parties, factory, db):
    from caseapp.agencies.models import AgencyKind
    from caseapp.core.errors import PermissionDenied, ValidationFailed

    case, other, caseworker, supervisor, _people = parties
    # A Central Authority officer must be of a central authority (S11).
    wrong = factory.user(Role.CENTRAL_AUTHORITY_OFFICER, agency=factory.agency(kind=AgencyKind.NGO))
    with pytest.raises(ValidationFailed):
        assign_participant(supervisor, case, wrong)
    # A guardian needs the appointment in force of this case.
    guardian = factory.user(Role.GUARDIAN)
    with pytest.raises(ValidationFailed):
        assign_participant(supervisor, case, guardian)
    foreign = basis_records(other, Role.GUARDIAN)["guardian_appointment"]
    with pytest.raises(ValidationFailed):
        assign_participant(supervisor, case, guardian, guardian_appointment=foreign)
    # Only the supervisor of the case assigns.
    with pytest.raises(PermissionDenied):
        assign_participant(caseworker, case, guardian, **basis_records(case, Role.GUARDIAN))
    # Law enforcement is never a participant's agency (002, Rec 3).
    police = factory.user(Role.MONITOR, agency=factory.agency(kind=AgencyKind.LAW_ENFORCEMENT))
    with pytest.raises(ValidationFailed):
        assign_participant(supervisor, case, police)
    db.session.rollback()
    assert db.session.scalar(select(Assignment).where(Assignment.user_id == guardian.id)) is None


def test_monitor_page_shows_the_plan_not_the_risk_narrative_or_hearing(parties, db, client, login):
    case, _other, caseworker, _supervisor, people = parties
    db.session.add(_hearing(case, caseworker, "SECRET-VIEWS of the child"))
    db.session.commit()
    login(people[Role.MONITOR].user)
    page = client.get(f"/my/cases/{case.id}").get_data(as_text=True)
    assert "Monitor" in page  # the monitoring plan
    assert "SECRET-VIEWS" not in page and "Guardian" not in page
    # The staff pages of the same case stay closed to the monitor: 404, not revealed.
    for url in (
        f"/cases/{case.id}",
        f"/cases/{case.id}/assessment",
        f"/cases/{case.id}/assessment/bia",
        f"/cases/{case.id}/participants",
        f"/cases/{case.id}/monitoring/",
    ):
        assert client.get(url).status_code in (403, 404), url
    login(people[Role.GUARDIAN].user)
    page = client.get(f"/my/cases/{case.id}").get_data(as_text=True)
    assert "Guardian" in page and "SECRET-VIEWS" not in page  # hearings: no page of theirs yet


def test_participant_refusals_do_not_depend_on_the_case(app, client, login, world):
    """The 403s a participant gets on case pages come before the case is loaded: the same
    answer for the case they were on, another agency's case and a case that does not exist."""
    from tests.security.route_policy import builder_for

    policy, builders = collect()
    login(world.users["participant_ended"])
    problems = []
    for url_rule in app.url_map.iter_rules():
        if "GET" not in url_rule.methods or "case_id" not in url_rule.arguments:
            continue
        if url_rule.endpoint not in policy:
            continue
        if rule_for(policy, url_rule.endpoint, "GET") not in CASE_SCOPED:
            continue
        answers = set()
        for case_id in (world.case.id, world.other_case.id, 999999):
            args = {
                n: builder_for(builders, url_rule.endpoint, n)(world) for n in url_rule.arguments
            }
            args["case_id"] = case_id
            response = client.get(url_rule.build(args, append_unknown=False)[1])
            answers.add(response.status_code)
            response.close()
        if len(answers) != 1 or answers - {403, 404}:
            problems.append(f"{url_rule.endpoint}: {sorted(answers)}")
    assert problems == []


def test_api_refuses_participants(client, login, world):
    login(world.users["central_authority_officer"])
    response = client.get(f"/api/v1/cases/{world.case.id}")
    assert response.status_code == 403


def test_participant_home_lists_only_their_cases(client, login, world):
    login(world.users["participant_other_case"])
    page = client.get("/my").get_data(as_text=True)
    assert world.other_case.number in page and world.case.number not in page
    login(world.users["participant_ended"])
    page = client.get("/my").get_data(as_text=True)
    assert world.case.number not in page


def test_the_bia_is_not_a_monitors_record(parties, db):
    case, _other, caseworker, _supervisor, people = parties
    bia = BestInterestsAssessment(case_id=case.id, author_id=caseworker.id)
    db.session.add(bia)
    db.session.commit()
    assert not bia.can_view(people[Role.MONITOR].user)
    assert bia.can_view(people[Role.GUARDIAN].user)
    assert bia.can_view(caseworker)
