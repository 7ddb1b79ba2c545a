"""The Central Authority officer's answer to a request to approve is the authority's decision
(S11; 002, Moldova: the return "must be approved by the Central Authority"): the generic
answer form records it through ``record_central_approval``, the operation of the
caseworker's and the officer's own pages (issue 10 items 2 and 3), so the safeguards page
shows it; without a reference nothing is recorded."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.crossborder.models import CentralAuthorityApproval, Provenance
from caseapp.participants.models import ParticipantRequest, RequestAnswer, RequestKind
from caseapp.participants.operations import send_request
from tests.acts.test_operations import monitor, officer, set_policy
from tests.support import clock
from tests.support.gate_builder import ready_case


def _request(ready, user, kind=RequestKind.APPROVE):
    """A request of ``kind`` from the caseworker to ``user`` (assigned to the case)."""
    row = send_request(
        ready.caseworker,
        ready.case,
        assignment=ready.case.assignment_of(user),
        kind=kind,
        details="Please decide on the return request",
        due_on=clock.today() + timedelta(days=7),
        today=clock.today(),
        expected_version=ready.case.version,
    )
    db.session.commit()
    return row


def _answer(client, row, *, answer, reference="", note=""):
    db.session.expire_all()
    version = db.session.get(ParticipantRequest, row.id).case.version
    p = f"r{row.id}-"
    return client.post(
        f"/my/requests/{row.id}/answer",
        data={
            f"{p}version": str(version),
            f"{p}answer": answer,
            f"{p}reference": reference,
            f"{p}note": note,
        },
    )


def _approvals(ready):
    return db.session.scalar(
        select(func.count())
        .select_from(CentralAuthorityApproval)
        .where(CentralAuthorityApproval.case_id == ready.case.id)
    )


def _s11(client, ready):
    page = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    start = page.index("S11")
    return page[start : page.index("S12", start)]


def test_the_officer_approves_through_the_request_and_s11_is_met(client, login, factory):
    ready = ready_case(factory)
    set_policy(factory, central_approval_by_party=True)  # the paper record no longer counts
    ca = officer(factory, ready)
    row = _request(ready, ca)
    login(ready.caseworker)
    before = _s11(client, ready)
    assert "Central Authority approval: the policy requires" in before and "not met" in before
    login(ca)
    page = client.get(f"/my/cases/{ready.case.id}").get_data(as_text=True)
    assert "decision on the return request (S11)" in page  # the form says what it records
    response = _answer(client, row, answer="agreed", reference="CA-2026/117", note="Approved.")
    assert response.status_code == 302
    db.session.expire_all()
    decision = db.session.scalars(
        select(CentralAuthorityApproval).order_by(CentralAuthorityApproval.id.desc())
    ).first()
    assert decision.reference == "CA-2026/117" and not decision.refused
    assert decision.provenance is Provenance.CONFIRMED_BY_PARTICIPANT
    assert decision.confirmed_by_id == ca.id
    assert decision.authority_agency_id == ready.r["central_agency"].id
    row = db.session.get(ParticipantRequest, row.id)
    assert row.answer is RequestAnswer.AGREED and row.answer_note == "Approved."
    login(ready.caseworker)
    s11 = _s11(client, ready)
    assert "confirmed by the Central Authority: central_authority_officer person" in s11
    assert "the policy requires" not in s11 and "not met" not in s11


def test_the_officer_refuses_through_the_request_and_s11_is_unmet(client, login, factory):
    ready = ready_case(factory)
    ca = officer(factory, ready)
    row = _request(ready, ca)
    login(ca)
    assert _answer(client, row, answer="declined", reference="CA-2026/118").status_code == 302
    db.session.expire_all()
    decision = db.session.scalars(
        select(CentralAuthorityApproval).order_by(CentralAuthorityApproval.id.desc())
    ).first()
    assert decision.refused and decision.reference == "CA-2026/118"
    login(ready.caseworker)
    s11 = _s11(client, ready)
    assert "The Central Authority refused the return" in s11 and "not met" in s11


def test_without_a_reference_nothing_is_recorded(client, login, factory):
    ready = ready_case(factory)
    ca = officer(factory, ready)
    row = _request(ready, ca)
    before = _approvals(ready)
    login(ca)
    response = _answer(client, row, answer="agreed", reference="  ")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Give the reference of the Central Authority&#39;s decision (S11)." in page
    db.session.expire_all()
    assert _approvals(ready) == before
    assert db.session.get(ParticipantRequest, row.id).is_open


def test_outside_return_preparation_the_decision_is_refused_and_nothing_changes(
    client, login, factory
):
    """The operation's stage rule holds for the request's answer too (one rule)."""
    from caseapp.cases.models import Stage

    ready = ready_case(factory, stage=Stage.DECIDED)
    ca = officer(factory, ready)
    row = _request(ready, ca)
    before = _approvals(ready)
    login(ca)
    response = _answer(client, row, answer="agreed", reference="CA-1")
    assert response.status_code == 302
    db.session.expire_all()
    assert _approvals(ready) == before
    assert db.session.get(ParticipantRequest, row.id).is_open


def test_other_answers_record_no_decision(client, login, factory):
    """A request to confirm to the officer, or to approve sent to the monitor, is an answer
    only: no Central Authority decision comes of it."""
    ready = ready_case(factory)
    ca, mon = officer(factory, ready), monitor(factory, ready)
    confirm = _request(ready, ca, RequestKind.CONFIRM)
    approve = _request(ready, mon)
    before = _approvals(ready)
    login(ca)
    assert _answer(client, confirm, answer="agreed", reference="X-1").status_code == 302
    login(mon)
    assert _answer(client, approve, answer="agreed").status_code == 302
    db.session.expire_all()
    assert _approvals(ready) == before
    assert not db.session.get(ParticipantRequest, confirm.id).is_open
    assert not db.session.get(ParticipantRequest, approve.id).is_open
