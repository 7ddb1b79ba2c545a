"""Test data for the return gate: a case in return preparation with every record S1-S19 need.

``ready_case`` drives a case there through the real operations with the scenario builder
(``caseapp.demo.scenario``), with this module's values for the records (the tests read them);
``break_safeguard(ready, "S7")`` then breaks exactly one safeguard, through an operation
wherever one can (a comment says why the others write the row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from caseapp.agencies.models import AgencyKind
from caseapp.assessment import operations as assessment
from caseapp.assessment.models import FamilyAssessmentOutcome, PlacementType, RiskLevel, Weight
from caseapp.cases.models import Outcome, Stage
from caseapp.children.models import CareStatus, IdentityVerification, Relation, TracingStatus
from caseapp.children.operations import add_family_member, update_child
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import (
    Consent,
    EscortKind,
    GuarantorKind,
    LegalBasis,
    MessageDirection,
    MessageKind,
    ReceivingKind,
)
from caseapp.decision import operations as decision
from caseapp.demo.scenario import Register, Scenario, at, attach
from caseapp.determination.models import BidStatus
from tests.support import clock
from tests.support.audit_entries import mark_built

SAFEGUARD_IDS = [f"S{i}" for i in range(1, 20)]
# The record everything S11/S12/S7 need attached is named so in the tests.
SIGNED = "signed.pdf"


@dataclass
class Ready:
    """A built case and the people and records around it."""

    case: object
    agency: object
    caseworker: object  # author of the BIA and the BID, recorder of the consent
    supervisor: object  # approved the BID
    approver: object  # a second supervisor, free to approve the return
    today: date
    r: dict = field(default_factory=dict)
    scenario: Scenario | None = None


def texts(today: date, r: dict) -> dict:
    """The values of the records ``ready_case`` makes (the tests read them)."""
    days = lambda n: today - timedelta(days=n)  # noqa: E731
    counterpart = r["counterpart"].id
    return {
        "guardian": {
            "as_given": True,
            "guardian_name": "Guardian",
            "appointing_authority": "Guardianship authority",
            "appointed_on": days(100),
            "declared_independent": True,
            "organisation_id": r["ngo"].id,
        },
        "lawyer": {"name": "Lawyer", "organisation": "Legal aid", "assigned_on": days(99)},
        "family_assessment": {
            "assessed_on": days(50),
            "assessed_by": "Social worker",
            "outcome": FamilyAssessmentOutcome.SUITABLE,
            "summary": "Able and willing.",
        },
        "bia": {
            "as_given": True,
            "return_country": "UA",
            "views": "Wants to go home.",
            "identity": "Ukrainian, Russian-speaking.",
            "family_environment": "Mother traced.",
            "care_and_safety": "Mother able to care.",
            "vulnerability": "None beyond age.",
            "health": "Healthy.",
            "education": "Grade 8.",
            "non_refoulement_risk": RiskLevel.LOW,
            "armed_conflict": False,
            "violence_risk": RiskLevel.LOW,
            "trafficking_risk": RiskLevel.LOW,
            "family_capacity": "Able and willing.",
            "human_rights_impact": "No adverse impact identified.",
            "return_safe": True,
            "completed_at": at(days(60)),
        },
        "determination": {"opened_at": at(days(60))},
        "hearing": {
            "as_given": True,
            "held_on": days(30),
            "language": "uk",
            "child_understands_language": True,
            "interpreter": None,
            "child_friendly_information_given": True,
            "seen_alone": False,
            "options_discussed": True,
            "views_by_option": {"return": "Wants to go home to mother."},
            "views_summary": "Wants to go home to mother.",
            "weight": Weight.SIGNIFICANT,
            "weight_reasons": "Age 14, mature.",
        },
        "panel": {"chair": "Chair", "guardian": "Guardian"},
        "options": {o: f"Considered {o.value}." for o in Outcome},
        "recommendation": {"recommended": Outcome.RETURN, "reasons": "Family ready, safe."},
        "submission": {"submitted_at": at(days(60))},
        "approval": {"approved_at": at(days(55))},
        # The appeal period (30 days from the notification, reference policy) ended
        # yesterday.
        "decision": {"outcome": Outcome.RETURN, "decided_on": days(32)},
        "notification": {
            "notified_on": days(31),
            "language": "uk",
            "child_understands_language": True,
        },
        "coordination": {
            "as_given": True,
            "destination_country": "UA",
            "counterpart_name": "Child protection service, Odesa",
            "counterpart_agency_id": counterpart,
            "legal_basis": LegalBasis.BILATERAL_AGREEMENT,
        },
        "home_study": {
            "as_given": True,
            "received_on": days(40),
            "conducted_by": "Counterpart",
            "favourable": True,
            "summary": "Good home.",
        },
        "guarantee": {
            "as_given": True,
            "guarantor_kind": GuarantorKind.FAMILY,
            "guarantor_name": "Mother",
            "given_on": days(20),
            "written": True,
            "document_reference": "G-1",
            "document": SIGNED,
        },
        "central": {
            "as_given": True,
            "authority_name": "Central Authority",
            "authority_agency_id": r["central_agency"].id,
            "reference": "CA-42",
            "approved_on": today,
            "document": SIGNED,
        },
        "readiness": {
            "as_given": True,
            "direction": MessageDirection.RECEIVED,
            "kind": MessageKind.CONFIRMATION_OF_READINESS,
            "counterpart": "Child protection service, Odesa",
            "counterpart_is_child_protection": True,
            "agency_id": counterpart,
            "subject": "Ready to receive",
            "on_date": days(10),
            "document": SIGNED,
        },
        "reintegration": {
            "as_given": True,
            "education": "School no. 5",
            "education_agency_id": counterpart,
            "health": "Family doctor",
            "health_agency_id": counterpart,
            "psychosocial_not_needed": "Assessed: no need.",
            "family_support": "Parenting support",
            "family_support_agency_id": counterpart,
            "responsible_agency": "Odesa child protection",
            "responsible_agency_id": counterpart,
            "resources_confirmed": True,
            "resources_confirmed_by": "Odesa child protection",
            "resources_confirmed_by_agency_id": counterpart,
            "resources_confirmed_on": days(5),
        },
        "travel": {
            "as_given": True,
            "travel_on": today + timedelta(days=10),
            "route": "Chisinau - Odesa by road",
            "escort_name": "Official",
            "escort_kind": EscortKind.CHILD_PROTECTION,
            "escort_agency_id": r["escort"].id,
            "receiving_official": "Receiving officer",
            "receiving_is_child_protection": True,
            "receiving_kind": ReceivingKind.CHILD_PROTECTION,
            "receiving_agency_id": counterpart,
            "handover_place": "Odesa child protection office",
            "arrival_placement_type": PlacementType.FAMILY_COMMUNITY,
            "arrival_can_leave_at_will": True,
        },
        "consent": {
            "child_consents": True,
            "child_consent_on": days(8),
            "child_consent_how": "Interview with interpreter",
            "guardian_consents": True,
            "guardian_consent_on": days(8),
        },
        "monitoring": {
            "as_given": True,
            "monitor_name": "Independent NGO",
            "monitor_agency_id": r["monitor_agency"].id,
            "independent": True,
            "schedule_months": [1, 3, 6, 12, 18],
            "first_visit_on": today + timedelta(days=40),
        },
    }


# How far ``ready_case(stage=...)`` drives the case (the scenario builder's targets).
TARGET_OF_STAGE = {Stage.RETURN_PREPARATION: "ready", Stage.DECIDED: "decided"}


def ready_case(
    factory,
    *,
    today: date | None = None,
    care_status: CareStatus = CareStatus.UNACCOMPANIED,
    stage: Stage = Stage.RETURN_PREPARATION,
    breaks: tuple[str, ...] = (),
    agency=None,
) -> Ready:
    """A case at ``stage`` (return preparation, or decided for return with nothing prepared
    yet) with every safeguard met, unless broken; committed.
    ``agency``: the lead agency (default a new one), e.g. to give two cases one supervisor."""
    today = today or clock.today()
    agency = agency or factory.agency(country="MD")
    caseworker = factory.user(Role.CASEWORKER, agency=agency)
    supervisor = factory.user(Role.SUPERVISOR, agency=agency)
    approver = factory.user(Role.SUPERVISOR, agency=agency)
    case = factory.case(
        agency=agency,
        caseworker=caseworker,
        country_of_origin="UA",
        care_status=care_status,
        identity_verification=IdentityVerification.CONFIRMED_WITH_CONSULATE,
        parents_identity_verified=True,
        legal_status="irregular stay",
    )
    # The register entries the records point to (DESIGN.md section 4.1, item 1).
    r: dict = {
        "ngo": factory.agency(country="MD", kind=AgencyKind.NGO, name="Guardianship NGO"),
        "central_agency": factory.agency(
            country="MD", kind=AgencyKind.CENTRAL_AUTHORITY, name="Central Authority"
        ),
        "counterpart": factory.agency(
            country="UA", kind=AgencyKind.COUNTERPART_ABROAD, name="Child protection service, Odesa"
        ),
        "monitor_agency": factory.agency(country="UA", kind=AgencyKind.NGO, name="Independent NGO"),
        "escort": factory.agency(country="MD", name="Regional child protection (escorts)"),
    }
    r["mother"] = add_family_member(
        caseworker,
        case,
        expected_version=case.version,
        name="Parent",
        relation=Relation.MOTHER,
        country="UA",
        tracing_status=TracingStatus.TRACED,
        legal_custodian=True,
    )
    story = Scenario(
        case,
        caseworker=caseworker,
        supervisor=supervisor,
        register=Register(
            guardian_org=r["ngo"],
            central_authority=r["central_agency"],
            counterpart=r["counterpart"],
            escort=r["escort"],
            monitor=r["monitor_agency"],
        ),
        today=today,
        destination="UA",
        counterpart="Child protection service, Odesa",
        care=False,
        request_home_study=False,
        texts=texts(today, r),
        r=r,
    )
    story.run(TARGET_OF_STAGE[stage])
    del r["escort"]
    db.session.commit()
    ready = Ready(case, agency, caseworker, supervisor, approver, today, r, story)
    for sid in breaks:
        break_safeguard(ready, sid)
    mark_built(case.id)
    return ready


def attach_document(case, obj, user, name=SIGNED):
    """A signed document attached to the record ``obj``, through the upload's operation."""
    return attach(user, case, obj, name)


def _v(ready) -> int:
    db.session.flush()
    return ready.case.version


def _s1(ready):
    update_child(
        ready.caseworker,
        ready.case,
        expected_version=_v(ready),
        identity_verification=IdentityVerification.NOT_VERIFIED,
    )


def _s2(ready):
    # No operation changes an agency's kind (the register is created, not edited, here).
    ready.agency.kind = AgencyKind.LAW_ENFORCEMENT


def _s3(ready):
    """The guardian replaced by one of the lead agency's own staff, ticked independent."""
    ready.r["guardian"] = assessment.appoint_guardian(
        ready.caseworker,
        ready.case,
        guardian_name="Guardian",
        appointing_authority="Guardianship authority",
        appointed_on=ready.today,
        declared_independent=True,
        organisation_id=ready.agency.id,
        expected_version=_v(ready),
    )


def _s4(ready):
    assessment.end_legal_representative(
        ready.caseworker, ready.r["lawyer"], ended_on=ready.today, expected_version=_v(ready)
    )


def _s5(ready):
    """A later hearing, in a language the child does not understand."""
    ready.r["hearing"] = ready.scenario.hear(
        held_on=ready.r["hearing"].held_on + timedelta(days=1), child_understands_language=False
    )


def _s6(ready):
    """The mother's latest assessment finds her unsuitable; the latest home study too."""
    story = ready.scenario
    ready.r["family_assessment"] = story.assess_family(
        ready.r["mother"],
        assessed_on=ready.r["family_assessment"].assessed_on + timedelta(days=1),
        outcome=FamilyAssessmentOutcome.NOT_SUITABLE,
    )
    ready.r["home_study"] = story.home_study(
        received_on=ready.r["home_study"].received_on + timedelta(days=1), favourable=False
    )


def _s7(ready):
    prep.withdraw_guarantee(
        ready.caseworker,
        ready.r["guarantee"],
        withdrawn_on=ready.today,
        expected_version=_v(ready),
    )


def _s8(ready):
    # A completed BIA is never edited: no operation records an armed conflict on it.
    ready.r["bia"].armed_conflict = True


def _s9(ready):
    # An approved BID's options are fixed: no operation removes one.
    ready.r["bid"].options.pop()


def _s10(ready):
    # No operation takes the approval back while the case stays in return preparation.
    bid = ready.r["bid"]
    bid.status = BidStatus.SUBMITTED
    bid.approved_by_id = None
    bid.approved_at = None


def _s11(ready):
    # A legacy record with a blank reference: the operation refuses one.
    ready.r["central"].reference = " "


def _s12(ready):
    # A legacy message without its register link: the operation keeps the agency chosen.
    ready.r["readiness"].agency_id = None


def _s13(ready):
    ready.scenario.reintegration_plan(
        resources_confirmed=False, resources_confirmed_by=None, resources_confirmed_on=None
    )


def _s14(ready):
    ready.scenario.travel_plan(escort_kind=EscortKind.LAW_ENFORCEMENT)


def _s15(ready):
    ready.scenario.consent(child_consents=False)


def _s16(ready):
    ready.r["appeal"] = decision.lodge_appeal(
        ready.caseworker,
        ready.case,
        lodged_on=ready.today - timedelta(days=3),
        lodged_by="Guardian",
        body="Court",
        expected_version=_v(ready),
    )


def _s17(ready):
    ready.scenario.monitoring_plan(monitor_agency_id=ready.agency.id)


def _s18(ready):
    from caseapp.gate.operations import add_suspension
    from tests.support.factories import Factory

    add_suspension(
        Factory().user(Role.ADMIN), country="UA", reason="Crisis", suspended_from=ready.today
    )


def _s19(ready):
    """A sibling's case linked in a family, not decided for return, and no reason recorded
    in either determination (S19, family unity)."""
    from caseapp.cases.operations import open_case
    from caseapp.families import operations as families

    cw = ready.caseworker
    sibling = open_case(
        cw, agency=ready.agency, given_name="Ana", family_name="Ivanova", country_of_origin="UA"
    )
    db.session.flush()
    families.create_family(cw, ready.case, expected_version=_v(ready))
    families.link_sibling(cw, ready.case, case_number=sibling.number, expected_version=_v(ready))
    ready.r["sibling"] = sibling


BREAKS = {f"S{i}": globals()[f"_s{i}"] for i in range(1, 20)}


def break_safeguard(ready: Ready, sid: str) -> None:
    """Break exactly safeguard ``sid`` on ``ready`` and commit."""
    BREAKS[sid](ready)
    db.session.commit()
    mark_built(ready.case.id)


def execute_return(ready: Ready, day=None):
    """Record ``ready``'s return as carried out on ``day`` (default today), through the
    operation that re-evaluates the gate at the handover."""
    from caseapp.monitoring import operations as monitoring

    day = day or clock.today()
    return monitoring.record_return_execution(
        ready.caseworker,
        ready.case,
        travelled_on=day,
        received_on=day,
        received_by="Odesa child protection",
        expected_version=ready.case.version,
    )


def record_non_voluntary(
    ready: Ready,
    *,
    guardian_consents: bool = True,
    justification: str = "Every alternative examined; return is in the best interests.",
):
    """The caseworker records ``ready``'s consent again as a non-voluntary return of last
    resort, with its justification (S15 then waits for a second supervisor's approval;
    002, fn 12 (v); PICUM); committed. Returns the consent record."""
    from caseapp.cases.versioning import single_version

    prep.record_consent(
        ready.caseworker,
        ready.case,
        child_consents=False,
        child_consent_on=None,
        child_consent_how=None,
        guardian_consents=guardian_consents,
        guardian_consent_on=clock.today() if guardian_consents else None,
        non_voluntary=True,
        last_resort_justification=justification,
        expected_version=single_version(ready.case, Consent),
    )
    db.session.commit()
    return db.session.scalar(db.select(Consent).where(Consent.case_id == ready.case.id))
