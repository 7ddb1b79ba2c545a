"""Issue-15 records of a case for the route policy (plain rows, made once per test).

Plain rows, not the scenario builder (``caseapp.demo.scenario``): the authorization tests
only need each record to exist and to belong to the right case, at whatever stage the case
is, not to have been reached through the lifecycle (as ``tests/security/records.py``)."""

from __future__ import annotations

from datetime import date

from caseapp.age.models import AgeAssessment, AgeChallenge, AssessmentStatus, Challenger
from caseapp.agencies.models import Agency
from caseapp.assessment.models import LegalRepresentative, Placement, PlacementType
from caseapp.core.extensions import db
from caseapp.detention.models import AlternativeReferral, Detention, DetentionChallenge
from caseapp.referrals.models import ReferralKind, VictimReferral

START = date(2025, 1, 6)


def _agency(case):
    return db.session.get(Agency, case.lead_agency_id)


def _assessment(case):
    return AgeAssessment(
        case=case,
        reason="Disputed",
        opened_on=START,
        assessor_name="Assessor",
        status=AssessmentStatus.CONCLUDED,
        documents_examined=True,
        result_min=15,
        result_max=16,
        concluded_on=START,
    )


def _detention(case):
    placement = Placement(
        case=case,
        placement_type=PlacementType.DETENTION,
        responsible_authority="Police",
        child_can_leave_at_will=False,
        started_on=START,
    )
    return Detention(case=case, placement=placement, started_on=START)


BUILD = {
    "age_assessment": _assessment,
    "age_challenge": lambda world, case: AgeChallenge(
        case=case,
        assessment=issue_15(world, "age_assessment", case),
        lodged_on=START,
        lodged_by=Challenger.LAWYER,
        body="Court",
    ),
    "detention": _detention,
    "detention_challenge": lambda world, case: DetentionChallenge(
        case=case,
        detention=issue_15(world, "detention", case),
        lawyer=LegalRepresentative(case=case, name="Lawyer", assigned_on=START),
        lodged_on=START,
        body="Court",
    ),
    "alternative": lambda world, case: AlternativeReferral(
        case=case,
        programme="Community programme",
        provider_id=case.lead_agency_id,
        conditions="Weekly meeting",
        case_manager="Case manager",
        referred_on=START,
        status_on=START,
    ),
    "victim_referral": lambda world, case: VictimReferral(
        case=case, kind=ReferralKind.TRAFFICKING, referred_on=START, agency=_agency(case)
    ),
}
_NEEDS_WORLD = {"age_challenge", "detention_challenge", "alternative", "victim_referral"}


def issue_15(world, kind: str, case=None):
    """The ``kind`` record of ``world.case`` (or of ``case``), made once per test."""
    cache = world.__dict__.setdefault("_records", {})
    case = case if case is not None else world.case
    key = (kind, case.id)
    if key not in cache:
        build = BUILD[kind]
        obj = build(world, case) if kind in _NEEDS_WORLD else build(case)
        db.session.add(obj)
        db.session.commit()
        cache[key] = obj
    return cache[key]
