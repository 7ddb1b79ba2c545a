"""Detention records and alternatives to detention (issue 15; 002, Rec 4; Nowak; 000).
Each rule both ways, through the operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.agencies.models import AgencyKind
from caseapp.alerts.queries import case_ids_with_alert
from caseapp.alerts.rules import alerts_for
from caseapp.assessment import operations as assessment
from caseapp.assessment.models import PlacementType
from caseapp.audit.models import AuditEntry
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.detention import operations as ops
from caseapp.detention.models import (
    AlternativeStatus,
    ChallengeOutcome,
    Detention,
    ReleaseReason,
    ReviewOutcome,
)
from tests.support import clock
from tests.support.gate_builder import ready_case


def _detain(ready, days_ago=0, **kw):
    case = ready.case
    values = {
        "placement_type": PlacementType.OPEN_SHELTER,
        "responsible_authority": "Migration police",
        "started_on": clock.today() - timedelta(days=days_ago),
        "child_can_leave_at_will": False,
        "name": "Transit facility",
    }
    values.update(kw)
    placement = assessment.record_placement(
        ready.caseworker, case, expected_version=case.version, **values
    )
    db.session.commit()
    return placement, ops.detention_of(placement)


def _detention_alert(case, today=None):
    return next(
        (a for a in alerts_for(case, today or clock.today()) if a.kind == "detention_open"), None
    )


def test_a_placement_that_deprives_of_liberty_opens_a_detention_record(factory):
    ready = ready_case(factory)
    placement, detention = _detain(ready)
    assert detention is not None and detention.is_open and detention.started_on == clock.today()
    tags = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(2))
    assert "detention:record:open" in list(tags)
    # An open placement opens none.
    _open_one, none = _detain(ready, child_can_leave_at_will=True, name="Foster family")
    assert none is None
    # Ending the placement ends the detention.
    assessment.end_placement(
        ready.caseworker, placement, ended_on=clock.today(), expected_version=ready.case.version
    )
    assert detention.released_on == clock.today()
    assert detention.release_reason is ReleaseReason.PLACEMENT_ENDED


def test_the_alert_escalates_every_day_and_ends_with_the_release(factory):
    ready = ready_case(factory)
    _placement, detention = _detain(ready, days_ago=0)
    case = ready.case
    day_one = _detention_alert(case)
    assert "Day 1" in day_one.detail and "Escalate" not in day_one.detail
    assert "No legal basis recorded" in day_one.detail
    day_three = _detention_alert(case, clock.today() + timedelta(days=2))
    assert "Day 3" in day_three.detail and "Escalate to the supervisor" in day_three.detail
    day_eight = _detention_alert(case, clock.today() + timedelta(days=7))
    assert "head of the agency" in day_eight.detail
    assert (
        case.id
        in db.session.scalars(case_ids_with_alert("detention_open", today=clock.today())).all()
    )
    ops.record_legal_basis(
        ready.caseworker,
        detention,
        legal_basis="Art. 12 of the migration law",
        ordered_by="Migration police",
        expected_version=case.version,
    )
    assert "No legal basis" not in _detention_alert(case).detail
    ops.release(
        ready.caseworker,
        detention,
        released_on=clock.today(),
        release_reason=ReleaseReason.ALTERNATIVE,
        expected_version=case.version,
    )
    db.session.commit()
    assert _detention_alert(case) is None and detention.placement.ended_on == clock.today()
    assert case.id not in db.session.scalars(
        case_ids_with_alert("detention_open", today=clock.today())
    )
    with pytest.raises(InvalidTransition):  # released: no more reviews
        ops.record_review(
            ready.caseworker,
            detention,
            reviewed_on=clock.today(),
            reviewed_by="Judge",
            outcome=ReviewOutcome.CONTINUED,
            expected_version=case.version,
        )


def test_a_release_ordered_and_not_carried_out_escalates_at_once(factory):
    ready = ready_case(factory)
    _placement, detention = _detain(ready)
    ops.record_review(
        ready.caseworker,
        detention,
        reviewed_on=clock.today(),
        reviewed_by="Court",
        outcome=ReviewOutcome.RELEASE_ORDERED,
        expected_version=ready.case.version,
    )
    detail = _detention_alert(ready.case).detail
    assert "Release ordered" in detail and "head of the agency" in detail


def test_the_legal_challenge_is_brought_with_the_childs_lawyer(factory):
    ready = ready_case(factory)
    _placement, detention = _detain(ready, days_ago=2)
    case = ready.case
    with pytest.raises(ValidationFailed) as refused:  # no lawyer chosen
        ops.lodge_challenge(
            ready.caseworker,
            detention,
            lawyer_id=None,
            lodged_on=clock.today(),
            body="District court",
            expected_version=case.version,
        )
    assert "lawyer_id" in refused.value.details
    lawyer = assessment.assign_legal_representative(
        ready.caseworker,
        case,
        name="Ana Lupu",
        organisation="Law Centre",
        assigned_on=clock.today() - timedelta(days=1),
        expected_version=case.version,
    )
    challenge = ops.lodge_challenge(
        ready.caseworker,
        detention,
        lawyer_id=lawyer.id,
        lodged_on=clock.today(),
        body="District court",
        grounds="Detention of a child is never in the best interests",
        expected_version=case.version,
    )
    assert challenge.outcome is ChallengeOutcome.PENDING
    assert "No legal challenge" not in _detention_alert(case).detail
    with pytest.raises(ValidationFailed):  # one pending at a time
        ops.lodge_challenge(
            ready.caseworker,
            detention,
            lawyer_id=lawyer.id,
            lodged_on=clock.today(),
            body="District court",
            expected_version=case.version,
        )
    ops.decide_challenge(
        ready.caseworker,
        challenge,
        outcome=ChallengeOutcome.UNLAWFUL,
        decided_on=clock.today(),
        expected_version=case.version,
    )
    assert "Release ordered" in _detention_alert(case).detail


def test_alternative_to_detention_recorded_and_followed(factory):
    ready = ready_case(factory)
    _placement, detention = _detain(ready)
    case = ready.case
    with pytest.raises(ValidationFailed) as refused:
        ops.refer_to_alternative(
            ready.caseworker,
            case,
            programme="",
            provider_id=None,
            conditions="",
            case_manager="",
            referred_on=clock.today(),
            expected_version=case.version,
        )
    assert {"programme", "provider_id", "conditions", "case_manager"} <= set(refused.value.details)
    ngo = factory.agency(country="MD", kind=AgencyKind.NGO, name="Community case management")
    referral = ops.refer_to_alternative(
        ready.caseworker,
        case,
        programme="Community case management",
        provider_id=ngo.id,
        conditions="Lives with a foster family; weekly meeting with the case manager",
        case_manager="Elena Popa",
        referred_on=clock.today(),
        expected_version=case.version,
    )
    assert referral.detention_id == detention.id and referral.is_active
    with pytest.raises(ValidationFailed):  # declining needs the reason
        ops.follow_up_alternative(
            ready.caseworker,
            referral,
            status=AlternativeStatus.DECLINED,
            status_on=clock.today(),
            expected_version=case.version,
        )
    ops.follow_up_alternative(
        ready.caseworker,
        referral,
        status=AlternativeStatus.ENDED,
        status_on=clock.today(),
        note="Solution found",
        expected_version=case.version,
    )
    assert not referral.is_active
    with pytest.raises(InvalidTransition):
        ops.follow_up_alternative(
            ready.caseworker,
            referral,
            status=AlternativeStatus.ACCEPTED,
            status_on=clock.today(),
            expected_version=case.version,
        )


def test_detention_page(factory, client, login):
    ready = ready_case(factory)
    _placement, detention = _detain(ready, days_ago=3)
    login(ready.caseworker)
    page = client.get(f"/cases/{ready.case.id}/detention/").get_data(as_text=True)
    assert "day 4, still detained" in page and "Record the release" in page
    r = client.post(
        f"/cases/{ready.case.id}/detention/{detention.id}/basis",
        data={"version": ready.case.version, "legal_basis": "Art. 12", "ordered_by": "Police"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Detention, detention.id).legal_basis == "Art. 12"
