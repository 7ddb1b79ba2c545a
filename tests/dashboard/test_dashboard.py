"""Supervisor queue and due list."""

from datetime import timedelta

import pytest

from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import Consent
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.monitoring.models import MonitoringVisit
from tests.support import clock
from tests.support.gate_builder import ready_case


def test_queue_lists_ready_returns_bids_and_last_resorts(factory, client, login):
    ready = ready_case(factory)
    blocked = ready_case(factory, breaks=("S7",))
    other = factory.case(agency=ready.agency)
    db.session.add(
        BestInterestsDetermination(
            case=other,
            author_id=ready.caseworker.id,
            status=BidStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
    )
    consent = db.session.get(Consent, ready.r["consent"].id)
    consent.non_voluntary = True
    consent.last_resort_justification = "Documented"
    db.session.commit()
    login(ready.approver)
    html = client.get("/queue").get_data(as_text=True)
    assert other.number in html
    assert f"/cases/{ready.case.id}/return/consent" in html
    assert f'/cases/{ready.case.id}/safeguards">{ready.case.number}' not in html  # S15 now unmet
    assert blocked.case.number not in html


def test_queue_hides_own_bids(factory, client, login):
    ready = ready_case(factory)
    db.session.add(
        BestInterestsDetermination(
            case=factory.case(agency=ready.agency),
            author_id=ready.approver.id,
            status=BidStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
    )
    db.session.commit()
    login(ready.approver)
    html = client.get("/queue").get_data(as_text=True)
    assert f'/cases/{ready.case.id}/safeguards">{ready.case.number}' in html
    assert "submitted" not in html.split("Returns ready")[0].split("Determinations awaiting")[1]


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.CASEWORKER, "/queue", 403),
        (Role.ADMIN, "/queue", 403),
        (Role.ADMIN, "/due", 403),
        (Role.OMBUDSPERSON, "/due", 403),
        (Role.CASEWORKER, "/due", 200),
        (Role.SUPERVISOR, "/queue", 200),
    ],
)
def test_dashboard_permissions(factory, client, login, role, path, status):
    login(factory.user(role))
    assert client.get(path).status_code == status


def _heard_only(ready, day):
    """The ready case's one hearing moved to ``day`` (the case's latest hearing with it)."""
    ready.r["hearing"].held_on = day
    ready.case.last_heard_on = day


def test_due_list(factory, client, login):
    ready = ready_case(factory)
    ready.r["notice"].appeal_deadline = clock.today() + timedelta(days=3)
    _heard_only(ready, clock.today() - timedelta(days=200))
    db.session.add(
        MonitoringVisit(
            case=ready.case, months_after_return=1, due_on=clock.today() - timedelta(days=2)
        )
    )
    late = factory.case(agency=ready.agency)
    late.opened_at = utcnow() - timedelta(days=120)
    foreign = ready_case(factory)
    _heard_only(foreign, clock.today() - timedelta(days=200))
    db.session.commit()
    login(ready.caseworker)
    html = client.get("/due").get_data(as_text=True)
    assert html.count(ready.case.number) >= 3  # visit, deadline, hearing
    assert late.number in html
    assert foreign.case.number not in html


def _name(case) -> str:
    n = case.child.primary_name
    return " ".join(p for p in (n.family_name, n.given_name, n.patronymic) if p)


def test_due_list_shows_the_childs_name_and_days_overdue(factory, client, login):
    """Issue 12 item 3: the name beside the case number, and how late each item is."""
    ready = ready_case(factory)
    db.session.add(
        MonitoringVisit(
            case=ready.case, months_after_return=1, due_on=clock.today() - timedelta(days=9)
        )
    )
    late = factory.case(agency=ready.agency)
    late.opened_at = utcnow() - timedelta(days=120)
    foreign = ready_case(factory)
    db.session.add(
        MonitoringVisit(
            case=foreign.case, months_after_return=1, due_on=clock.today() - timedelta(days=9)
        )
    )
    ready.case.child.primary_name.given_name = "Mariana"
    late.child.primary_name.given_name = "Olesea"
    foreign.case.child.primary_name.given_name = "Taras"
    db.session.commit()
    name, late_name, foreign_name = _name(ready.case), _name(late), _name(foreign.case)
    assert name and late_name and foreign_name and foreign_name != name
    login(ready.caseworker)
    html = client.get("/due").get_data(as_text=True)
    visits = html.split("Overdue monitoring visits")[1].split("</section>")[0]
    assert f"{ready.case.number}</a> · {name} ·" in visits
    assert "9 days overdue" in visits
    overdue = html.split("Cases over the time limit")[1].split("</section>")[0]
    assert f"{late.number}</a> · {late_name} ·" in overdue
    assert "days overdue" in overdue
    assert foreign_name not in html  # another agency's child: neither number nor name


def test_due_list_says_when_a_name_is_not_recorded(factory, client, login):
    ready = ready_case(factory)
    db.session.add(
        MonitoringVisit(
            case=ready.case, months_after_return=1, due_on=clock.today() - timedelta(days=1)
        )
    )
    for n in ready.case.child.names:
        n.is_primary = False
    db.session.commit()
    login(ready.caseworker)
    visits = client.get("/due").get_data(as_text=True).split("Overdue monitoring visits")[1]
    assert f"{ready.case.number}</a> · name not recorded ·" in visits
    assert "1 day overdue" in visits


def test_queue_shows_the_childs_name_and_how_long_it_waits(factory, client, login):
    ready = ready_case(factory)
    other = factory.case(agency=ready.agency)
    db.session.add(
        BestInterestsDetermination(
            case=other,
            author_id=ready.caseworker.id,
            status=BidStatus.SUBMITTED,
            submitted_at=utcnow() - timedelta(days=6),
        )
    )
    other.child.primary_name.given_name = "Dorin"
    db.session.commit()
    other_name, ready_name = _name(other), _name(ready.case)
    login(ready.approver)
    html = client.get("/queue").get_data(as_text=True)
    bids = html.split("Determinations awaiting")[1].split("</section>")[0]
    assert f"{other.number}</a> · {other_name} ·" in bids
    assert "waiting 6 days" in bids
    returns = html.split("Returns ready")[1].split("</section>")[0]
    assert f"{ready.case.number}</a> · {ready_name}" in returns


def test_queue_lists_exactly_the_returns_whose_gate_is_all_met(factory, client, login):
    """Issue 16: the queue asks the gate for verdicts only; ready and blocked stay apart."""
    first = ready_case(factory)
    ready = [first, ready_case(factory, agency=first.agency)]
    blocked = {
        sid: ready_case(factory, agency=first.agency, breaks=(sid,)) for sid in ("S5", "S16")
    }
    login(first.approver)
    html = client.get("/queue").get_data(as_text=True)
    ready_part, _, blocked_part = html.partition("Still blocked")
    for r in ready:
        assert f'/cases/{r.case.id}/safeguards">{r.case.number}' in ready_part
        assert r.case.number not in blocked_part
    for sid, b in blocked.items():
        assert b.case.number not in ready_part
        assert f"{b.case.number}</a> · unmet: {sid}" in blocked_part
