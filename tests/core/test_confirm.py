"""The confirmation step of the high-stakes acts (issue 12 item 4): the first post shows what
is about to be confirmed and changes nothing; the confirmed post runs the operation, which
keeps the comment in its audit entry and tells the caseworker."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.cases.models import Case, Stage
from caseapp.closure.operations import ClosureReason
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import Consent
from caseapp.dashboard.models import Notification, NotificationKind
from caseapp.determination.models import BidStatus
from caseapp.gate.models import ReturnApproval, ReturnSuspension
from tests.support import lifecycle
from tests.support.audit_entries import entries
from tests.support.gate_builder import ready_case


def test_return_approval_is_confirmed_with_a_comment(factory, client, login):
    ready = ready_case(factory)
    login(ready.approver)
    url = f"/cases/{ready.case.id}/return/approve"
    first = client.post(url, data={"version": ready.case.version})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "Approve the return?" in html
    assert ready.case.number in html and "All 19 safeguards are met today." in html
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.RETURN_PREPARATION
    assert entries("return:approve", ready.case.id) == []
    second = client.post(
        url, data={"version": ready.case.version, "confirmed": "1", "comment": "Seen the plan."}
    )
    assert second.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.RETURN_APPROVED
    [entry] = entries("return:approve", ready.case.id)
    assert entry.reason == "Seen the plan."
    notice = db.session.scalar(  # the latest: the BID's approval notified before
        select(Notification)
        .where(Notification.case_id == ready.case.id)
        .order_by(Notification.id.desc())
        .limit(1)
    )
    assert notice.kind is NotificationKind.RETURN_APPROVED
    assert notice.user_id == ready.case.caseworker_id


def test_confirmation_of_an_unmet_gate_says_so_and_the_operation_refuses(factory, client, login):
    ready = ready_case(factory, breaks=("S11",))
    login(ready.approver)
    url = f"/cases/{ready.case.id}/return/approve"
    html = client.post(url, data={"version": ready.case.version}).get_data(as_text=True)
    assert "Not met: S11. The approval will be refused." in html
    refused = client.post(url, data={"version": ready.case.version, "confirmed": "1"})
    assert refused.status_code == 302
    assert db.session.scalar(select(ReturnApproval)) is None
    assert len(entries("gate:refuse", ready.case.id)) == 1


def test_bid_approval_is_confirmed_with_a_comment(client, login, factory):
    sup = factory.user(Role.SUPERVISOR)
    author = factory.user(Role.CASEWORKER, agency=sup.agency)
    case = factory.case(caseworker=author)
    bid = lifecycle.submitted_bid(case, author)
    login(sup)
    url = f"/cases/{case.id}/determination/bids/{bid.id}/approve"
    html = client.post(url, data={"approve-version": bid.version}).get_data(as_text=True)
    assert "Approve the best-interests determination?" in html and author.name in html
    db.session.refresh(bid)
    assert bid.status is BidStatus.SUBMITTED
    data = {"approve-version": bid.version, "approve-confirmed": "1", "approve-comment": "Sound."}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(bid)
    assert bid.status is BidStatus.APPROVED
    [entry] = entries("bid:approve", case.id)
    assert entry.reason == "Sound."
    assert db.session.scalar(
        select(Notification).where(
            Notification.user_id == author.id, Notification.kind == NotificationKind.BID_APPROVED
        )
    )


def test_last_resort_is_confirmed_with_a_comment(factory, client, login):
    ready = ready_case(factory)
    consent = db.session.get(Consent, ready.r["consent"].id)
    consent.non_voluntary = True
    consent.last_resort_justification = "Documented risk of staying."
    db.session.commit()
    login(ready.approver)
    url = f"/cases/{ready.case.id}/return/consent/approve-last-resort"
    html = client.post(url, data={"version": ready.case.version}).get_data(as_text=True)
    assert "Documented risk of staying." in html
    db.session.refresh(consent)
    assert consent.last_resort_approved_by_id is None
    data = {"version": ready.case.version, "confirmed": "1", "comment": "Second look done."}
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(consent)
    assert consent.last_resort_approved_by_id == ready.approver.id
    [entry] = entries("consent:last_resort:approve", ready.case.id)
    assert entry.reason == "Second look done."


def test_lifting_a_suspension_is_confirmed_with_a_comment(factory, client, login):
    from caseapp.gate.operations import add_suspension

    admin = factory.user(Role.ADMIN)
    suspension = add_suspension(
        admin, country="UA", reason="Pandemic", suspended_from=date(2026, 1, 1)
    )
    db.session.commit()
    login(admin)
    url = f"/admin/suspensions/{suspension.id}/lift"
    html = client.post(url, data={"lifted_on": "2026-02-01"}).get_data(as_text=True)
    assert "Lift the suspension?" in html and "Ukraine" in html and "Pandemic" in html
    assert db.session.get(ReturnSuspension, suspension.id).lifted_on is None
    data = {"lifted_on": "2026-02-01", "confirmed": "1", "comment": "Ministry notice 12."}
    client.post(url, data=data)
    db.session.expire_all()
    assert db.session.get(ReturnSuspension, suspension.id).lifted_on == date(2026, 2, 1)
    [entry] = entries("suspension:lift")
    assert entry.reason == "Ministry notice 12."


def test_closing_is_confirmed_with_a_comment(factory, client, login):
    ready = ready_case(factory)
    login(ready.caseworker)
    url = f"/cases/{ready.case.id}/close"
    data = {"version": ready.case.version, "reason": "absconded", "note": ""}
    html = client.post(url, data=data).get_data(as_text=True)
    assert "Close the case?" in html and str(ClosureReason.ABSCONDED.label) in html
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.RETURN_PREPARATION
    client.post(url, data={**data, "confirmed": "1", "comment": "Police informed."})
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.CLOSED
    [entry] = entries("case:close", ready.case.id)
    assert entry.diff["comment"] == "Police informed."
