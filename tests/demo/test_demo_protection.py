"""The demo's issue-15 cases: detention with a pending legal challenge, a trafficking
referral, an age-disputed case and a child turning 18 (issue 15, "What this must show")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.age.models import AgeAssessment
from caseapp.alerts.rules import alerts_for
from caseapp.cases.models import Case
from caseapp.core.extensions import db
from caseapp.detention.models import AlternativeReferral, ChallengeOutcome, Detention
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.policy import current_policy
from caseapp.referrals.models import ReferralKind, VictimReferral
from tests.support import clock


def _case(given: str, family: str) -> Case:
    from caseapp.children.models import Child, ChildName

    return db.session.scalar(
        select(Case)
        .join(Child)
        .join(ChildName)
        .where(ChildName.given_name == given, ChildName.family_name == family)
    )


def test_the_demo_shows_detention_referral_and_disputed_age(demo_loaded, db):
    today = clock.today()

    detained = _case("Farid", "Ahmadi")
    [detention] = db.session.scalars(select(Detention).where(Detention.case_id == detained.id))
    assert detention.is_open and detention.days_on(today) == 13
    assert [c.outcome for c in detention.challenges] == [ChallengeOutcome.PENDING]
    assert db.session.scalar(
        select(AlternativeReferral).where(AlternativeReferral.case_id == detained.id)
    )
    kinds = [a.kind for a in alerts_for(detained, today)]
    assert "detention_open" in kinds and "deprived_of_liberty" in kinds

    trafficked = _case("Maria", "Cojocaru")
    [referral] = db.session.scalars(
        select(VictimReferral).where(VictimReferral.case_id == trafficked.id)
    )
    assert referral.kind is ReferralKind.TRAFFICKING
    assert "victim_not_referred" not in [a.kind for a in alerts_for(trafficked, today)]

    disputed = _case("Hamid", "Noori")
    assert disputed.child.date_of_birth == date(1990, 3, 1)
    assert disputed.child.age_disputed and disputed.child.is_minor_on(today)
    [assessment] = db.session.scalars(
        select(AgeAssessment).where(AgeAssessment.case_id == disputed.id)
    )
    assert assessment.is_open and assessment.documents_examined
    s1 = evaluate_return_gate(disputed, today=today, policy=current_policy()).get("S1")
    assert not s1.met and "disputed" in s1.reason

    assert "turning_18" in [a.kind for a in alerts_for(_case("Omid", "Rahimi"), today)]
