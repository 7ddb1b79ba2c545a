"""Home pages by role, reminders computed from the records, notifications and the digest
(issue 12 item 3). Each reminder is tested both ways: due, and not (yet) due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caseapp.assessment.models import GuardianAppointment
from caseapp.children.models import CareStatus
from caseapp.core.extensions import db
from caseapp.core.mail import outbox
from caseapp.core.permissions import Role
from caseapp.dashboard import operations as ops
from caseapp.dashboard.models import DigestSubscription, Notification, NotificationKind
from caseapp.dashboard.reminders import (
    GUARDIAN_WITHIN_DAYS,
    ReminderKind,
    reminders_for,
)
from caseapp.gate.policy import current_policy
from caseapp.monitoring.models import MonitoringVisit
from tests.support import clock
from tests.support.audit import entries


def _kinds(user, case):
    return {
        r.kind for r in reminders_for(user, clock.today(), current_policy()) if r.case_id == case.id
    }


def _reminder(user, case, kind):
    return next(
        r
        for r in reminders_for(user, clock.today(), current_policy())
        if r.case_id == case.id and r.kind is kind
    )


@pytest.fixture
def worker(factory):
    return factory.user(Role.CASEWORKER)


def test_turns_18_within_the_window_and_not_before(factory, worker):
    soon = factory.case(
        caseworker=worker,
        dob=clock.today().replace(year=clock.today().year - 18) + timedelta(days=30),
    )
    later = factory.case(
        caseworker=worker,
        dob=clock.today().replace(year=clock.today().year - 18) + timedelta(days=200),
    )
    assert ReminderKind.TURNS_18 in _kinds(worker, soon)
    assert ReminderKind.TURNS_18 not in _kinds(worker, later)
    r = _reminder(worker, soon, ReminderKind.TURNS_18)
    assert r.days_left == 30 and not r.overdue
    assert r.child_name == "Ivanov Ivan"


def test_no_guardian_some_days_after_identification_until_one_is_appointed(factory, worker):
    late = factory.case(
        caseworker=worker,
        identified_on=clock.today() - timedelta(days=GUARDIAN_WITHIN_DAYS + 5),
        care_status=CareStatus.UNACCOMPANIED,
    )
    r = _reminder(worker, late, ReminderKind.NO_GUARDIAN)
    assert r.overdue and r.days_overdue == 5
    db.session.add(
        GuardianAppointment(
            case_id=late.id, guardian_name="G", appointing_authority="A", appointed_on=clock.today()
        )
    )
    db.session.commit()
    assert ReminderKind.NO_GUARDIAN not in _kinds(worker, late)
    accompanied = factory.case(
        caseworker=worker,
        identified_on=clock.today() - timedelta(days=60),
        care_status=CareStatus.ACCOMPANIED,
    )
    assert ReminderKind.NO_GUARDIAN not in _kinds(worker, accompanied)


def test_visit_due_overdue_and_done(factory, worker):
    case = factory.case(caseworker=worker)
    visit = MonitoringVisit(
        case=case, months_after_return=1, due_on=clock.today() - timedelta(days=4)
    )
    db.session.add(visit)
    db.session.commit()
    r = _reminder(worker, case, ReminderKind.VISIT_DUE)
    assert r.days_overdue == 4 and r.record_id == visit.id
    visit.visited_on = clock.today()
    visit.wellbeing = "well"
    db.session.commit()
    assert ReminderKind.VISIT_DUE not in _kinds(worker, case)


def test_no_bid_past_the_time_limit_and_not_before(factory, worker):
    policy = current_policy()
    old = factory.case(caseworker=worker)
    old.opened_at = datetime.now(UTC) - timedelta(days=policy.bid_time_limit_days + 3)
    young = factory.case(caseworker=worker)
    db.session.commit()
    assert _reminder(worker, old, ReminderKind.NO_BID).days_overdue == 3
    assert ReminderKind.NO_BID not in _kinds(worker, young)


def test_the_most_urgent_reminders_across_kinds_when_a_kind_has_more_than_the_limit(
    factory, worker
):
    """Each kind is read only as far as the page's limit, in due-date order: the most urgent
    of all kinds still come first (two visits overdue by 9 and 7 days, an 18th birthday in 1
    day beyond them, four visits due later)."""
    cases = [factory.case(caseworker=worker) for _ in range(6)]
    for case, days in zip(cases, (-9, -7, 3, 4, 5, 6), strict=True):
        db.session.add(
            MonitoringVisit(
                case=case, months_after_return=1, due_on=clock.today() + timedelta(days=days)
            )
        )
    birthday = factory.case(
        caseworker=worker,
        dob=clock.today().replace(year=clock.today().year - 18) + timedelta(days=1),
    )
    db.session.commit()
    top = reminders_for(worker, clock.today(), current_policy(), limit=3)
    assert [(r.kind, r.case_id) for r in top] == [
        (ReminderKind.VISIT_DUE, cases[0].id),
        (ReminderKind.VISIT_DUE, cases[1].id),
        (ReminderKind.TURNS_18, birthday.id),
    ]
    every = reminders_for(worker, clock.today(), current_policy(), limit=1000)
    assert sum(r.kind is ReminderKind.VISIT_DUE for r in every) == 6


def test_reminders_are_scoped_caseworker_own_supervisor_team(factory, worker):
    other = factory.user(
        Role.CASEWORKER, agency=db.session.get(type(worker.agency), worker.agency_id)
    )
    supervisor = factory.user(Role.SUPERVISOR, agency=worker.agency)
    stranger = factory.user(Role.SUPERVISOR)
    dob = clock.today().replace(year=clock.today().year - 18) + timedelta(days=10)
    mine = factory.case(caseworker=worker, dob=dob)
    theirs = factory.case(caseworker=other, dob=dob)
    assert ReminderKind.TURNS_18 in _kinds(worker, mine)
    assert ReminderKind.TURNS_18 not in _kinds(worker, theirs)
    assert ReminderKind.TURNS_18 in _kinds(supervisor, theirs)
    assert ReminderKind.TURNS_18 not in _kinds(stranger, mine)


def test_caseworker_home_shows_cases_alerts_next_steps_and_overdue_days(
    factory, worker, client, login
):
    case = factory.case(
        caseworker=worker,
        given="Олена",
        family="Коваль",
        identified_on=clock.today() - timedelta(days=GUARDIAN_WITHIN_DAYS + 2),
        care_status=CareStatus.UNACCOMPANIED,
    )
    login(worker)
    response = client.get("/")
    assert response.headers["Location"].endswith("/home")
    html = client.get("/home").get_data(as_text=True)
    assert case.number in html and "Коваль Олена" in html
    assert "No guardian appointed" in html and "2 days overdue" in html
    assert "Register the case" in html  # the next step of an identified case
    assert "No school or healthcare while pending" in html  # an alert, by words


def test_supervisor_home_shows_waiting_workload_and_past_limits(factory, client, login):
    from caseapp.core.db import utcnow
    from caseapp.determination.models import BestInterestsDetermination, BidStatus

    supervisor = factory.user(Role.SUPERVISOR)
    worker = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    case = factory.case(caseworker=worker, given="Ana", family="Rusu")
    case.opened_at = datetime.now(UTC) - timedelta(days=current_policy().bid_time_limit_days + 9)
    db.session.add(
        BestInterestsDetermination(
            case=case,
            author_id=worker.id,
            status=BidStatus.SUBMITTED,
            submitted_at=utcnow() - timedelta(days=6),
        )
    )
    own = factory.case(caseworker=worker, given="Own", family="Work")
    db.session.add(
        BestInterestsDetermination(
            case=own, author_id=supervisor.id, status=BidStatus.SUBMITTED, submitted_at=utcnow()
        )
    )
    db.session.commit()
    login(supervisor)
    html = client.get("/home").get_data(as_text=True)
    waiting = html.split("Approvals waiting")[1].split("Past a time limit")[0]
    assert "Rusu Ana" in waiting and "6 days" in waiting
    assert "Work Own" not in waiting  # four eyes: never their own
    late = html.split("Past a time limit")[1].split("workload")[0]
    assert "Rusu Ana" in late and "9 days overdue" in late
    team = html.split("workload")[1]
    assert worker.name in team


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CASEWORKER, 200), (Role.SUPERVISOR, 200), (Role.OMBUDSPERSON, 403), (Role.ADMIN, 403)],
)
def test_home_is_for_staff(factory, client, login, role, status):
    login(factory.user(role))
    assert client.get("/home").status_code == status


def test_notifications_are_the_recipients_own(factory, worker, client, login):
    case = factory.case(caseworker=worker)
    other = factory.user(Role.CASEWORKER, agency=worker.agency)
    ops.notify(other, worker.id, NotificationKind.CASE_ASSIGNED, case)
    ops.notify(worker, worker.id, NotificationKind.CASE_ASSIGNED, case)  # own act: none
    db.session.commit()
    notices = db.session.query(Notification).filter_by(user_id=worker.id).all()
    assert len(notices) == 1
    login(other)
    response = client.post("/notifications/open", data={"notification": notices[0].id})
    assert response.status_code == 404
    login(worker)
    assert "A case was given to you" in client.get("/home").get_data(as_text=True)
    response = client.post("/notifications/open", data={"notification": notices[0].id})
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    db.session.expire_all()
    assert db.session.get(Notification, notices[0].id).read_at is not None


def test_digest_is_opt_in_audited_and_carries_no_names(factory, worker, client, login, app):
    case = factory.case(
        caseworker=worker,
        given="Secret",
        family="Name",
        dob=clock.today().replace(year=clock.today().year - 18) + timedelta(days=3),
    )
    assert ops.send_digests() == 0  # nobody asked
    login(worker)
    client.post("/notifications/digest", data={"digest": "y"})
    assert db.session.get(DigestSubscription, worker.id) is not None
    assert entries("user:digest:set")
    outbox().clear()
    assert ops.send_digests() == 1
    body = outbox()[0].body
    assert "Deadlines coming or passed: " in body and "Unread notifications: 0" in body
    assert "Secret" not in body and case.number not in body
    assert ops.send_digests() == 0  # not twice the same day
    client.post("/notifications/digest", data={})
    assert db.session.get(DigestSubscription, worker.id) is None


def test_digest_command_and_background_task(factory, worker, runner, app):
    factory.case(
        caseworker=worker,
        dob=clock.today().replace(year=clock.today().year - 18) + timedelta(days=3),
    )
    ops.set_digest(worker, wanted=True)
    db.session.commit()
    outbox().clear()
    app.config["TASK_QUEUE_IMMEDIATE"] = True
    result = runner.invoke(args=["dashboard", "digest"])
    assert result.output.strip() == "sent 1" and len(outbox()) == 1
    assert runner.invoke(args=["dashboard", "digest"]).output.strip() == "sent 0"


def test_notifications_page_reads_the_newest_from_an_index(factory, worker, db):
    """The page's query reads the user's newest notifications from ``(user_id, id)``, not all
    of them sorted (issue 16: 81 ms for a caseworker with 61,536 notifications)."""
    from caseapp.dashboard.home import notifications_page
    from tests.support.plans import sqlite_plans

    case = factory.case(caseworker=worker)
    other = factory.user(Role.CASEWORKER, agency=worker.agency)
    for _ in range(3):
        ops.notify(other, worker.id, NotificationKind.CASE_ASSIGNED, case)
    db.session.commit()
    with sqlite_plans("notification") as plans:
        for before in (None, 10**9):
            assert len(notifications_page(worker, before=before)[0]) == 3
    assert len(plans) == 2
    for plan in plans:
        assert "ix_notification_user_id" in plan and "TEMP B-TREE" not in plan, plan
