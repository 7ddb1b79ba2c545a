"""Referrals of child victims (issue 15; 002, Rec 3 and Rec 4; 004). Both ways."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseapp.agencies.models import AgencyKind
from caseapp.alerts.queries import case_ids_with_alert
from caseapp.alerts.rules import alerts_for
from caseapp.children.operations import update_child
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.referrals import operations as ops
from caseapp.referrals.models import ReferralKind, ReferralOutcome
from tests.support import clock
from tests.support.gate_builder import ready_case


def _kinds(case, today=None):
    return [a.kind for a in alerts_for(case, today or clock.today())]


def _flagged(case, today=None):
    alerts = case_ids_with_alert("victim_not_referred", today=today or clock.today())
    return case.id in db.session.scalars(alerts)


def test_the_day_indicators_are_recorded_is_kept(factory):
    ready = ready_case(factory)
    case = ready.case
    update_child(ready.caseworker, case, expected_version=case.version, trafficking_indicators=True)
    assert case.child.trafficking_indicators_on == clock.today()
    update_child(
        ready.caseworker, case, expected_version=case.version, trafficking_indicators=False
    )
    assert case.child.trafficking_indicators_on is None


def test_an_alert_when_no_referral_follows_within_the_policys_days(factory):
    ready = ready_case(factory)
    case = ready.case
    update_child(
        ready.caseworker,
        case,
        expected_version=case.version,
        trafficking_indicators=True,
        hate_crime_victim=True,
    )
    db.session.commit()
    later = clock.today() + timedelta(days=8)  # policy: 7 days
    assert "victim_not_referred" not in _kinds(case, clock.today() + timedelta(days=7))
    assert not _flagged(case, clock.today() + timedelta(days=7))
    assert "victim_not_referred" in _kinds(case, later) and _flagged(case, later)
    nrm = factory.agency(country="MD", kind=AgencyKind.NGO, name="National referral mechanism")
    police = factory.agency(country="MD", kind=AgencyKind.LAW_ENFORCEMENT, name="Police")
    ops.refer_victim(
        ready.caseworker,
        case,
        kind=ReferralKind.TRAFFICKING,
        referred_on=clock.today(),
        agency_id=nrm.id,
        expected_version=case.version,
    )
    ops.refer_victim(
        ready.caseworker,
        case,
        kind=ReferralKind.HATE_CRIME_REPORT,
        referred_on=clock.today(),
        agency_id=police.id,
        expected_version=case.version,
    )
    db.session.commit()
    [alert] = [a for a in alerts_for(case, later) if a.kind == "victim_not_referred"]
    assert "victim support" in alert.detail and "national referral" not in alert.detail
    assert _flagged(case, later)
    ops.refer_victim(
        ready.caseworker,
        case,
        kind=ReferralKind.HATE_CRIME_SUPPORT,
        referred_on=clock.today(),
        agency_id=nrm.id,
        expected_version=case.version,
    )
    db.session.commit()
    assert "victim_not_referred" not in _kinds(case, later) and not _flagged(case, later)


def test_a_referral_needs_the_indicator_and_a_receiving_body(factory):
    ready = ready_case(factory)
    case = ready.case
    with pytest.raises(ValidationFailed) as refused:
        ops.refer_victim(
            ready.caseworker,
            case,
            kind=ReferralKind.TRAFFICKING,
            referred_on=clock.today(),
            agency_id=None,
            expected_version=case.version,
        )
    assert {"kind", "agency_id"} <= set(refused.value.details)


def test_the_outcome_is_recorded_once(factory):
    ready = ready_case(factory)
    case = ready.case
    case.child.trafficking_indicators = True
    nrm = factory.agency(country="MD", kind=AgencyKind.NGO, name="NRM")
    referral = ops.refer_victim(
        ready.caseworker,
        case,
        kind=ReferralKind.TRAFFICKING,
        referred_on=clock.today() - timedelta(days=3),
        agency_id=nrm.id,
        expected_version=case.version,
    )
    with pytest.raises(ValidationFailed):  # before the referral
        ops.record_outcome(
            ready.caseworker,
            referral,
            outcome=ReferralOutcome.ACCEPTED,
            outcome_on=clock.today() - timedelta(days=4),
            expected_version=case.version,
        )
    ops.record_outcome(
        ready.caseworker,
        referral,
        outcome=ReferralOutcome.ACCEPTED,
        outcome_on=clock.today(),
        note="Identified as a victim; shelter and support",
        expected_version=case.version,
    )
    with pytest.raises(InvalidTransition):
        ops.record_outcome(
            ready.caseworker,
            referral,
            outcome=ReferralOutcome.DECLINED,
            outcome_on=clock.today(),
            expected_version=case.version,
        )


def test_referrals_page(factory, client, login):
    ready = ready_case(factory)
    ready.case.child.hate_crime_victim = True
    ready.case.child.hate_crime_victim_on = clock.today() - timedelta(days=30)
    db.session.commit()
    login(ready.caseworker)
    page = client.get(f"/cases/{ready.case.id}/referrals/").get_data(as_text=True)
    assert "Not referred within 7 days" in page and "Record the referral" in page
