"""BID operations: drafting, submission rules, four eyes, versions, audit."""

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Outcome, Stage
from caseapp.children.models import CareStatus
from caseapp.core.errors import (
    FourEyesViolation,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from caseapp.determination import operations as ops
from caseapp.determination.models import BidStatus, PanelRole
from tests.support import lifecycle


def actions(db, case, since=0):
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
    ).all()
    return [e.action for e in rows][since:]


@pytest.fixture
def case(factory, people):
    return factory.case(caseworker=people["cw"])


def test_open_determination_needs_completed_bia(case, people, db):
    cw = people["cw"]
    lifecycle.to_assessment(case, cw)
    with pytest.raises(ValidationFailed):
        ops.open_determination(cw, case, expected_version=case.version)
    db.session.rollback()
    lifecycle.completed_bia(case, cw)
    n = len(actions(db, case))
    bid = ops.open_determination(cw, case, expected_version=case.version)
    db.session.commit()
    assert case.stage is Stage.DETERMINATION
    assert bid.status is BidStatus.DRAFT and bid.author_id == cw.id and bid.opened_at
    assert actions(db, case, n) == ["bid:draft:create", "case:stage:change"]


def test_each_draft_edit_bumps_bid_version_and_audits_once(case, people, db):
    cw = people["cw"]
    bid = lifecycle.to_determination(case, cw)
    v = bid.version
    n = len(actions(db, case))
    ops.set_option(
        cw, bid, option=Outcome.RETURN, assessment="Mother able.", expected_version=bid.version
    )
    ops.add_panel_member(
        cw,
        bid,
        name="Chair",
        role=PanelRole.CHAIR,
        organisation="CP",
        child_protection=True,
        expected_version=bid.version,
    )
    ops.update_bid(
        cw, bid, recommended=Outcome.RETURN, reasons="Because.", expected_version=bid.version
    )
    db.session.commit()
    assert bid.version == v + 3
    assert actions(db, case, n) == ["bid:draft:update"] * 3
    with pytest.raises(StaleVersion):
        ops.update_bid(cw, bid, recommended=None, reasons=None, expected_version=v)


def test_chair_must_come_from_child_protection(case, people, db):
    bid = lifecycle.to_determination(case, people["cw"])
    with pytest.raises(ValidationFailed):
        ops.add_panel_member(
            people["cw"],
            bid,
            name="Police officer",
            role=PanelRole.CHAIR,
            organisation="Police",
            child_protection=False,
            expected_version=bid.version,
        )


def test_submit_lists_every_gap(case, people, db):
    bid = lifecycle.to_determination(case, people["cw"])
    with pytest.raises(ValidationFailed) as err:
        ops.submit_bid(people["cw"], bid, expected_version=bid.version)
    gaps = err.value.details["gaps"]
    assert len(gaps) == 8  # four options, recommendation, reasons, chair, guardian


def test_guardian_on_panel_needed_only_for_unaccompanied_or_separated(factory, people, db):
    cw = people["cw"]
    accompanied = factory.case(caseworker=cw, care_status=CareStatus.ACCOMPANIED)
    bid = lifecycle.complete_bid(accompanied, cw)
    guardian = next(m for m in bid.panel if m.role is PanelRole.GUARDIAN)
    ops.remove_panel_member(cw, bid, guardian, expected_version=bid.version)
    assert ops.submission_gaps(bid) == []
    unaccompanied = factory.case(caseworker=cw)
    bid2 = lifecycle.complete_bid(unaccompanied, cw)
    guardian = next(m for m in bid2.panel if m.role is PanelRole.GUARDIAN)
    ops.remove_panel_member(cw, bid2, guardian, expected_version=bid2.version)
    assert len(ops.submission_gaps(bid2)) == 1


def test_submit_then_edit_refused(case, people, db):
    bid = lifecycle.submitted_bid(case, people["cw"])
    assert bid.status is BidStatus.SUBMITTED and bid.submitted_at
    with pytest.raises(ValidationFailed):
        ops.update_bid(
            people["cw"], bid, recommended=None, reasons=None, expected_version=bid.version
        )


def test_approve_by_other_supervisor(case, people, db):
    bid = lifecycle.submitted_bid(case, people["cw"])
    n = len(actions(db, case))
    ops.approve_bid(people["sup"], bid, expected_version=bid.version)
    db.session.commit()
    assert bid.status is BidStatus.APPROVED and bid.approved_by_id == people["sup"].id
    assert actions(db, case, n) == ["bid:approve"]
    assert case.stage is Stage.DETERMINATION  # the decision moves the case, not the approval


def test_four_eyes_author_cannot_approve(case, people, db):
    sup = people["sup"]
    bid = lifecycle.submitted_bid(case, sup)  # drafted by the supervisor
    with pytest.raises(FourEyesViolation):
        ops.approve_bid(sup, bid, expected_version=bid.version)
    with pytest.raises(FourEyesViolation):
        ops.send_back_bid(sup, bid, "no", expected_version=bid.version)
    db.session.rollback()
    ops.approve_bid(people["sup2"], bid, expected_version=bid.version)
    db.session.commit()
    assert bid.approved_by_id == people["sup2"].id


@pytest.mark.parametrize("who", ["cw", "omb", "other_sup"])
def test_review_needs_supervisor_of_lead_agency(case, people, db, who):
    bid = lifecycle.submitted_bid(case, people["cw"])
    with pytest.raises(PermissionDenied):
        ops.approve_bid(people[who], bid, expected_version=bid.version)
    with pytest.raises(PermissionDenied):
        ops.send_back_bid(people[who], bid, "x", expected_version=bid.version)


def test_approve_refused_unless_submitted_and_stale(case, people, db):
    bid = lifecycle.complete_bid(case, people["cw"])
    with pytest.raises(ValidationFailed):
        ops.approve_bid(people["sup"], bid, expected_version=bid.version)
    ops.submit_bid(people["cw"], bid, expected_version=bid.version)
    db.session.commit()
    with pytest.raises(StaleVersion):
        ops.approve_bid(people["sup"], bid, expected_version=bid.version - 1)


def test_send_back_needs_comment_and_allows_resubmission(case, people, db):
    cw, sup = people["cw"], people["sup"]
    bid = lifecycle.submitted_bid(case, cw)
    with pytest.raises(ValidationFailed):
        ops.send_back_bid(sup, bid, "  ", expected_version=bid.version)
    n = len(actions(db, case))
    ops.send_back_bid(sup, bid, "Say more on third country.", expected_version=bid.version)
    db.session.commit()
    assert bid.status is BidStatus.SENT_BACK and bid.review_comment
    assert actions(db, case, n) == ["bid:send_back"]
    ops.set_option(
        cw,
        bid,
        option=Outcome.THIRD_COUNTRY,
        assessment="Aunt in Poland refused.",
        expected_version=bid.version,
    )
    ops.submit_bid(cw, bid, expected_version=bid.version)
    ops.approve_bid(sup, bid, expected_version=bid.version)
    db.session.commit()
    assert bid.status is BidStatus.APPROVED


def test_draft_edits_refused_outside_determination(case, people, db):
    bid = lifecycle.to_determination(case, people["cw"])
    lifecycle.force_stage(case, Stage.ASSESSMENT)
    with pytest.raises(InvalidTransition):
        ops.update_bid(
            people["cw"], bid, recommended=None, reasons=None, expected_version=bid.version
        )
