"""``flask demo`` (issue 3, item 9): cases at every stage, one ready for approval with all of
S1-S18 met, six each blocked by exactly one safeguard, an approval withdrawn by a late appeal
and a handover to a parent — all made by the real operations."""

import json
import re

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.core.permissions import Role
from caseapp.demo import data, lifecycle_data, protection
from caseapp.demo.data import DEMO_PASSWORD
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.gate.models import ReturnApproval
from caseapp.monitoring.models import MonitoringVisit

BLOCKED = {"S3", "S7", "S11", "S14", "S15", "S16", "S17", "S18", "S19"}


@pytest.fixture
def demo(demo_loaded):
    """The demo (loaded once per test process, cloned for this test: ``tests/conftest.py``);
    ``guide``: ``{what the case shows: case number}`` from its output."""
    assert len(demo_loaded["guide"]) == len(lifecycle_data.CASES) + protection.CASES_ADDED
    return demo_loaded


def _gate(runner, number):
    result = runner.invoke(args=["cases", "gate", number, "--json"])
    return result.exit_code, json.loads(result.output)


def _numbers(guide, prefix):
    return [number for shows, number in guide.items() if shows.startswith(prefix)]


def test_the_demo_has_a_case_at_every_stage(demo, runner, db):
    result = runner.invoke(args=["cases", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == len(data.CASES) + len(lifecycle_data.CASES) + protection.CASES_ADDED
    assert {row["stage"] for row in rows} == {s.value for s in Stage}
    stages = {row["number"]: row["stage"] for row in rows}
    guide = demo["guide"]
    assert [stages[n] for n in _numbers(guide, "determination:")] == ["determination"] * 2
    bids = db.session.scalars(
        select(BestInterestsDetermination.status)
        .join(Case, Case.id == BestInterestsDetermination.case_id)
        .where(Case.stage == Stage.DETERMINATION)
    ).all()
    assert sorted(bids) == sorted([BidStatus.DRAFT, BidStatus.SUBMITTED])
    assert {stages[n] for n in _numbers(guide, "implementation:")} == {"implementation"}
    assert stages[_numbers(guide, "return approved")[0]] == "return_approved"
    assert stages[_numbers(guide, "closed:")[0]] == "closed"


def test_the_ready_case_meets_every_safeguard_and_each_blocked_one_fails_one(demo, runner, db):
    (number,) = _numbers(demo["guide"], "return preparation: READY")
    code, gate = _gate(runner, number)
    assert code == 0
    assert gate["all_met"] is True
    assert [s["id"] for s in gate["safeguards"] if not s["met"]] == []
    assert len(gate["safeguards"]) == 19

    # Each blocked case fails on exactly its safeguard, shown with its source.
    seen = set()
    for shows, number in demo["guide"].items():
        match = re.search(r"blocked by (S\d+)", shows)
        if not match:
            continue
        code, gate = _gate(runner, number)
        assert code == 1, number
        assert gate["all_met"] is False
        unmet = [s for s in gate["safeguards"] if not s["met"]]
        assert [s["id"] for s in unmet] == [match.group(1)], (number, unmet)
        assert unmet[0]["source"].startswith("002") or "fn 12" in unmet[0]["source"]
        seen.add(match.group(1))
    assert seen == BLOCKED

    # And these are all the cases in return preparation.
    numbers = db.session.scalars(
        select(Case.number).where(Case.stage == Stage.RETURN_PREPARATION)
    ).all()
    unmet = []
    for number in numbers:
        _code, gate = _gate(runner, number)
        unmet.append(tuple(s["id"] for s in gate["safeguards"] if not s["met"]))
    # ... and the case whose approval a late appeal withdrew (S16).
    assert sorted(unmet) == sorted([(), ("S16",), *((sid,) for sid in BLOCKED)])


def test_the_ready_case_can_be_approved_and_a_blocked_one_cannot(demo, runner, db):
    guide = demo["guide"]
    (ready,) = _numbers(guide, "return preparation: READY")
    blocked = _numbers(guide, "return preparation: blocked by S7")[0]
    supervisor = "supervisor.md@example.org"
    for number, expected_code, stage in (
        (blocked, 1, Stage.RETURN_PREPARATION),
        (ready, 0, Stage.RETURN_APPROVED),
    ):
        case = db.session.scalar(select(Case).where(Case.number == number))
        version = case.version
        db.session.commit()
        result = runner.invoke(
            args=["cases", "approve", number, "--actor", supervisor, "--version", str(version)]
        )
        assert result.exit_code == expected_code, result.output
        db.session.expire_all()
        assert db.session.scalar(select(Case.stage).where(Case.number == number)) is stage
    refusals = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "gate:refuse")
    )
    assert refusals == 1


def test_approvals_went_through_the_gate_with_four_eyes(demo, db):
    approvals = db.session.scalars(select(ReturnApproval)).all()
    # return_approved (two), returned, monitoring, the closed case and the one withdrawn by
    # a late appeal (both withdrawn).
    assert len(approvals) == 6
    for approval in approvals:
        assert approval.gate_evaluation["all_met"] is True
        approver = db.session.get(User, approval.approved_by_id)
        assert approver.role is Role.SUPERVISOR
    for bid in db.session.scalars(
        select(BestInterestsDetermination).where(
            BestInterestsDetermination.approved_by_id.is_not(None)
        )
    ):
        assert bid.approved_by_id != bid.author_id
        assert bid.submitted_at <= bid.approved_at
        assert bid.opened_at <= bid.submitted_at
    # Every stage change is in the audit trail, made by the operations.
    moves = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action.in_(["case:stage:change", "case:close"]))
    )
    assert moves > len(lifecycle_data.CASES) * 3


def test_monitoring_visits_and_the_second_factor_note(demo, db):
    from caseapp.core.clock import today

    (number,) = _numbers(demo["guide"], "monitoring:")
    case = db.session.scalar(select(Case).where(Case.number == number))
    visits = db.session.scalars(
        select(MonitoringVisit)
        .where(MonitoringVisit.case_id == case.id)
        .order_by(MonitoringVisit.due_on)
    ).all()
    assert visits[0].visited_on is not None
    assert [v.overdue_on(today()) for v in visits[1:]].count(True) == 1
    # The demo output says the supervisors, ombudsperson and admin enrol a second factor.
    assert "second factor" in demo["output"]
    assert "authenticator app" in demo["output"]


def test_the_demo_cases_open_in_the_browser_pages(demo, db, client, app):
    """A caseworker of the lead agency opens each later-stage case's pages without error
    (a closed case's forms refuse with 403)."""
    client.post("/login", data={"email": "caseworker.md@example.org", "password": DEMO_PASSWORD})
    numbers = [n for n in demo["guide"].values() if n.startswith("MD-")]
    cases = db.session.scalars(select(Case).where(Case.number.in_(numbers))).all()
    assert len(cases) == len(numbers)
    rules = [
        rule.rule
        for rule in app.url_map.iter_rules()
        # The audit timeline is the ombudsperson's (tests/audit), the participants' own pages
        # theirs (tests/acts, tests/participants), reassignment the supervisor's
        # (tests/admin/test_people.py); every other case page is the caseworker's.
        if "GET" in rule.methods
        and rule.arguments == {"case_id"}
        and not rule.endpoint.startswith(("audit.", "acts.", "participants.case"))
        and rule.endpoint != "cases.reassign"
    ]
    assert "/cases/<int:case_id>/safeguards" in rules
    for case in cases:
        for rule in rules:
            url = rule.replace("<int:case_id>", str(case.id))
            response = client.get(url)
            allowed = (200, 302, 403) if case.stage is Stage.CLOSED else (200, 302)
            assert response.status_code in allowed, (url, case.stage, response.status_code)


def test_the_new_rules_in_the_demo(demo, runner, db, client):
    """Issue 9: an approval withdrawn by a late appeal (the alert says why), a guardian who is
    not independent, a handover to a parent."""
    from caseapp.alerts.rules import alerts_for
    from caseapp.crossborder.models import ReceivingKind, TravelPlan

    guide = demo["guide"]
    (withdrawn,) = _numbers(guide, "return preparation: approval withdrawn by a late appeal")
    case = db.session.scalar(select(Case).where(Case.number == withdrawn))
    assert case.stage is Stage.RETURN_PREPARATION
    [approval] = db.session.scalars(select(ReturnApproval).where(ReturnApproval.case_id == case.id))
    assert approval.withdrawn_unmet == ["S16"]
    [alert] = [a for a in alerts_for(case) if a.kind == "approval_withdrawn"]
    assert "S16" in alert.detail
    withdrawal = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "return:approval:withdraw"
        )
    ).one()
    assert db.session.get(User, withdrawal.actor_id).role is Role.CASEWORKER  # who appealed

    (guardian,) = _numbers(guide, "return preparation: blocked by S3")
    _code, gate = _gate(runner, guardian)
    s3 = next(s for s in gate["safeguards"] if s["id"] == "S3")
    assert s3["met"] is False

    (parent,) = _numbers(guide, "return approved: handover to the mother")
    case = db.session.scalar(select(Case).where(Case.number == parent))
    assert case.stage is Stage.RETURN_APPROVED
    plan = db.session.scalar(select(TravelPlan).where(TravelPlan.case_id == case.id))
    assert plan.receiving_kind is ReceivingKind.FAMILY_MEMBER
    code, gate = _gate(runner, parent)
    assert code == 0, [s for s in gate["safeguards"] if not s["met"]]


def test_the_last_resort_awaits_a_second_supervisor(demo, runner, db):
    """The S15 case: the child has not consented and the caseworker recorded a non-voluntary
    return of last resort (002, fn 12 (v); PICUM); it waits in ``supervisor.md``'s queue, and
    once that supervisor approves it, S15 is met."""
    from caseapp.crossborder import operations as ops
    from caseapp.crossborder.models import Consent
    from caseapp.dashboard.queries import last_resorts_awaiting

    (number,) = _numbers(demo["guide"], "return preparation: blocked by S15")
    _code, gate = _gate(runner, number)
    s15 = next(s for s in gate["safeguards"] if s["id"] == "S15")
    assert s15["met"] is False
    assert "not approved by a second supervisor" in s15["reason"]
    case = db.session.scalar(select(Case).where(Case.number == number))
    supervisor = db.session.scalar(select(User).where(User.email == "supervisor.md@example.org"))
    consent = db.session.scalar(select(Consent).where(Consent.case_id == case.id))
    assert consent.non_voluntary and consent.recorded_by_id == case.caseworker_id
    assert [row[0].id for row in last_resorts_awaiting(supervisor)[0]] == [consent.id]
    ops.approve_last_resort(supervisor, consent, expected_version=case.version)
    db.session.commit()
    code, gate = _gate(runner, number)
    assert code == 0, [s for s in gate["safeguards"] if not s["met"]]
