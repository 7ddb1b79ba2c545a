"""Families (issue 15 part 2): siblings' cases linked, parents and caregivers as parties, their
consent, notification and appeal, and the family's unity read by the gate (S19; 002, Rec 2;
Rec 4; fn 12 (iii)). Each rule both ways, through the operations."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Outcome, Stage
from caseapp.children.models import Relation
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.decision import operations as decision
from caseapp.decision.models import Appeal
from caseapp.determination import operations as determination
from caseapp.families import operations as ops
from caseapp.families.models import PartyActKind
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import ReturnApproval
from caseapp.gate.operations import approve_return
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle
from tests.support.gate_builder import ready_case


def _family(factory):
    cw = factory.user(Role.CASEWORKER)
    agency = cw.agency
    a = factory.case(agency=agency, caseworker=cw, given="Ana")
    b = factory.case(agency=agency, caseworker=cw, given="Ion")
    lifecycle.to_registered(a, cw)
    lifecycle.to_registered(b, cw)
    ops.create_family(cw, a, expected_version=a.version)
    ops.link_sibling(cw, a, case_number=b.number, expected_version=a.version)
    db.session.commit()
    return cw, a, b


def test_siblings_keep_their_own_cases_in_one_family(factory):
    _cw, a, b = _family(factory)
    assert a.family_id == b.family_id is not None
    assert ops.siblings_of(a) == [b] and ops.siblings_of(b) == [a]
    tags = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.case_id.in_([a.id, b.id]))
    ).all()
    assert "family:create" in tags and tags.count("family:case:link") == 2


def test_link_refuses_another_agencys_case_itself_and_another_family(factory):
    cw, a, _b = _family(factory)
    other = factory.case()  # another agency
    with pytest.raises(ValidationFailed):
        ops.link_sibling(cw, a, case_number=other.number, expected_version=a.version)
    with pytest.raises(ValidationFailed):
        ops.link_sibling(cw, a, case_number=a.number, expected_version=a.version)
    c = factory.case(agency=cw.agency, caseworker=cw)
    lifecycle.to_registered(c, cw)
    ops.create_family(cw, c, expected_version=c.version)
    with pytest.raises(ValidationFailed):
        ops.link_sibling(cw, a, case_number=c.number, expected_version=a.version)
    db.session.rollback()
    assert c.family_id != a.family_id


def test_parties_are_parents_or_caregivers_not_siblings(factory):
    cw, a, _b = _family(factory)
    party = ops.add_party(
        cw,
        a,
        name="Elena",
        relation=Relation.MOTHER,
        legal_custodian=True,
        with_the_children=True,
        expected_version=a.version,
    )
    assert party.family_id == a.family_id
    with pytest.raises(ValidationFailed):
        ops.add_party(cw, a, name="Ion", relation=Relation.SIBLING, expected_version=a.version)
    lone = factory.case(agency=cw.agency, caseworker=cw)
    lifecycle.to_registered(lone, cw)
    with pytest.raises(ValidationFailed):  # no family record yet
        ops.add_party(cw, lone, name="X", relation=Relation.FATHER, expected_version=lone.version)


def test_parent_consents_is_notified_and_appeals_on_a_decided_case(factory):
    cw, a, _b = _family(factory)
    sup = factory.user(Role.SUPERVISOR, agency=cw.agency)
    party = ops.add_party(cw, a, name="Elena", relation=Relation.MOTHER, expected_version=a.version)
    db.session.commit()
    # No decision yet: nothing to consent to or be notified of.
    with pytest.raises(ValidationFailed):
        ops.record_party_act(
            cw,
            party,
            a,
            kind=PartyActKind.CONSENT,
            on_date=clock.today(),
            expected_version=a.version,
        )
    lifecycle.to_decided(a, cw, sup, outcome=Outcome.LOCAL_INTEGRATION)
    act = ops.record_party_act(
        cw, party, a, kind=PartyActKind.CONSENT, on_date=clock.today(), expected_version=a.version
    )
    assert act.case_id == a.id and act.kind is PartyActKind.CONSENT
    with pytest.raises(ValidationFailed):  # notified: in which language?
        ops.record_party_act(
            cw,
            party,
            a,
            kind=PartyActKind.NOTIFIED,
            on_date=clock.today(),
            expected_version=a.version,
        )
    ops.record_party_act(
        cw,
        party,
        a,
        kind=PartyActKind.NOTIFIED,
        on_date=clock.today(),
        language="Romanian",
        expected_version=a.version,
    )
    appeal = ops.lodge_party_appeal(
        cw, party, a, lodged_on=clock.today(), body="District court", expected_version=a.version
    )
    db.session.commit()
    assert isinstance(appeal, Appeal) and appeal.is_pending and "Elena" in appeal.lodged_by
    assert decision.execution_suspended(a)


def test_a_party_of_another_family_cannot_act_on_the_case(factory):
    cw, a, _b = _family(factory)
    sup = factory.user(Role.SUPERVISOR, agency=cw.agency)
    c = factory.case(agency=cw.agency, caseworker=cw)
    lifecycle.to_registered(c, cw)
    ops.create_family(cw, c, expected_version=c.version)
    stranger = ops.add_party(
        cw, c, name="Other", relation=Relation.FATHER, expected_version=c.version
    )
    db.session.commit()
    lifecycle.to_decided(a, cw, sup, outcome=Outcome.LOCAL_INTEGRATION)
    with pytest.raises(ValidationFailed):
        ops.record_party_act(
            cw,
            stranger,
            a,
            kind=PartyActKind.CONSENT,
            on_date=clock.today(),
            expected_version=a.version,
        )
    with pytest.raises(ValidationFailed):
        ops.lodge_party_appeal(
            cw, stranger, a, lodged_on=clock.today(), body="Court", expected_version=a.version
        )


# -- S19: the family's unity, read by the gate ----------------------------------------------


def _s19(case, today=None):
    return evaluate_return_gate(case, today=today or clock.today(), policy=current_policy()).get(
        "S19"
    )


def _ready_with_sibling(factory):
    ready = ready_case(factory)
    sibling = factory.case(agency=ready.agency, caseworker=ready.caseworker, given="Ion")
    lifecycle.to_registered(sibling, ready.caseworker)
    ops.create_family(ready.caseworker, ready.case, expected_version=ready.case.version)
    ops.link_sibling(
        ready.caseworker,
        ready.case,
        case_number=sibling.number,
        expected_version=ready.case.version,
    )
    db.session.commit()
    return ready, sibling


def test_s19_met_without_siblings_and_unmet_when_a_sibling_stays_unreasoned(factory):
    ready = ready_case(factory)
    assert _s19(ready.case).met
    ready, sibling = _ready_with_sibling(factory)
    s19 = _s19(ready.case)
    assert not s19.met
    assert sibling.number in s19.reason
    assert s19.record_at == ("families.page", {"case_id": ready.case.id})


def test_s19_met_when_each_determination_gives_the_reason(factory):
    ready, sibling = _ready_with_sibling(factory)
    cw, sup = ready.caseworker, ready.supervisor
    ready.r["bid"].family_unity = "Ana's mother is traced; Ion, 17, integrates here."
    db.session.commit()
    s19 = _s19(ready.case)
    assert not s19.met and "this child" not in s19.reason  # only the sibling's is missing
    bid = lifecycle.complete_bid(sibling, cw, recommended=Outcome.LOCAL_INTEGRATION)
    determination.update_bid(
        cw,
        bid,
        recommended=Outcome.LOCAL_INTEGRATION,
        reasons="Settled at school.",
        family_unity="",
        expected_version=bid.version,
    )
    db.session.commit()
    assert not _s19(ready.case).met  # an empty reason is no reason
    determination.update_bid(
        cw,
        bid,
        recommended=Outcome.LOCAL_INTEGRATION,
        reasons="Settled at school.",
        family_unity="Ion stays with his school; Ana returns to her mother.",
        expected_version=bid.version,
    )
    db.session.commit()
    s19 = _s19(ready.case)
    assert s19.met, s19.reason
    assert {e.id for e in s19.evidence} == {ready.r["bid"].id, bid.id}
    assert sup  # the supervisor is not needed here


def test_s19_met_when_siblings_return_together_and_the_hold_follows_the_sibling(factory):
    ready, sibling = _ready_with_sibling(factory)
    sup = factory.user(Role.SUPERVISOR, agency=ready.agency)
    lifecycle.to_decided(sibling, ready.caseworker, sup, outcome=Outcome.RETURN)
    assert _s19(ready.case).met
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.RETURN_APPROVED
    # The sibling's determination is reopened: the return would now separate them, and no
    # determination says why. The hold withdraws the approval in that same transaction.
    decision.record_new_fact(
        ready.caseworker,
        sibling,
        "The father was found in Chisinau.",
        expected_version=sibling.version,
    )
    db.session.commit()
    db.session.refresh(ready.case)
    assert ready.case.stage is Stage.RETURN_PREPARATION
    approval = db.session.scalar(
        select(ReturnApproval).where(ReturnApproval.case_id == ready.case.id)
    )
    assert approval.withdrawn_unmet == ["S19"]
