"""Test data for the return gate: a case in return preparation with every record S1-S18 need.

The assessment/determination/decision operations live on other branches, so the records are
created here as model rows. ``break_safeguard(ready, "S7")`` then breaks exactly one safeguard.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from caseapp.agencies.models import AgencyKind
from caseapp.assessment.hearings import note_hearing
from caseapp.assessment.models import (
    BestInterestsAssessment,
    FamilyAssessment,
    FamilyAssessmentOutcome,
    GuardianAppointment,
    Hearing,
    LegalRepresentative,
    PlacementType,
    RiskLevel,
    Weight,
)
from caseapp.cases.models import Outcome, Stage
from caseapp.children.models import (
    CareStatus,
    FamilyMember,
    IdentityVerification,
    Relation,
    TracingStatus,
)
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import (
    CareGuarantee,
    CentralAuthorityApproval,
    Consent,
    Coordination,
    CoordinationMessage,
    EscortKind,
    GuarantorKind,
    HomeStudy,
    LegalBasis,
    MessageDirection,
    MessageKind,
    MonitoringPlan,
    ReceivingKind,
    ReintegrationPlan,
    TravelPlan,
    Withdrawal,
    WithdrawalKind,
)
from caseapp.decision.models import Appeal, AppealStatus, DecisionNotice
from caseapp.determination.models import (
    BestInterestsDetermination,
    BidOption,
    BidStatus,
    PanelMember,
    PanelRole,
)
from caseapp.documents.models import Document
from caseapp.gate.models import ReturnSuspension

SAFEGUARD_IDS = [f"S{i}" for i in range(1, 20)]


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


def ready_case(
    factory,
    *,
    today: date | None = None,
    care_status: CareStatus = CareStatus.UNACCOMPANIED,
    stage: Stage = Stage.RETURN_PREPARATION,
    breaks: tuple[str, ...] = (),
    agency=None,
) -> Ready:
    """A case at ``stage`` (outcome return) with every safeguard met, unless broken.
    ``agency``: the lead agency (default a new one), e.g. to give two cases one supervisor."""
    today = today or date.today()
    agency = agency or factory.agency(country="MD")
    caseworker = factory.user(Role.CASEWORKER, agency=agency)
    supervisor = factory.user(Role.SUPERVISOR, agency=agency)
    approver = factory.user(Role.SUPERVISOR, agency=agency)
    case = factory.case(agency=agency, caseworker=caseworker, country_of_origin="UA")
    # The register entries the records point to (DESIGN.md section 4.1, item 1).
    ngo = factory.agency(country="MD", kind=AgencyKind.NGO, name="Guardianship NGO")
    central = factory.agency(
        country="MD", kind=AgencyKind.CENTRAL_AUTHORITY, name="Central Authority"
    )
    counterpart = factory.agency(
        country="UA", kind=AgencyKind.COUNTERPART_ABROAD, name="Child protection service, Odesa"
    )
    monitor = factory.agency(country="UA", kind=AgencyKind.NGO, name="Independent NGO")
    escort = factory.agency(country="MD", name="Regional child protection (escorts)")
    child = case.child
    child.care_status = care_status
    child.identity_verification = IdentityVerification.CONFIRMED_WITH_CONSULATE
    child.parents_identity_verified = True
    child.legal_status = "irregular stay"
    case.stage = stage
    case.outcome = Outcome.RETURN
    opened = min(utcnow(), datetime.combine(today, time(9), UTC)) - timedelta(days=60)
    r: dict = {}
    add = r.__setitem__
    mother = FamilyMember(
        case=case,
        name="Parent",
        relation=Relation.MOTHER,
        country="UA",
        tracing_status=TracingStatus.TRACED,
        legal_custodian=True,
    )
    add("mother", mother)
    db.session.add(mother)
    db.session.flush()
    add(
        "guardian",
        GuardianAppointment(
            case=case,
            guardian_name="Guardian",
            appointing_authority="Guardianship authority",
            appointed_on=today - timedelta(days=100),
            declared_independent=True,
            organisation_id=ngo.id,
        ),
    )
    add(
        "lawyer",
        LegalRepresentative(
            case=case, name="Lawyer", organisation="Legal aid", assigned_on=today - timedelta(99)
        ),
    )
    add(
        "hearing",
        Hearing(
            case=case,
            held_on=today - timedelta(days=30),
            heard_by_id=caseworker.id,
            language="uk",
            child_understands_language=True,
            child_friendly_information_given=True,
            options_discussed=True,
            views_summary="Wants to go home to mother.",
            weight=Weight.SIGNIFICANT,
            weight_reasons="Age 14, mature.",
        ),
    )
    add(
        "family_assessment",
        FamilyAssessment(
            case=case,
            family_member_id=mother.id,
            assessed_on=today - timedelta(days=50),
            assessed_by="Social worker",
            outcome=FamilyAssessmentOutcome.SUITABLE,
            summary="Able and willing.",
        ),
    )
    add(
        "home_study",
        HomeStudy(
            case=case,
            received_on=today - timedelta(days=40),
            conducted_by="Counterpart",
            favourable=True,
            summary="Good home.",
        ),
    )
    add(
        "bia",
        BestInterestsAssessment(
            case=case,
            author_id=caseworker.id,
            return_country="UA",
            views="Wants to go home.",
            identity="Ukrainian, Russian-speaking.",
            family_environment="Mother traced.",
            care_and_safety="Mother able to care.",
            vulnerability="None beyond age.",
            health="Healthy.",
            education="Grade 8.",
            non_refoulement_risk=RiskLevel.LOW,
            armed_conflict=False,
            violence_risk=RiskLevel.LOW,
            trafficking_risk=RiskLevel.LOW,
            family_capacity="Able and willing.",
            human_rights_impact="No adverse impact identified.",
            return_safe=True,
            completed_at=opened,
        ),
    )
    bid = BestInterestsDetermination(
        case=case,
        author_id=caseworker.id,
        status=BidStatus.APPROVED,
        opened_at=opened,
        recommended=Outcome.RETURN,
        reasons="Family ready, safe.",
        submitted_at=opened,
        approved_by_id=supervisor.id,
        approved_at=opened + timedelta(days=5),
    )
    bid.panel = [
        PanelMember(name="Chair", role=PanelRole.CHAIR, child_protection=True),
        PanelMember(name="Guardian", role=PanelRole.GUARDIAN),
    ]
    bid.options = [BidOption(option=o, assessment=f"Considered {o.value}.") for o in Outcome]
    add("bid", bid)
    add(
        "notice",
        DecisionNotice(
            case=case,
            outcome=Outcome.RETURN,
            decided_on=today - timedelta(days=25),
            decided_by_id=supervisor.id,
            child_notified_on=today - timedelta(days=24),
            notice_language="uk",
            child_understands_language=True,
            guardian_notified_on=today - timedelta(days=24),
            appeal_deadline=today - timedelta(days=1),
        ),
    )
    add(
        "coordination",
        Coordination(
            case=case,
            destination_country="UA",
            counterpart_name="Child protection service, Odesa",
            counterpart_agency_id=counterpart.id,
            legal_basis=LegalBasis.BILATERAL_AGREEMENT,
        ),
    )
    add(
        "readiness",
        CoordinationMessage(
            case=case,
            direction=MessageDirection.RECEIVED,
            kind=MessageKind.CONFIRMATION_OF_READINESS,
            counterpart="Child protection service, Odesa",
            counterpart_is_child_protection=True,
            agency_id=counterpart.id,
            subject="Ready to receive",
            on_date=today - timedelta(days=10),
        ),
    )
    add(
        "guarantee",
        CareGuarantee(
            case=case,
            guarantor_kind=GuarantorKind.FAMILY,
            guarantor_name="Mother",
            given_on=today - timedelta(days=20),
            written=True,
            document_reference="G-1",
        ),
    )
    add(
        "central",
        CentralAuthorityApproval(
            case=case,
            authority_name="Central Authority",
            authority_agency_id=central.id,
            reference="CA-42",
            approved_on=today,
        ),
    )
    add(
        "reintegration",
        ReintegrationPlan(
            case=case,
            education="School no. 5",
            education_agency_id=counterpart.id,
            health="Family doctor",
            health_agency_id=counterpart.id,
            psychosocial_not_needed="Assessed: no need.",
            family_support="Parenting support",
            family_support_agency_id=counterpart.id,
            responsible_agency="Odesa child protection",
            responsible_agency_id=counterpart.id,
            resources_confirmed=True,
            resources_confirmed_by="Odesa child protection",
            resources_confirmed_by_agency_id=counterpart.id,
            resources_confirmed_on=today - timedelta(days=5),
        ),
    )
    add(
        "travel",
        TravelPlan(
            case=case,
            travel_on=today + timedelta(days=10),
            route="Chisinau - Odesa by road",
            escort_name="Official",
            escort_kind=EscortKind.CHILD_PROTECTION,
            escort_agency_id=escort.id,
            receiving_official="Receiving officer",
            receiving_is_child_protection=True,
            receiving_kind=ReceivingKind.CHILD_PROTECTION,
            receiving_agency_id=counterpart.id,
            handover_place="Odesa child protection office",
            arrival_placement_type=PlacementType.FAMILY_COMMUNITY,
            arrival_can_leave_at_will=True,
        ),
    )
    add(
        "consent",
        Consent(
            case=case,
            child_consents=True,
            child_consent_on=today - timedelta(days=8),
            child_consent_how="Interview with interpreter",
            guardian_consents=True,
            guardian_consent_on=today - timedelta(days=8),
            recorded_by_id=caseworker.id,
        ),
    )
    add(
        "monitoring",
        MonitoringPlan(
            case=case,
            monitor_name="Independent NGO",
            monitor_agency_id=monitor.id,
            independent=True,
            schedule_months=[1, 3, 6, 12, 18],
            first_visit_on=today + timedelta(days=40),
        ),
    )
    db.session.add_all(r.values())
    # As ``record_hearing`` does: the case keeps the day of its latest hearing (due list).
    note_hearing(case, r["hearing"].held_on)
    db.session.flush()
    for key in ("guarantee", "central", "readiness"):
        attach_document(case, r[key], caseworker)
    r.update(ngo=ngo, central_agency=central, counterpart=counterpart, monitor_agency=monitor)
    db.session.commit()
    ready = Ready(case, agency, caseworker, supervisor, approver, today, r)
    for sid in breaks:
        break_safeguard(ready, sid)
    return ready


def attach_document(case, obj, user, name="signed.pdf"):
    """A document attached to the record ``obj`` (metadata row, as the upload stores it)."""
    doc = Document(
        case_id=case.id,
        storage_name=secrets.token_hex(32),
        original_filename=name,
        content_type="application/pdf",
        size_bytes=10,
        sha256="0" * 64,
        uploaded_by_id=user.id,
        record_type=obj.__tablename__,
        record_id=obj.id,
    )
    db.session.add(doc)
    return doc


def _s6(ready):
    ready.r["family_assessment"].outcome = FamilyAssessmentOutcome.NOT_SUITABLE
    ready.r["home_study"].favourable = False


def _s10(ready):
    bid = ready.r["bid"]
    bid.status = BidStatus.SUBMITTED
    bid.approved_by_id = None
    bid.approved_at = None


def _s13(ready):
    plan = ready.r["reintegration"]
    plan.resources_confirmed = False
    plan.resources_confirmed_by = None
    plan.resources_confirmed_on = None


def _s16(ready):
    db.session.add(
        Appeal(
            case=ready.case,
            lodged_on=ready.today - timedelta(days=3),
            lodged_by="Guardian",
            body="Court",
            status=AppealStatus.PENDING,
        )
    )


def _s18(ready):
    db.session.add(ReturnSuspension(country="UA", reason="Crisis", suspended_from=ready.today))


def _set(key, attr, value):
    def apply(ready):
        setattr(ready.r[key] if key else ready.case.child, attr, value)

    return apply


def _s19(ready):
    """A sibling's case linked in a family, not decided for return, and no reason recorded
    in either determination (S19, family unity)."""
    from caseapp.cases.models import Case
    from caseapp.families.models import Family

    family = Family(lead_agency_id=ready.agency.id, created_by_id=ready.caseworker.id)
    db.session.add(family)
    db.session.flush()
    sibling = Case(
        number=f"{ready.case.number}-S",
        lead_agency_id=ready.agency.id,
        caseworker_id=ready.caseworker.id,
        stage=Stage.REGISTERED,
        family_id=family.id,
    )
    db.session.add(sibling)
    ready.case.family_id = family.id
    ready.r["sibling"] = sibling


BREAKS = {
    "S1": _set(None, "identity_verification", IdentityVerification.NOT_VERIFIED),
    "S2": lambda ready: setattr(ready.agency, "kind", AgencyKind.LAW_ENFORCEMENT),
    "S3": lambda ready: setattr(ready.r["guardian"], "organisation_id", ready.agency.id),
    "S4": lambda ready: setattr(ready.r["lawyer"], "ended_on", ready.today),
    "S5": _set("hearing", "child_understands_language", False),
    "S6": _s6,
    "S7": lambda ready: db.session.add(
        Withdrawal(
            case=ready.case,
            kind=WithdrawalKind.GUARANTEE,
            on_date=ready.today,
            guarantee_id=ready.r["guarantee"].id,
        )
    ),
    "S8": _set("bia", "armed_conflict", True),
    "S9": lambda ready: ready.r["bid"].options.pop(),
    "S10": _s10,
    "S11": _set("central", "reference", " "),
    "S12": _set("readiness", "agency_id", None),
    "S13": _s13,
    "S14": _set("travel", "escort_kind", EscortKind.LAW_ENFORCEMENT),
    "S15": _set("consent", "child_consents", False),
    "S16": _s16,
    "S17": lambda ready: setattr(ready.r["monitoring"], "monitor_agency_id", ready.agency.id),
    "S18": _s18,
    "S19": _s19,
}


def break_safeguard(ready: Ready, sid: str) -> None:
    """Break exactly safeguard ``sid`` on ``ready`` and commit."""
    BREAKS[sid](ready)
    db.session.commit()
