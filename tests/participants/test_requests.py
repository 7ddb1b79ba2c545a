"""Requests with due dates: a caseworker asks, the participant sees it on their home page
and answers on the case; overdue ones are on the caseworker's due list (issue 10 item 3)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db
from caseapp.participants.models import Assignment, ParticipantRequest, RequestAnswer
from tests.support import clock


def _assignment(world, actor):
    return db.session.scalar(
        select(Assignment).where(
            Assignment.case_id == world.case.id, Assignment.user_id == world.users[actor].id
        )
    )


def _send(client, world, actor, *, due_on, details="Please confirm the approval", kind="approve"):
    return client.post(
        f"/cases/{world.case.id}/requests",
        data={
            "request-version": str(world.case.version),
            "request-assignment_id": str(_assignment(world, actor).id),
            "request-kind": kind,
            "request-details": details,
            "request-due_on": due_on.isoformat(),
        },
    )


def test_request_is_sent_seen_answered_and_audited(client, login, world):
    login(world.users["caseworker_own"])
    due = clock.today() + timedelta(days=5)
    # A request to confirm: the answer to a request to approve is the Central Authority's
    # decision itself (tests/participants/test_central_answer.py).
    response = _send(client, world, "central_authority_officer", due_on=due, kind="confirm")
    assert response.status_code == 302
    row = db.session.scalar(select(ParticipantRequest))
    assert row.due_on == due and row.sent_by_id == world.users["caseworker_own"].id

    officer = world.users["central_authority_officer"]
    login(officer)
    home = client.get("/my").get_data(as_text=True)
    assert "Please confirm the approval" in home and world.case.number in home
    db.session.expire_all()
    case_version = row.case.version
    response = client.post(
        f"/my/requests/{row.id}/answer",
        data={
            f"r{row.id}-version": str(case_version),
            f"r{row.id}-answer": "agreed",
            f"r{row.id}-reference": "CA-2026/117",
            f"r{row.id}-note": "Approved.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(ParticipantRequest, row.id)
    assert row.answer is RequestAnswer.AGREED and row.reference == "CA-2026/117"
    assert row.answered_by_id == officer.id
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "participant:request:answer")
    )
    assert entry.actor_id == officer.id and entry.case_id == world.case.id
    assert "Please confirm the approval" not in client.get("/my").get_data(as_text=True)
    # Recorded on the case: its staff see the answer.
    login(world.users["caseworker_own"])
    page = client.get(f"/cases/{world.case.id}/participants").get_data(as_text=True)
    assert "CA-2026/117" in page


def test_only_the_addressee_answers_and_only_once(client, login, world):
    login(world.users["caseworker_own"])
    _send(client, world, "guardian", due_on=clock.today() + timedelta(days=1))
    row = db.session.scalar(select(ParticipantRequest))
    url = f"/my/requests/{row.id}/answer"

    def post():
        db.session.expire_all()
        version = db.session.get(ParticipantRequest, row.id).case.version
        return client.post(url, data={f"r{row.id}-version": version, f"r{row.id}-answer": "agreed"})

    for actor, status in (
        ("monitor", 404),  # assigned to the case, not the addressee: not even shown
        ("participant_other_case", 404),
        ("participant_ended", 404),
        ("caseworker_own", 403),  # staff see it, never answer for the participant
        ("supervisor_other", 404),
    ):
        login(world.users[actor])
        assert post().status_code == status, actor
    login(world.users["guardian"])
    assert post().status_code == 302
    assert post().status_code == 403  # answered already
    db.session.expire_all()
    assert db.session.get(ParticipantRequest, row.id).answered_by_id == world.users["guardian"].id


def test_answer_form_ignores_fields_outside_it(client, login, world):
    """Mass assignment: the answer form sets the answer, note and reference, nothing else."""
    login(world.users["caseworker_own"])
    _send(client, world, "monitor", due_on=clock.today() + timedelta(days=3))
    row = db.session.scalar(select(ParticipantRequest))
    before = (row.case_id, row.assignment_id, row.kind, row.details, row.due_on, row.sent_by_id)
    login(world.users["monitor"])
    p = f"r{row.id}-"
    response = client.post(
        f"/my/requests/{row.id}/answer",
        data={
            f"{p}version": str(row.case.version),
            f"{p}answer": "declined",
            f"{p}case_id": str(world.other_case.id),
            f"{p}assignment_id": "1",
            f"{p}answered_by_id": str(world.users["caseworker_own"].id),
            f"{p}due_on": "2099-01-01",
            f"{p}details": "changed",
            f"{p}kind": "report",
            "role": "admin",
            "stage": "closed",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(ParticipantRequest, row.id)
    after = (row.case_id, row.assignment_id, row.kind, row.details, row.due_on, row.sent_by_id)
    assert after == before
    assert row.answered_by_id == world.users["monitor"].id
    assert world.users["monitor"].role.value == "monitor"


def test_a_due_date_in_the_past_and_an_unassigned_participant_are_refused(client, login, world):
    login(world.users["caseworker_own"])
    response = _send(client, world, "guardian", due_on=clock.today() - timedelta(days=1))
    assert response.status_code == 400
    ended = db.session.scalar(
        select(Assignment).where(Assignment.user_id == world.users["participant_ended"].id)
    )
    response = client.post(
        f"/cases/{world.case.id}/requests",
        data={
            "request-version": str(world.case.version),
            "request-assignment_id": str(ended.id),
            "request-kind": "report",
            "request-details": "A report",
            "request-due_on": clock.today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert db.session.scalars(select(ParticipantRequest)).all() == []


def test_overdue_requests_are_on_the_due_list(client, login, world):
    login(world.users["caseworker_own"])
    _send(client, world, "guardian", due_on=clock.today(), details="Attend the hearing")
    row = db.session.scalar(select(ParticipantRequest))
    assert "Overdue requests to participants" in client.get("/due").get_data(as_text=True)
    assert f"/cases/{world.case.id}/participants" not in client.get("/due").get_data(as_text=True)
    row.due_on = clock.today() - timedelta(days=2)  # time passes
    db.session.commit()
    assert f"/cases/{world.case.id}/participants" in client.get("/due").get_data(as_text=True)
    # Another agency's caseworker does not see it.
    login(world.users["caseworker_other"])
    assert f"/cases/{world.case.id}/participants" not in client.get("/due").get_data(as_text=True)
    # Answered, it leaves the list.
    row = db.session.get(ParticipantRequest, row.id)
    row.answer, row.answered_at = RequestAnswer.AGREED, row.sent_at
    db.session.commit()
    login(world.users["caseworker_own"])
    assert f"/cases/{world.case.id}/participants" not in client.get("/due").get_data(as_text=True)


def test_home_page_is_in_the_participants_language(client, login, world, factory):
    from caseapp.core.permissions import Role

    user = world.users["guardian"]
    user.locale = "ro"
    db.session.commit()
    login(user)
    page = client.get("/my").get_data(as_text=True)
    assert "Cazurile mele" in page
    assert factory and Role.GUARDIAN
