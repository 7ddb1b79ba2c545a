"""The refusals the route-policy test found missing, with complete (valid) forms.

Read-only users were refused only after their form validated, so an incomplete form got the
page back (200/302) and the crossborder pages refused a caseworker with 403 for the case's
stage; now permission is checked first (403) and the stage is the operation's message.
"""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.crossborder.models import CoordinationMessage
from caseapp.monitoring.models import MonitoringVisit
from tests.security.records import record

MESSAGE = {
    "direction": "received",
    "kind": "information",
    "counterpart": "Child protection service",
    "subject": "Family traced",
    "on_date": "2025-02-01",
}


def _messages(db) -> int:
    return db.session.scalar(select(func.count()).select_from(CoordinationMessage))


def test_ombudsperson_posting_a_message_is_refused(client, login, world, db):
    login(world.users["ombudsperson"])
    url = f"/cases/{world.case.id}/return/messages"
    assert client.post(url, data=MESSAGE).status_code == 403
    assert client.post(url, data={}).status_code == 403
    assert client.get(url).status_code == 200
    assert _messages(db) == 0


def test_caseworker_outside_return_preparation_gets_the_stage_message(client, login, world, db):
    """Allowed to edit, but the case is not in return preparation: a message, not a 403."""
    login(world.users["caseworker_own"])
    data = {**MESSAGE, "version": str(world.case.version)}
    response = client.post(f"/cases/{world.case.id}/return/messages", data=data)
    assert response.status_code == 409  # a refusal by the operation, shown next to the form
    assert "only while the case is in return preparation" in response.get_data(as_text=True)
    assert _messages(db) == 0


def test_ombudsperson_may_not_escalate_or_report_a_visit(client, login, world, db):
    visit = record(world, "visit")
    base = f"/cases/{world.case.id}/monitoring"
    login(world.users["ombudsperson"])
    assert (
        client.post(f"{base}/visits/{visit.id}/escalate", data={"reason": "x"}).status_code == 403
    )
    report = {"visited_on": "2025-02-01", "visited_by": "Monitor", "wellbeing": "Well"}
    assert client.post(f"{base}/visits/{visit.id}", data=report).status_code == 403
    assert client.post(f"{base}/start", data={"version": "1"}).status_code == 403
    db.session.expire_all()
    row = db.session.get(MonitoringVisit, visit.id)
    assert (row.escalated, row.visited_on) == (False, None)
    login(world.users["caseworker_own"])
    db.session.expire_all()
    data = {"reason": "No contact", "version": str(row.version)}  # the visit's own lock
    response = client.post(f"{base}/visits/{visit.id}/escalate", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringVisit, visit.id).escalated is True


def test_caseworker_may_not_review_a_bid(client, login, world):
    bid = record(world, "bid")
    login(world.users["caseworker_own"])
    base = f"/cases/{world.case.id}/determination/bids/{bid.id}"
    assert client.post(f"{base}/approve", data={}).status_code == 403
    assert client.post(f"{base}/send-back", data={}).status_code == 403
