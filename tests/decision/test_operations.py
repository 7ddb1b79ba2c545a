"""Decision, notice, appeals, complaints, proceeding and reopening."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Outcome, Stage
from caseapp.core.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationFailed
from caseapp.core.extensions import db as _db
from caseapp.core.permissions import Role
from caseapp.decision import operations as ops
from caseapp.decision.models import AppealStatus, ComplainantKind, ComplaintStatus
from caseapp.decision.queries import execution_suspended, suggests_tolerated_stay
from caseapp.determination.models import BidStatus
from caseapp.determination.operations import current_bid
from caseapp.gate.models import PolicySettings, ReturnApproval
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle


def actions(db, case, since=0):
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
    ).all()
    return [e.action for e in rows][since:]


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
    }


@pytest.fixture
def case(factory, people):
    return factory.case(caseworker=people["cw"])


def test_record_decision_needs_approved_bid(case, people, db):
    cw = people["cw"]
    lifecycle.submitted_bid(case, cw)
    with pytest.raises(ValidationFailed):
        ops.record_decision(
            cw,
            case,
            outcome=Outcome.RETURN,
            decided_on=clock.today(),
            expected_version=case.version,
        )
    db.session.rollback()
    lifecycle.approved_bid(case, cw, people["sup"])
    n = len(actions(db, case))
    notice = ops.record_decision(
        cw, case, outcome=Outcome.RETURN, decided_on=clock.today(), expected_version=case.version
    )
    db.session.commit()
    assert case.stage is Stage.DECIDED and case.outcome is Outcome.RETURN
    assert notice.bid_id == current_bid(case).id
    assert notice.appeal_deadline == clock.today() + timedelta(
        days=current_policy().appeal_period_days
    )
    assert actions(db, case, n) == ["case:stage:change", "decision:notice:create"]


def test_outcome_other_than_recommendation_needs_reasons(case, people, db):
    lifecycle.approved_bid(case, people["cw"], people["sup"])
    kwargs = dict(
        outcome=Outcome.TOLERATED_STAY, decided_on=clock.today(), expected_version=case.version
    )
    with pytest.raises(ValidationFailed):
        ops.record_decision(people["cw"], case, **kwargs)
    db.session.rollback()
    ops.record_decision(people["cw"], case, reasons="Court ordered stay.", **kwargs)
    db.session.commit()
    assert case.outcome is Outcome.TOLERATED_STAY


def test_appeal_deadline_follows_policy_and_later_notification(case, people, db):
    cw = people["cw"]
    lifecycle.to_decided(case, cw, people["sup"])
    db.session.add(PolicySettings(version=current_policy().version + 1, appeal_period_days=14))
    db.session.commit()
    notice = ops.current_notice(case)
    ops.notify_child(
        cw,
        notice,
        notified_on=clock.today() + timedelta(days=2),
        language="Ukrainian",
        child_understands_language=True,
        expected_version=notice.version,
    )
    db.session.commit()
    assert notice.appeal_deadline == clock.today() + timedelta(days=16)
    ops.notify_guardian(
        cw, notice, notified_on=clock.today() + timedelta(days=5), expected_version=notice.version
    )
    db.session.commit()
    assert notice.appeal_deadline == clock.today() + timedelta(days=19)
    with pytest.raises(ValidationFailed):
        ops.notify_guardian(
            cw,
            notice,
            notified_on=clock.today() - timedelta(days=1),
            expected_version=notice.version,
        )


def test_pending_appeal_suspends_execution(case, people, db):
    cw = people["cw"]
    lifecycle.to_decided(case, cw, people["sup"])
    assert not execution_suspended(case)
    appeal = ops.lodge_appeal(
        cw,
        case,
        lodged_on=clock.today(),
        lodged_by="Guardian",
        body="District court",
        grounds="Child not heard.",
        expected_version=case.version,
    )
    db.session.commit()
    assert execution_suspended(case)
    n = len(actions(db, case))
    ops.decide_appeal(
        cw,
        appeal,
        status=AppealStatus.REJECTED,
        decided_on=clock.today(),
        result_summary="Rejected.",
        expected_version=appeal.version,
    )
    db.session.commit()
    assert not execution_suspended(case)
    assert actions(db, case, n) == ["decision:appeal:decide"]
    assert case.stage is Stage.DECIDED
    with pytest.raises(ValidationFailed):
        ops.decide_appeal(
            cw,
            appeal,
            status=AppealStatus.UPHELD,
            decided_on=clock.today(),
            result_summary=None,
            expected_version=appeal.version,
        )


def test_appeal_refused_without_decision(case, people, db):
    lifecycle.to_determination(case, people["cw"])
    with pytest.raises(InvalidTransition):
        ops.lodge_appeal(
            people["cw"],
            case,
            lodged_on=clock.today(),
            lodged_by="Child",
            body="Court",
            expected_version=case.version,
        )


def _with_return_approval(case, people):
    """The case at return_approved with an approval in force (force_stage adds the row the
    gate's flush guard requires, as approve_return would)."""
    lifecycle.to_return_preparation(case, people["cw"], people["sup"])
    lifecycle.force_stage(case, Stage.RETURN_APPROVED)
    return _db.session.scalar(select(ReturnApproval).where(ReturnApproval.case_id == case.id))


def test_upheld_appeal_reopens_and_withdraws_approvals(case, people, db):
    cw = people["cw"]
    approval = _with_return_approval(case, people)
    bid = current_bid(case)
    notice = ops.current_notice(case)
    appeal = ops.lodge_appeal(
        cw,
        case,
        lodged_on=clock.today(),
        lodged_by="Lawyer",
        body="Court",
        expected_version=case.version,
    )
    db.session.commit()
    n = len(actions(db, case))
    ops.decide_appeal(
        cw,
        appeal,
        status=AppealStatus.UPHELD,
        decided_on=clock.today(),
        result_summary="Upheld.",
        expected_version=appeal.version,
    )
    db.session.commit()
    assert case.stage is Stage.DETERMINATION and case.outcome is None
    assert bid.status is BidStatus.WITHDRAWN and bid.withdrawn_at and bid.withdrawn_reason
    assert approval.withdrawn_at is not None and approval.withdrawn_reason
    assert notice.superseded_at is not None and ops.current_notice(case) is None
    assert actions(db, case, n) == [
        "decision:appeal:decide",
        "case:stage:change",
        "bid:review:reopen",
    ]
    # A new draft can be opened, copying the withdrawn BID's content.
    new = lifecycle.determination.open_new_draft(cw, case, expected_version=case.version)
    db.session.commit()
    assert new.status is BidStatus.DRAFT and len(new.options) == 4 and new.id != bid.id


@pytest.mark.parametrize("by", list(ComplainantKind))
def test_objection_by_child_guardian_or_lawyer_reopens_alike(case, people, db, by):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    complaint = ops.lodge_complaint(
        people["cw"],
        case,
        lodged_by=by,
        lodged_on=clock.today(),
        subject="Does not want to return.",
        objects_to_decision=True,
        expected_version=case.version,
    )
    db.session.commit()
    assert complaint.status is ComplaintStatus.OPEN
    assert case.stage is Stage.DETERMINATION


def test_complaint_without_objection_does_not_reopen_and_is_answered(case, people, db):
    cw = people["cw"]
    lifecycle.to_decided(case, cw, people["sup"])
    complaint = ops.lodge_complaint(
        cw,
        case,
        lodged_by=ComplainantKind.REPRESENTATIVE,
        lodged_on=clock.today(),
        subject="Placement too far from school.",
        expected_version=case.version,
    )
    db.session.commit()
    assert case.stage is Stage.DECIDED
    with pytest.raises(ValidationFailed):
        ops.answer_complaint(
            cw,
            complaint,
            response=" ",
            responded_on=clock.today(),
            expected_version=complaint.version,
        )
    n = len(actions(db, case))
    ops.answer_complaint(
        cw,
        complaint,
        response="Transport arranged.",
        responded_on=clock.today(),
        expected_version=complaint.version,
    )
    db.session.commit()
    assert complaint.status is ComplaintStatus.ANSWERED
    assert actions(db, case, n) == ["decision:complaint:answer"]


def test_new_fact_reopens_with_fact_as_reason(case, people, db):
    lifecycle.to_return_preparation(case, people["cw"], people["sup"])
    ops.record_new_fact(people["cw"], case, "Mother hospitalised.", expected_version=case.version)
    db.session.commit()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "bid:review:reopen")
    ).one()
    assert "Mother hospitalised." in entry.reason
    assert case.stage is Stage.DETERMINATION


def test_reopen_needs_reason_and_reopenable_stage(case, people, db):
    cw = people["cw"]
    lifecycle.to_decided(case, cw, people["sup"], outcome=Outcome.LOCAL_INTEGRATION)
    with pytest.raises(ValidationFailed):
        ops.reopen_determination(cw, case, reason="", expected_version=case.version)
    ops.proceed_after_decision(cw, case, expected_version=case.version)
    db.session.commit()
    assert case.stage is Stage.IMPLEMENTATION
    with pytest.raises(InvalidTransition):
        ops.reopen_determination(cw, case, reason="x", expected_version=case.version)


def test_proceed_follows_outcome(case, people, db):
    lifecycle.to_return_preparation(case, people["cw"], people["sup"])
    assert case.stage is Stage.RETURN_PREPARATION


def test_ombudsperson_and_stale_version_refused(case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    with pytest.raises(PermissionDenied):
        ops.proceed_after_decision(people["omb"], case, expected_version=case.version)
    with pytest.raises(StaleVersion):
        ops.proceed_after_decision(people["cw"], case, expected_version=case.version - 1)
    db.session.rollback()
    assert case.stage is Stage.DECIDED


def test_tolerated_stay_suggested_when_bid_recommends_against_return(case, people, db):
    lifecycle.to_determination(case, people["cw"])
    assert not suggests_tolerated_stay(case)
    lifecycle.complete_bid(case, people["cw"], recommended=Outcome.LOCAL_INTEGRATION)
    assert suggests_tolerated_stay(case)


def test_tolerated_stay_suggested_when_return_unsafe(factory, people, db):
    case = lifecycle.to_assessment(factory.case(caseworker=people["cw"]), people["cw"])
    lifecycle.completed_bia(case, people["cw"], return_safe=False)
    assert suggests_tolerated_stay(case)


def test_reopen_from_return_approved_withdraws_the_approval(case, people, db):
    approval = _with_return_approval(case, people)
    n = len(actions(db, case))
    bid = ops.reopen_determination(
        people["sup"], case, reason="Guarantee of care withdrawn.", expected_version=case.version
    )
    db.session.commit()
    assert case.stage is Stage.DETERMINATION and case.outcome is None
    assert bid.status is BidStatus.WITHDRAWN
    assert approval.withdrawn_reason == "Guarantee of care withdrawn."
    assert actions(db, case, n) == ["case:stage:change", "bid:review:reopen"]
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "case:stage:change")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.diff["stage"] == ["return_approved", "determination"]


def test_each_record_operation_writes_exactly_one_entry(case, people, db):
    cw = people["cw"]
    lifecycle.to_decided(case, cw, people["sup"])
    notice = ops.current_notice(case)
    calls = [
        lambda: ops.notify_child(
            cw,
            notice,
            notified_on=clock.today(),
            language="Ukrainian",
            child_understands_language=True,
            expected_version=notice.version,
        ),
        lambda: ops.notify_guardian(
            cw, notice, notified_on=clock.today(), expected_version=notice.version
        ),
        lambda: ops.lodge_appeal(
            cw,
            case,
            lodged_on=clock.today(),
            lodged_by="Child",
            body="Court",
            expected_version=case.version,
        ),
        lambda: ops.lodge_complaint(
            cw,
            case,
            lodged_by=ComplainantKind.GUARDIAN,
            lodged_on=clock.today(),
            subject="Visits too rare.",
            expected_version=case.version,
        ),
    ]
    expected = [
        "decision:notice:notify_child",
        "decision:notice:notify_guardian",
        "decision:appeal:lodge",
        "decision:complaint:lodge",
    ]
    for call, action in zip(calls, expected, strict=True):
        n = len(actions(db, case))
        call()
        db.session.commit()
        assert actions(db, case, n) == [action]
