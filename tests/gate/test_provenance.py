"""Provenance on the gate and the party's own confirmation (issue 10, item 4; DESIGN.md 4.1
item 4: "Participants' own confirmations and partner-signed documents carry their provenance").

S11 and S17 say who confirmed them: the party itself acting in caseapp, or the caseworker
recording a paper document (attached). A policy setting can require the party's own
confirmation; each rule is tested both ways, and the gate's hold applies it to approved cases.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.cases.models import Stage
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import Provenance
from caseapp.documents.models import Document
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import ReturnApproval
from caseapp.gate.operations import approve_return, change_policy
from caseapp.gate.policy import current_policy
from tests.support.gate_builder import ready_case


def evaluate(ready):
    db.session.expire_all()
    return evaluate_return_gate(ready.case, today=ready.today, policy=current_policy())


def set_policy(factory, **flags):
    """A new policy version with the given party's-own-confirmation settings."""
    admin = factory.user(Role.ADMIN)
    old = current_policy()
    change_policy(
        admin,
        appeal_period_days=old.appeal_period_days,
        hearing_max_age_days=old.hearing_max_age_days,
        monitoring_schedule_months=old.monitoring_schedule_months,
        bid_time_limit_days=old.bid_time_limit_days,
        **flags,
    )
    db.session.commit()


def ca_officer_confirms(factory, ready, *, agency=None):
    """The Central Authority's own officer decided (as ``record_central_approval`` stores it
    when a participant acts)."""
    officer = factory.user(
        Role.CASEWORKER, agency=agency or ready.r["central_agency"], name="Ana Officer"
    )
    a = ready.r["central"]
    a.provenance = Provenance.CONFIRMED_BY_PARTICIPANT
    a.confirmed_by_id = officer.id
    db.session.execute(
        db.delete(Document).where(
            Document.record_type == a.__tablename__, Document.record_id == a.id
        )
    )
    db.session.commit()
    return officer


def monitor_accepts(factory, ready, *, agency=None):
    monitor = factory.user(
        Role.CASEWORKER, agency=agency or ready.r["monitor_agency"], name="Max Monitor"
    )
    plan = ready.r["monitoring"]
    plan.provenance = Provenance.CONFIRMED_BY_PARTICIPANT
    plan.accepted_by_id = monitor.id
    plan.accepted_on = ready.today
    db.session.commit()
    return monitor


# -- the words on the safeguards page ----------------------------------------------------


def test_s11_recorded_by_the_caseworker_from_a_paper_document(factory):
    ready = ready_case(factory)
    s11 = evaluate(ready).get("S11")
    assert s11.met
    assert "recorded by the caseworker from a paper document: signed.pdf" in s11.evidence[0].text


def test_s11_confirmed_by_the_central_authority_needs_no_paper(factory):
    ready = ready_case(factory)
    ca_officer_confirms(factory, ready)
    s11 = evaluate(ready).get("S11")
    assert s11.met
    assert (
        "confirmed by the Central Authority: Ana Officer (Central Authority)"
        in s11.evidence[0].text
    )


def test_s11_confirmed_by_someone_outside_the_central_authority_is_unmet(factory):
    ready = ready_case(factory)
    ca_officer_confirms(factory, ready, agency=ready.r["monitor_agency"])
    s11 = evaluate(ready).get("S11")
    assert not s11.met and "not staff of that Central Authority" in s11.reason


def test_s11_a_refusal_is_the_central_authoritys_latest_word(factory):
    ready = ready_case(factory)
    ready.r["central"].refused = True
    db.session.commit()
    s11 = evaluate(ready).get("S11")
    assert not s11.met and "refused the return" in s11.reason and "CA-42" in s11.reason


def test_s17_recorded_by_the_caseworker_or_accepted_by_the_monitor(factory):
    ready = ready_case(factory)
    s17 = evaluate(ready).get("S17")
    assert s17.met and "recorded by the caseworker" in s17.evidence[0].text
    monitor_accepts(factory, ready)
    s17 = evaluate(ready).get("S17")
    assert (
        s17.met and "accepted by the monitor: Max Monitor (Independent NGO)" in s17.evidence[0].text
    )


# -- the policy: the party's own confirmation, both ways ---------------------------------


def test_policy_off_accepts_either(factory):
    ready = ready_case(factory)
    assert current_policy().central_approval_by_party is False
    assert current_policy().monitoring_by_party is False
    assert evaluate(ready).all_met


def test_policy_on_s11_refuses_the_caseworkers_record_and_accepts_the_officers(factory):
    ready = ready_case(factory)
    set_policy(factory, central_approval_by_party=True)
    s11 = evaluate(ready).get("S11")
    assert not s11.met and "policy requires the Central Authority's own approval" in s11.reason
    assert evaluate(ready).unmet_ids == ["S11"]  # S17 not required by this setting
    ca_officer_confirms(factory, ready)
    assert evaluate(ready).all_met


def test_policy_on_s17_refuses_the_caseworkers_plan_and_accepts_the_monitors(factory):
    ready = ready_case(factory)
    set_policy(factory, monitoring_by_party=True)
    s17 = evaluate(ready).get("S17")
    assert not s17.met and "monitor's own acceptance" in s17.reason
    assert evaluate(ready).unmet_ids == ["S17"]
    monitor_accepts(factory, ready)
    assert evaluate(ready).all_met
    # Someone outside the monitoring organisation cannot accept for it.
    ready.r["monitoring"].accepted_by_id = factory.user(Role.CASEWORKER, agency=ready.agency).id
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S17"]


def test_policy_settings_are_kept_in_later_versions_and_can_be_turned_off(factory):
    set_policy(factory, central_approval_by_party=True, monitoring_by_party=True)
    set_policy(factory)  # not given: kept
    assert current_policy().central_approval_by_party and current_policy().monitoring_by_party
    set_policy(factory, central_approval_by_party=False, monitoring_by_party=False)
    assert not (current_policy().central_approval_by_party or current_policy().monitoring_by_party)


# -- the hold: turning the policy on withdraws an approval resting on a paper record -----


def _in_force(case_id):
    return db.session.scalar(
        select(ReturnApproval).where(
            ReturnApproval.case_id == case_id, ReturnApproval.withdrawn_at.is_(None)
        )
    )


@pytest.mark.parametrize("officer_confirmed", [False, True])
def test_hold_policy_on_withdraws_an_approval_resting_on_the_caseworkers_record(
    factory, officer_confirmed
):
    ready = ready_case(factory)
    if officer_confirmed:
        ca_officer_confirms(factory, ready)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.RETURN_APPROVED
    set_policy(factory, central_approval_by_party=True)
    db.session.expire_all()
    if officer_confirmed:
        assert ready.case.stage is Stage.RETURN_APPROVED and _in_force(ready.case.id)
    else:
        assert ready.case.stage is Stage.RETURN_PREPARATION and _in_force(ready.case.id) is None
        withdrawn = db.session.scalar(
            select(ReturnApproval).where(ReturnApproval.case_id == ready.case.id)
        )
        assert withdrawn.withdrawn_unmet == ["S11"]


def test_validity_window_applies_to_the_officers_approval_too(factory):
    ready = ready_case(factory)
    ca_officer_confirms(factory, ready)
    days = current_policy().central_approval_valid_days
    ready.r["central"].approved_on = ready.today - timedelta(days=days + 1)
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S11"]
