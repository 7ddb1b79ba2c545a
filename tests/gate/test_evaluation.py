"""S1-S18, each both ways (DESIGN.md section 4)."""

from datetime import timedelta

import pytest

from caseapp.children.models import CareStatus
from caseapp.core.extensions import db
from caseapp.crossborder.models import EscortKind
from caseapp.gate.data import load_gate_data
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import ReturnSuspension
from caseapp.gate.policy import current_policy
from tests.support.gate_builder import SAFEGUARD_IDS, break_safeguard, ready_case
from tests.support.statements import statements


def evaluate(ready, today=None):
    return evaluate_return_gate(ready.case, today=today or ready.today, policy=current_policy())


def test_ready_case_meets_every_safeguard(factory):
    result = evaluate(ready_case(factory))
    assert result.all_met, [(s.id, s.reason) for s in result.unmet]
    assert [s.id for s in result.safeguards] == SAFEGUARD_IDS
    for s in result.safeguards:
        assert s.source and s.title and s.reason


@pytest.mark.parametrize("sid", SAFEGUARD_IDS)
def test_each_safeguard_unmet_alone(factory, sid):
    ready = ready_case(factory)
    assert evaluate(ready).get(sid).met
    break_safeguard(ready, sid)
    result = evaluate(ready)
    assert result.unmet_ids == [sid]
    assert not result.all_met
    assert result.get(sid).evidence == []


@pytest.mark.parametrize("sid", SAFEGUARD_IDS)
def test_met_safeguard_names_its_evidence_or_reason(factory, sid):
    s = evaluate(ready_case(factory)).get(sid)
    assert s.met
    if sid not in ("S18", "S19"):  # no suspension, no sibling: nothing to name
        assert s.evidence, sid
        assert all(e.type and e.id for e in s.evidence)


def test_to_dict_shape(factory):
    d = evaluate(ready_case(factory, breaks=("S7",))).to_dict()
    assert d["policy_version"] == 1
    assert d["all_met"] is False
    s7 = next(s for s in d["safeguards"] if s["id"] == "S7")
    assert set(s7) >= {"id", "title", "met", "reason", "evidence", "source"}
    assert s7["met"] is False and "Moldova" in s7["source"]


def test_evaluation_with_loaded_data_makes_no_query(factory, app):
    ready = ready_case(factory)
    data = load_gate_data(ready.case)
    policy = current_policy()
    ready.case.child  # noqa: B018 - loaded before counting
    ready.case.lead_agency  # noqa: B018
    with statements() as seen:
        result = evaluate_return_gate(ready.case, today=ready.today, policy=policy, data=data)
    assert result.all_met
    assert seen == []


def test_s3_accompanied_child_needs_no_guardian(factory):
    ready = ready_case(factory, care_status=CareStatus.ACCOMPANIED, breaks=("S3",))
    ready.r["mother"].with_the_child = True  # the legal custodian is with the child
    db.session.commit()
    s3 = evaluate(ready).get("S3")
    assert s3.met and "legal custodian" in s3.reason


def test_s3_no_guardian_at_all(factory):
    ready = ready_case(factory)
    ready.r["guardian"].ended_on = ready.today
    db.session.commit()
    assert not evaluate(ready).get("S3").met


def test_s5_hearing_older_than_policy(factory):
    ready = ready_case(factory)
    ready.r["hearing"].held_on = ready.today - timedelta(days=91)
    ready.r["bid"].opened_at = ready.r["bid"].opened_at - timedelta(days=60)
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S5"]


def test_s5_hearing_before_the_determination_opened(factory):
    ready = ready_case(factory)
    ready.r["hearing"].held_on = ready.r["bid"].opened_at.date() - timedelta(days=1)
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S5"]


def test_s6_met_by_home_study_alone(factory):
    ready = ready_case(factory)
    db.session.delete(ready.r["family_assessment"])
    db.session.commit()
    s6 = evaluate(ready).get("S6")
    assert s6.met and [e.type for e in s6.evidence] == ["home_study"]


def test_s9_guardian_missing_from_panel(factory):
    ready = ready_case(factory)
    ready.r["bid"].panel.pop()
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S9"]


def test_s14_border_handover_unmet(factory):
    ready = ready_case(factory)
    ready.r["travel"].handover_at_border = True
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S14"]


def test_s14_family_escort_unmet(factory):
    ready = ready_case(factory)
    ready.r["travel"].escort_kind = EscortKind.FAMILY
    db.session.commit()
    assert evaluate(ready).unmet_ids == ["S14"]


def _last_resort(ready, approved_by):
    consent = ready.r["consent"]
    consent.child_consents = False
    consent.non_voluntary = True
    consent.last_resort_justification = "Family tracing shows care; no alternative."
    consent.last_resort_approved_by_id = approved_by.id if approved_by else None
    db.session.commit()


def test_s15_last_resort_approved_by_second_supervisor(factory):
    ready = ready_case(factory)
    _last_resort(ready, ready.approver)
    assert evaluate(ready).get("S15").met


@pytest.mark.parametrize("who", ["nobody", "recorder", "bid_author"])
def test_s15_last_resort_without_second_supervisor(factory, who):
    ready = ready_case(factory)
    _last_resort(
        ready, {"nobody": None, "recorder": ready.caseworker, "bid_author": ready.caseworker}[who]
    )
    assert evaluate(ready).unmet_ids == ["S15"]


def test_s16_deadline_today_is_not_over(factory):
    ready = ready_case(factory)
    assert not evaluate(ready, today=ready.today - timedelta(days=1)).get("S16").met


def test_s18_falls_back_to_country_of_origin_and_lifted_suspension(factory):
    ready = ready_case(factory)
    db.session.delete(ready.r["coordination"])
    db.session.add(
        ReturnSuspension(
            country="UA",
            reason="Pandemic",
            suspended_from=ready.today - timedelta(days=30),
            lifted_on=ready.today,
        )
    )
    db.session.commit()
    s18 = evaluate(ready).get("S18")
    assert s18.met and "Ukraine" in s18.reason
    assert not evaluate(ready, today=ready.today - timedelta(days=1)).get("S18").met
