"""Recording steps afterwards: the optional dates of complete_bia, open_determination,
submit_bid, approve_bid and approve_return (used by the demo data) — in the past, in order,
never in the future."""

from datetime import UTC, datetime, timedelta

import pytest

from caseapp.assessment import operations as assessment
from caseapp.core.db import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.determination import operations as ops
from caseapp.gate.operations import approve_return
from tests.support import clock, lifecycle
from tests.support.gate_builder import ready_case


def _days_ago(n):
    return datetime.combine(clock.today() - timedelta(days=n), datetime.min.time(), UTC)


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return (
        factory.user(Role.CASEWORKER, agency=agency),
        factory.user(Role.SUPERVISOR, agency=agency),
    )


def test_a_determination_recorded_afterwards_keeps_its_dates(factory, people):
    cw, sup = people
    case = factory.case(caseworker=cw)
    lifecycle.to_assessment(case, cw)
    lifecycle.with_guardian(case, cw)
    assessment.save_bia(
        cw,
        case,
        expected_version=assessment.bia_version(case),
        return_country="UA",
        non_refoulement_risk="low",
        armed_conflict=False,
        human_rights_impact="None identified.",
        return_safe=True,
    )
    bia = assessment.complete_bia(
        cw, case, expected_version=case.version, completed_at=_days_ago(20)
    )
    bid = ops.open_determination(cw, case, expected_version=case.version, opened_at=_days_ago(19))
    db.session.commit()
    lifecycle.with_hearing(case, cw)
    bid = lifecycle.complete_bid(case, cw)
    ops.submit_bid(cw, bid, expected_version=bid.version, submitted_at=_days_ago(15))
    ops.approve_bid(sup, bid, expected_version=bid.version, approved_at=_days_ago(14))
    db.session.commit()
    assert bia.completed_at == _days_ago(20)
    assert (bid.opened_at, bid.submitted_at, bid.approved_at) == (
        _days_ago(19),
        _days_ago(15),
        _days_ago(14),
    )


def test_dates_in_the_future_or_out_of_order_are_refused(factory, people):
    cw, sup = people
    case = factory.case(caseworker=cw)
    lifecycle.to_assessment(case, cw)
    lifecycle.with_guardian(case, cw)
    lifecycle.with_hearing(case, cw)
    assessment.save_bia(
        cw,
        case,
        expected_version=assessment.bia_version(case),
        return_country="UA",
        non_refoulement_risk="low",
        armed_conflict=False,
        human_rights_impact="None identified.",
        return_safe=True,
    )
    with pytest.raises(ValidationFailed):
        assessment.complete_bia(
            cw, case, expected_version=case.version, completed_at=utcnow() + timedelta(hours=1)
        )
    assessment.complete_bia(cw, case, expected_version=case.version, completed_at=_days_ago(10))
    with pytest.raises(ValidationFailed):  # before the assessment it rests on
        ops.open_determination(cw, case, expected_version=case.version, opened_at=_days_ago(11))
    bid = ops.open_determination(cw, case, expected_version=case.version, opened_at=_days_ago(9))
    db.session.commit()
    bid = lifecycle.complete_bid(case, cw)
    with pytest.raises(ValidationFailed):
        ops.submit_bid(cw, bid, expected_version=bid.version, submitted_at=_days_ago(12))
    ops.submit_bid(cw, bid, expected_version=bid.version, submitted_at=_days_ago(5))
    db.session.commit()
    with pytest.raises(ValidationFailed):
        ops.approve_bid(
            sup, bid, expected_version=bid.version, approved_at=utcnow() + timedelta(days=1)
        )
    db.session.rollback()
    ops.approve_bid(sup, bid, expected_version=bid.version)  # default: now
    db.session.commit()
    assert bid.approved_at > _days_ago(1)


def test_a_return_approval_recorded_afterwards(factory):
    ready = ready_case(factory)
    case = ready.case
    with pytest.raises(ValidationFailed):
        approve_return(
            ready.approver,
            case,
            expected_version=case.version,
            approved_at=utcnow() + timedelta(minutes=5),
        )
    db.session.rollback()
    approval = approve_return(
        ready.approver, case, expected_version=case.version, approved_at=_days_ago(0)
    )
    db.session.commit()
    assert approval.approved_at == _days_ago(0)
