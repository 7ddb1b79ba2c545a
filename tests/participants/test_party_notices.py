"""The case's participants are told of decisions (issue 10 item 2: "the lawyer is notified of
decisions"; 002, Rec 1: the right to appeal): in the app and in the e-mail digest's count,
each only of what the matrix lets their role read; a lawyer whose assignment ended, or who
is assigned to another case, is told nothing, and an old notice no longer names the case."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.core.extensions import db
from caseapp.dashboard.models import Notification, NotificationKind
from caseapp.dashboard.operations import digest_text, notify_parties
from caseapp.decision import operations as decision
from caseapp.decision.models import Appeal, AppealStatus
from caseapp.gate.operations import approve_return
from caseapp.participants.operations import end_assignment
from tests.acts.test_operations import guardian, lawyer, monitor, officer, v
from tests.support import clock
from tests.support.gate_builder import ready_case


def _told(kind, case=None):
    """The ids of the users told of ``kind`` (on ``case``)."""
    query = select(Notification.user_id).where(Notification.kind == kind)
    if case is not None:
        query = query.where(Notification.case_id == case.id)
    return set(db.session.scalars(query))


def _parties(factory):
    """A ready case with its guardian, lawyer, Central Authority officer and monitor
    assigned; a lawyer whose assignment to it ended; a lawyer of another case."""
    ready = ready_case(factory)
    people = {
        "guardian": guardian(factory, ready),
        "lawyer": lawyer(factory, ready),
        "officer": officer(factory, ready),
        "monitor": monitor(factory, ready),
        "ended": lawyer(factory, ready),
    }
    end_assignment(
        ready.supervisor,
        ready.case.assignment_of(people["ended"]),
        reason="Representation ended",
        expected_version=ready.case.version,
    )
    other = ready_case(factory)
    people["other_case"] = lawyer(factory, other)
    db.session.commit()
    return ready, {k: u.id for k, u in people.items()}


def test_the_return_approval_is_told_to_the_parties_who_read_decisions(factory):
    ready, ids = _parties(factory)
    approve_return(ready.approver, ready.case, expected_version=v(ready))
    db.session.commit()
    told = _told(NotificationKind.RETURN_APPROVED, ready.case)
    assert {ids["guardian"], ids["lawyer"], ids["officer"]} <= told
    # The monitor reads no decision; the ended and the other case's lawyer are not told.
    assert ids["monitor"] not in told
    assert ids["ended"] not in _told(NotificationKind.RETURN_APPROVED)
    assert ids["other_case"] not in _told(NotificationKind.RETURN_APPROVED)
    # The caseworker is told as before.
    assert ready.caseworker.id in told


def test_an_appeal_decided_is_told_to_the_lawyer_and_the_guardian(factory):
    ready, ids = _parties(factory)
    appeal = Appeal(case=ready.case, lodged_on=ready.today, lodged_by="Lawyer", body="Court")
    db.session.add(appeal)
    db.session.commit()
    decision.decide_appeal(
        ready.caseworker,
        appeal,
        status=AppealStatus.REJECTED,
        decided_on=ready.today,
        result_summary="Rejected",
        expected_version=appeal.version,  # the appeal's own lock (issue 12)
    )
    db.session.commit()
    told = _told(NotificationKind.APPEAL_DECIDED)
    assert {ids["guardian"], ids["lawyer"], ids["officer"]} == told


def test_a_last_resort_return_is_told_only_to_who_reads_consents(factory):
    """Least privilege: "last resort" tells of the consent; the Central Authority officer
    reads decisions but not consents, so is not told of it."""
    ready, ids = _parties(factory)
    told = set(notify_parties(ready.approver, ready.case, NotificationKind.LAST_RESORT_APPROVED))
    assert told == {ids["guardian"], ids["lawyer"]}
    # The determination approved: who reads the determination (not the monitor).
    told = set(notify_parties(ready.approver, ready.case, NotificationKind.DETERMINATION_APPROVED))
    assert told == {ids["guardian"], ids["lawyer"], ids["officer"]}
    # The case closed: every participant assigned reads the case line.
    told = set(notify_parties(ready.approver, ready.case, NotificationKind.CASE_CLOSED))
    assert told == {ids[k] for k in ("guardian", "lawyer", "officer", "monitor")}
    # Staff kinds go to no participant.
    assert notify_parties(ready.approver, ready.case, NotificationKind.BID_SENT_BACK) == []


def test_the_party_who_acted_is_not_told_of_their_own_act(factory):
    ready, ids = _parties(factory)
    from caseapp.auth.models import User

    lawyer_user = db.session.get(User, ids["lawyer"])
    told = notify_parties(lawyer_user, ready.case, NotificationKind.COMPLAINT_ANSWERED)
    assert ids["lawyer"] not in told and ids["guardian"] in told


def test_the_lawyer_sees_the_notice_on_their_home_page_and_opens_the_case(client, login, factory):
    ready, ids = _parties(factory)
    approve_return(ready.approver, ready.case, expected_version=v(ready))
    db.session.commit()
    from caseapp.auth.models import User

    lawyer_user = db.session.get(User, ids["lawyer"])
    login(lawyer_user)
    home = client.get("/my").get_data(as_text=True)
    assert "The return was approved" in home and ready.case.number in home
    notice = db.session.scalar(
        select(Notification).where(
            Notification.user_id == ids["lawyer"],
            Notification.kind == NotificationKind.RETURN_APPROVED,
        )
    )
    # The notice names what happened and the case, nothing of a record outside the matrix
    # (no reference, no risk narrative): its text is its kind's label.
    page = client.get("/notifications").get_data(as_text=True)
    assert "The return was approved" in page and "CA-42" not in page
    response = client.post("/notifications/open", data={"notification": notice.id})
    assert response.headers["Location"].endswith(f"/my/cases/{ready.case.id}")
    # Opened, it is read: nothing unread for the digest to count.
    with factory_request_context():
        assert digest_text(lawyer_user, clock.today()) is None

    # The assignment ends: the old notice no longer names the case, nor opens it.
    end_assignment(
        ready.supervisor,
        ready.case.assignment_of(lawyer_user),
        reason="Representation ended",
        expected_version=ready.case.version,
    )
    db.session.commit()
    login(lawyer_user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "The return was approved" in page and ready.case.number not in page
    response = client.post("/notifications/open", data={"notification": notice.id})
    assert response.headers["Location"].endswith("/notifications")


def test_the_digest_counts_a_partys_unread_notices(factory):
    ready, ids = _parties(factory)
    approve_return(ready.approver, ready.case, expected_version=v(ready))
    db.session.commit()
    from caseapp.auth.models import User

    with factory_request_context():
        _subject, body = digest_text(db.session.get(User, ids["guardian"]), clock.today())
    assert "Unread notifications: 1" in body and "/my" in body
    assert ready.case.number not in body  # counts and a link only


def factory_request_context():
    from flask import current_app

    return current_app.test_request_context()
