"""Mass assignment through the participants' own pages (issue 10: "a participant can never
reach a field outside the matrix ... including mass assignment"; ASVS 5.0 V15.3.3): each
form sets what the participant's part sets and nothing else -- not the authority, the
provenance or who confirmed (S11), not the visit's schedule or who reported it (S17), not the
complainant, the appeal's author or another case."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.crossborder.models import CentralAuthorityApproval, Provenance
from caseapp.decision.models import Appeal, ComplainantKind, Complaint
from caseapp.monitoring.models import MonitoringVisit
from caseapp.participants.models import RequestKind
from caseapp.participants.operations import send_request
from tests.acts.test_operations import lawyer, officer, returned
from tests.support.gate_builder import ready_case


def _forged(ready, other_case, staff, other_agency):
    """Fields no participant's form has, set to what a forger would want."""
    return {
        "case_id": str(other_case.id),
        "authority_agency_id": str(other_agency.id),
        "authority_name": "Forged authority",
        "provenance": Provenance.RECORDED_BY_LEAD_AGENCY.value,
        "confirmed_by_id": str(staff.id),
        "reported_by_id": str(staff.id),
        "lodged_by": ComplainantKind.CHILD.value,
        "months_after_return": "99",
        "due_on": "2099-01-01",
        "refused": "y",
        "role": "supervisor",
        "stage": "closed",
    }


def _latest(model):
    db.session.expire_all()
    return db.session.scalars(select(model).order_by(model.id.desc())).first()


def test_the_officers_decision_sets_only_the_decision(client, login, factory):
    ready = ready_case(factory)
    other = ready_case(factory)
    ca = officer(factory, ready)
    forged = _forged(ready, other.case, ready.caseworker, other.r["central_agency"])
    login(ca)
    response = client.post(
        f"/participate/cases/{ready.case.id}/central-authority",
        data={
            "version": str(ready.case.version),
            "decision": "approve",
            "reference": "CA-2026/9",
            "decided_on": ready.today.isoformat(),
            **forged,
        },
    )
    assert response.status_code == 302
    a = _latest(CentralAuthorityApproval)
    assert a.case_id == ready.case.id and a.reference == "CA-2026/9" and not a.refused
    assert a.authority_agency_id == ready.r["central_agency"].id
    assert a.authority_name == ready.r["central_agency"].name
    assert a.provenance is Provenance.CONFIRMED_BY_PARTICIPANT and a.confirmed_by_id == ca.id


def test_the_officers_answer_to_a_request_sets_only_the_decision(client, login, factory):
    ready = ready_case(factory)
    other = ready_case(factory)
    ca = officer(factory, ready)
    row = send_request(
        ready.caseworker,
        ready.case,
        assignment=ready.case.assignment_of(ca),
        kind=RequestKind.APPROVE,
        details="Please decide",
        due_on=ready.today,
        today=ready.today,
        expected_version=ready.case.version,
    )
    db.session.commit()
    forged = _forged(ready, other.case, ready.caseworker, other.r["central_agency"])
    login(ca)
    p = f"r{row.id}-"
    response = client.post(
        f"/my/requests/{row.id}/answer",
        data={
            f"{p}version": str(ready.case.version),
            f"{p}answer": "agreed",
            f"{p}reference": "CA-2026/10",
            **{f"{p}{k}": v for k, v in forged.items()},
            **forged,
        },
    )
    assert response.status_code == 302
    a = _latest(CentralAuthorityApproval)
    assert a.case_id == ready.case.id and a.reference == "CA-2026/10" and not a.refused
    assert a.authority_agency_id == ready.r["central_agency"].id
    assert a.provenance is Provenance.CONFIRMED_BY_PARTICIPANT and a.confirmed_by_id == ca.id


def test_the_monitors_report_sets_only_the_report(client, login, factory):
    ready, mon, visit = returned(factory)
    other = ready_case(factory)
    schedule = (visit.case_id, visit.months_after_return, visit.due_on)
    forged = _forged(ready, other.case, ready.caseworker, other.r["central_agency"])
    login(mon)
    db.session.expire_all()
    version = db.session.get(MonitoringVisit, visit.id).version  # the visit's own lock
    response = client.post(
        f"/participate/cases/{ready.case.id}/visits/{visit.id}",
        data={
            "version": str(version),
            "visited_on": ready.today.isoformat(),
            "visited_by": "Pavel Moraru",
            "wellbeing": "Settled at home.",
            **forged,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    visit = db.session.get(MonitoringVisit, visit.id)
    assert (visit.case_id, visit.months_after_return, visit.due_on) == schedule
    assert visit.reported_by_id == mon.id and visit.wellbeing == "Settled at home."


def test_the_lawyers_appeal_and_complaint_are_in_their_own_name(client, login, factory):
    ready = ready_case(factory)
    other = ready_case(factory)
    user = lawyer(factory, ready)
    forged = _forged(ready, other.case, ready.caseworker, other.r["central_agency"])
    login(user)
    base = f"/participate/cases/{ready.case.id}/party"
    response = client.post(
        f"{base}/complaint",
        data={
            "version": str(ready.case.version),
            "lodged_on": ready.today.isoformat(),
            "subject": "Not heard.",
            **forged,
        },
    )
    assert response.status_code == 302
    complaint = _latest(Complaint)
    assert complaint.case_id == ready.case.id
    assert complaint.lodged_by is ComplainantKind.REPRESENTATIVE
    db.session.expire_all()
    response = client.post(
        f"{base}/appeal",
        data={
            "version": str(db.session.get(type(ready.case), ready.case.id).version),
            "lodged_on": ready.today.isoformat(),
            "body": "District court",
            **{**forged, "lodged_by": "The child"},
        },
    )
    assert response.status_code == 302
    appeal = _latest(Appeal)
    assert appeal.case_id == ready.case.id and appeal.lodged_by == user.name
