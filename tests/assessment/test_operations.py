"""Assessment operations: allowed and refused paths, history kept, one audit entry each."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseapp.assessment import operations as ops
from caseapp.assessment.models import (
    FamilyAssessmentOutcome,
    GuardianAppointment,
    PlacementType,
    RiskLevel,
    ServiceKind,
    Weight,
)
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Stage
from caseapp.children.models import ContactStatus, FamilyMember, Relation, TracingStatus
from caseapp.core.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationFailed
from caseapp.core.permissions import Role
from tests.support import clock, lifecycle


def entries(db, case, action=None):
    query = select(AuditEntry).where(AuditEntry.case_id == case.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query.order_by(AuditEntry.id)).all()


def count_entries(db, case):
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case.id)
    )


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "agency": agency,
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
        "other": factory.user(Role.CASEWORKER),
    }


@pytest.fixture
def case(factory, people):
    case = factory.case(caseworker=people["cw"])
    return lifecycle.to_assessment(case, people["cw"])


def test_start_assessment_moves_stage_and_audits_once(factory, people, db):
    case = lifecycle.to_registered(factory.case(caseworker=people["cw"]), people["cw"])
    before = count_entries(db, case)
    ops.start_assessment(people["cw"], case, expected_version=case.version)
    db.session.commit()
    assert case.stage is Stage.ASSESSMENT
    new = entries(db, case)[before:]
    assert [e.action for e in new] == ["case:stage:change"]
    assert new[0].diff == {"stage": ["registered", "assessment"]}


def test_start_assessment_refuses_stale_version(factory, people, db):
    case = lifecycle.to_registered(factory.case(caseworker=people["cw"]), people["cw"])
    with pytest.raises(StaleVersion):
        ops.start_assessment(people["cw"], case, expected_version=case.version - 1)
    db.session.rollback()
    assert case.stage is Stage.REGISTERED


def test_new_guardian_ends_the_previous_one_and_keeps_history(case, people, db):
    cw = people["cw"]
    first = lifecycle.with_guardian(case, cw, name="First Guardian")
    before = count_entries(db, case)
    second = ops.appoint_guardian(
        cw,
        case,
        guardian_name="Second Guardian",
        appointing_authority="Court",
        appointed_on=clock.today(),
        declared_independent=True,
        independence_statement="Not employed by the deciding authority.",
        expected_version=case.version,
    )
    db.session.commit()
    assert first.ended_on == clock.today() and not first.active
    assert second.active
    assert ops.active_guardian(case) == second
    assert db.session.scalar(select(func.count()).select_from(GuardianAppointment)) == 2
    assert [e.action for e in entries(db, case)[before:]] == ["assessment:guardian:appoint"]


def test_end_guardian_requires_reason_and_not_before_start(case, people, db):
    g = lifecycle.with_guardian(case, people["cw"])
    with pytest.raises(ValidationFailed):
        ops.end_guardian(
            people["cw"], g, ended_on=clock.today(), reason=" ", expected_version=case.version
        )
    with pytest.raises(ValidationFailed):
        ops.end_guardian(
            people["cw"],
            g,
            ended_on=g.appointed_on - timedelta(days=1),
            reason="moved",
            expected_version=case.version,
        )
    db.session.rollback()
    ops.end_guardian(
        people["cw"], g, ended_on=clock.today(), reason="moved", expected_version=case.version
    )
    db.session.commit()
    assert not g.active
    with pytest.raises(ValidationFailed):
        ops.end_guardian(
            people["cw"], g, ended_on=clock.today(), reason="x", expected_version=case.version
        )


def test_legal_representative_assign_and_end(case, people, db):
    rep = ops.assign_legal_representative(
        people["sup"],
        case,
        name="Lawyer",
        organisation="Legal aid NGO",
        assigned_on=clock.today(),
        expected_version=case.version,
    )
    db.session.commit()
    assert rep.active and rep.free_of_charge
    ops.end_legal_representative(
        people["cw"], rep, ended_on=clock.today(), expected_version=case.version
    )
    db.session.commit()
    assert not rep.active
    assert len(entries(db, case, "assessment:legal_representative:assign")) == 1
    assert len(entries(db, case, "assessment:legal_representative:end")) == 1


@pytest.mark.parametrize(
    ("placement_type", "can_leave", "law_enforcement", "deprives"),
    [
        (PlacementType.FOSTER_FAMILY, True, False, False),
        (PlacementType.OPEN_SHELTER, False, False, True),  # cannot leave: detention by any name
        (PlacementType.SMALL_GROUP_HOME, True, True, True),  # run by law enforcement
        (PlacementType.TRANSIT_CENTRE, True, False, True),  # custodial type
    ],
)
def test_placement_deprivation_of_liberty_whatever_its_name(
    case, people, db, placement_type, can_leave, law_enforcement, deprives
):
    p = ops.record_placement(
        people["cw"],
        case,
        placement_type=placement_type,
        name="Temporary stay centre",
        responsible_authority="Social services",
        started_on=clock.today(),
        child_can_leave_at_will=can_leave,
        run_by_law_enforcement=law_enforcement,
        expected_version=case.version,
    )
    db.session.commit()
    assert p.deprives_of_liberty is deprives
    ops.end_placement(people["cw"], p, ended_on=clock.today(), expected_version=case.version)
    db.session.commit()
    assert not p.active


def test_services_recorded_and_ended(case, people, db):
    for kind in ServiceKind:
        s = ops.record_service(
            people["cw"],
            case,
            kind=kind,
            provider="Provider",
            started_on=clock.today(),
            expected_version=case.version,
        )
        db.session.commit()
    ops.end_service(people["cw"], s, ended_on=clock.today(), expected_version=case.version)
    db.session.commit()
    assert len(entries(db, case, "assessment:service:record")) == 3
    assert len(entries(db, case, "assessment:service:end")) == 1


def test_hearing_recorded_with_views_on_each_option(case, people, db):
    h = lifecycle.with_hearing(case, people["cw"])
    assert h.heard_by_id == people["cw"].id
    assert set(h.views_by_option) == {"return", "local_integration"}
    assert h.understood_and_informed
    assert len(entries(db, case, "assessment:hearing:record")) == 1


def test_hearing_refusals(case, people, db):
    base = dict(
        held_on=clock.today(),
        language="Russian",
        child_understands_language=False,
        interpreter=None,
        child_friendly_information_given=False,
        seen_alone=False,
        options_discussed=True,
        views_by_option={},
        views_summary="Said little.",
        weight=Weight.LIMITED,
        weight_reasons="Young child.",
        expected_version=case.version,
    )
    with pytest.raises(ValidationFailed):  # options discussed but no views recorded
        ops.record_hearing(people["cw"], case, **base)
    with pytest.raises(ValueError):
        ops.record_hearing(people["cw"], case, **{**base, "views_by_option": {"nowhere": "x"}})
    db.session.rollback()
    h = ops.record_hearing(
        people["cw"], case, **{**base, "options_discussed": False, "weight_reasons": "Age 6."}
    )
    assert not h.understood_and_informed  # language not understood, no interpreter


def test_tracing_and_family_assessment(case, people, db):
    member = FamilyMember(case_id=case.id, name="Mother", relation=Relation.MOTHER)
    db.session.add(member)
    db.session.commit()
    ops.update_tracing(
        people["cw"],
        member,
        tracing_status=TracingStatus.TRACED,
        contact_status=ContactStatus.IN_CONTACT,
        whereabouts="Odesa",
        country="ua",
        expected_version=case.version,
    )
    db.session.commit()
    assert member.tracing_status is TracingStatus.TRACED and member.country == "UA"
    fa = ops.record_family_assessment(
        people["cw"],
        case,
        family_member=member,
        assessed_on=clock.today(),
        assessed_by="Counterpart social services",
        outcome=FamilyAssessmentOutcome.SUITABLE,
        summary="Able and willing to care.",
        expected_version=case.version,
    )
    db.session.commit()
    assert fa.family_member_id == member.id
    assert len(entries(db, case, "assessment:tracing:update")) == 1
    assert len(entries(db, case, "assessment:family_assessment:record")) == 1


def test_bia_complete_requires_risk_section(case, people, db):
    cw = people["cw"]
    with pytest.raises(ValidationFailed):  # no BIA yet
        ops.complete_bia(cw, case, expected_version=case.version)
    ops.save_bia(
        cw, case, expected_version=ops.bia_version(case), views="Heard.", return_country="ua"
    )
    db.session.commit()
    with pytest.raises(ValidationFailed) as err:
        ops.complete_bia(cw, case, expected_version=case.version)
    assert "non-refoulement" in err.value.message
    db.session.rollback()
    ops.save_bia(
        cw,
        case,
        expected_version=ops.bia_version(case),
        non_refoulement_risk=RiskLevel.LOW,
        armed_conflict=False,
        human_rights_impact="Assessed.",
        return_safe=True,
    )
    bia = ops.complete_bia(cw, case, expected_version=case.version)
    db.session.commit()
    assert bia.completed and bia.return_country == "UA"
    # Saving again starts a new draft copied from the completed one; the old one stays.
    draft = ops.save_bia(cw, case, expected_version=ops.bia_version(case), health="Good.")
    db.session.commit()
    assert draft.id != bia.id and not draft.completed and draft.return_country == "UA"
    assert bia.health is None
    assert len(entries(db, case, "assessment:bia:save")) == 3
    assert len(entries(db, case, "assessment:bia:complete")) == 1


def test_bia_refuses_bad_country_and_unknown_field(case, people, db):
    with pytest.raises(ValidationFailed):
        ops.save_bia(
            people["cw"], case, expected_version=ops.bia_version(case), return_country="UKR"
        )
    with pytest.raises(ValidationFailed):
        ops.save_bia(people["cw"], case, expected_version=0, completed_at=None)


def test_records_refused_for_other_roles_and_stale_versions(case, people, factory, db):
    admin = factory.user(Role.ADMIN)
    for user in (people["omb"], people["other"], admin):
        with pytest.raises(PermissionDenied):
            lifecycle.with_guardian(case, user)
    with pytest.raises(StaleVersion):
        ops.assign_legal_representative(
            people["cw"],
            case,
            name="x",
            organisation=None,
            assigned_on=clock.today(),
            expected_version=0,
        )
    db.session.rollback()
    assert count_entries(db, case) == 3  # open + two stage changes only


def test_records_refused_before_registration_and_bia_outside_assessment(factory, people, db):
    case = factory.case(caseworker=people["cw"])
    with pytest.raises(InvalidTransition):
        lifecycle.with_guardian(case, people["cw"])
    db.session.rollback()
    lifecycle.to_registered(case, people["cw"])
    with pytest.raises(InvalidTransition):
        ops.save_bia(people["cw"], case, expected_version=ops.bia_version(case), views="x")


def test_record_bumps_case_version(case, people, db):
    version = case.version
    lifecycle.with_guardian(case, people["cw"])
    assert case.version == version + 1
