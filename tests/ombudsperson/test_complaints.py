"""Complaints go to a named body (issue 15 part 2; 002, Rec 4: "lodge complaints with an
independent and impartial authority"; Rec 1): the ombudsperson institution, an agency of the
register, sees the complaints addressed to it and answers them; nobody else answers them."""

from __future__ import annotations

import pytest

from caseapp.agencies.models import AgencyKind
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.decision import operations as ops
from caseapp.decision.models import ComplainantKind, ComplaintStatus
from tests.support import clock, lifecycle


@pytest.fixture
def setting(factory):
    cw = factory.user(Role.CASEWORKER)
    case = factory.case(agency=cw.agency, caseworker=cw)
    lifecycle.to_registered(case, cw)
    institution = factory.agency(kind=AgencyKind.OMBUDSPERSON, name="Children's Ombudsperson")
    ombudsperson = factory.user(Role.OMBUDSPERSON, agency=institution)
    return cw, case, institution, ombudsperson


def _lodge(cw, case, institution):
    complaint = ops.lodge_complaint(
        cw,
        case,
        lodged_by=ComplainantKind.CHILD,
        lodged_on=clock.today(),
        subject="Placed far from my brother.",
        addressed_to_id=institution.id,
        expected_version=case.version,
    )
    db.session.commit()
    return complaint


def test_only_the_named_body_answers_a_complaint_addressed_to_it(factory, setting):
    cw, case, institution, ombudsperson = setting
    complaint = _lodge(cw, case, institution)
    assert complaint.addressed_to_id == institution.id
    other_office = factory.user(
        Role.OMBUDSPERSON, agency=factory.agency(kind=AgencyKind.OMBUDSPERSON)
    )
    for refused in (cw, other_office):
        with pytest.raises(PermissionDenied):
            ops.answer_complaint(
                refused,
                complaint,
                response="Seen.",
                responded_on=clock.today(),
                expected_version=complaint.version,
            )
    ops.answer_complaint(
        ombudsperson,
        complaint,
        response="We asked the agency to reunite the siblings.",
        responded_on=clock.today(),
        expected_version=complaint.version,
    )
    db.session.commit()
    assert complaint.status is ComplaintStatus.ANSWERED
    assert complaint.answered_by_id == ombudsperson.id


def test_a_complaint_to_the_agency_is_answered_by_the_agency_not_the_ombudsperson(setting):
    cw, case, _institution, ombudsperson = setting
    complaint = ops.lodge_complaint(
        cw,
        case,
        lodged_by=ComplainantKind.GUARDIAN,
        lodged_on=clock.today(),
        subject="Late.",
        expected_version=case.version,
    )
    db.session.commit()
    with pytest.raises(PermissionDenied):
        ops.answer_complaint(
            ombudsperson,
            complaint,
            response="x",
            responded_on=clock.today(),
            expected_version=complaint.version,
        )
    ops.answer_complaint(
        cw,
        complaint,
        response="Done.",
        responded_on=clock.today(),
        expected_version=complaint.version,
    )


def test_only_an_ombudsperson_institution_can_be_addressed(factory, setting):
    cw, case, _institution, _o = setting
    ngo = factory.agency(kind=AgencyKind.NGO)
    with pytest.raises(ValidationFailed):
        _lodge(cw, case, ngo)


def test_the_institution_sees_and_answers_on_its_pages(client, login, setting):
    cw, case, institution, ombudsperson = setting
    complaint = _lodge(cw, case, institution)
    login(ombudsperson)
    html = client.get("/ombudsperson/complaints").get_data(as_text=True)
    assert case.number in html and f"/ombudsperson/complaints/{complaint.id}" in html
    page = client.get(f"/ombudsperson/complaints/{complaint.id}")
    assert page.status_code == 200
    response = client.post(
        f"/ombudsperson/complaints/{complaint.id}",
        data={
            "answer-version": complaint.version,  # the complaint's own lock
            "answer-response": "Answered by the institution.",
            "answer-responded_on": clock.today().isoformat(),
        },
    )
    assert response.status_code == 302
    db.session.refresh(complaint)
    assert complaint.response == "Answered by the institution."


def test_another_institution_does_not_see_the_complaint(factory, client, login, setting):
    cw, case, institution, _o = setting
    complaint = _lodge(cw, case, institution)
    other = factory.user(Role.OMBUDSPERSON, agency=factory.agency(kind=AgencyKind.OMBUDSPERSON))
    login(other)
    assert case.number not in client.get("/ombudsperson/complaints").get_data(as_text=True)
    assert client.get(f"/ombudsperson/complaints/{complaint.id}").status_code == 403
