"""Return preparation for a demo case (``Story.prepare``): coordination, the counterpart's
home study and confirmation of readiness, the guarantee of care, the Central Authority's
approval, the reintegration, travel and monitoring plans and the consent — each through its
operation in ``caseapp.crossborder.operations`` (002, Rec 2; Rec 6; Moldova practice).

``blocks`` leaves exactly one safeguard unmet, the way it happens in practice:
S7 no written guarantee yet; S14 a law-enforcement escort planned (002, fn 12 (v));
S15 the child has not consented; S16 an appeal pending (002, Rec 1); S18 returns to the
destination suspended (the suspension itself is added by ``add_demo_suspension``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.assessment import operations as assessment
from caseapp.assessment.models import GuardianAppointment, LegalRepresentative, PlacementType
from caseapp.core.extensions import db
from caseapp.crossborder import operations as prep
from caseapp.crossborder.models import (
    Consent,
    Coordination,
    EscortKind,
    GuarantorKind,
    LegalBasis,
    MessageDirection,
    MessageKind,
    MonitoringPlan,
    ReceivingKind,
    ReintegrationPlan,
    TravelPlan,
)
from caseapp.decision import operations as decision
from caseapp.participants.models import RequestKind
from caseapp.participants.operations import send_request

# A minimal valid PDF: the demo's "signed document" (the gate wants the document attached).
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def attach(story, obj, name: str) -> None:
    """Attach the demo's signed document to ``obj`` (S7, S11, S12 need the document)."""
    from caseapp.documents.operations import store_document
    from caseapp.documents.views import max_bytes, upload_folder

    store_document(
        story.cw,
        story.case,
        filename=name,
        data=DEMO_PDF,
        folder=upload_folder(),
        max_bytes=max_bytes(),
        record_type=obj.__tablename__,
        record_id=obj.id,
    )


def _receiving(story, counterpart: str, counterpart_id: int | None) -> dict:
    """Who receives the child: the counterpart's caseworker, or -- ``handover: parent`` -- the
    parent traced and assessed in S6, at home (002, fn 12 (v): never law enforcement)."""
    if story.spec.get("handover") == "parent":
        from caseapp.children.models import FamilyMember

        parent = db.session.scalars(
            db.select(FamilyMember)
            .where(FamilyMember.case_id == story.case.id)
            .order_by(FamilyMember.id)
        ).first()
        if parent is None:
            raise RuntimeError(f"{story.case.number}: the parent is traced in S6 before handover")
        return {
            "receiving_official": parent.name,
            "receiving_is_child_protection": False,
            "receiving_kind": ReceivingKind.FAMILY_MEMBER,
            "receiving_family_member_id": parent.id,
            "handover_place": "The family home, with the counterpart's caseworker present",
        }
    return {
        "receiving_official": f"Caseworker of {counterpart}",
        "receiving_is_child_protection": True,
        "receiving_kind": ReceivingKind.CHILD_PROTECTION,
        "receiving_agency_id": counterpart_id,
        "handover_place": f"Office of {counterpart}",
    }


def prepare_return(story, *, blocks: str | None = None) -> None:
    """Record everything S6-S17 need on ``story.case`` (in return preparation)."""
    cw, case, a, d = story.cw, story.case, story.a, story.d
    counterpart = story.counterpart
    counterpart_id = story.counterpart_agency.id if story.counterpart_agency else None
    prep.save_coordination(
        cw,
        case,
        expected_version=prep.single_version(case, Coordination),
        destination_country=story.country,
        counterpart_name=counterpart,
        counterpart_agency_id=counterpart_id,
        legal_basis=LegalBasis.BILATERAL_AGREEMENT,
        consulate_contact=story.consulate,
        legal_basis_reference="Bilateral agreement on child protection (demo reference)",
    )
    prep.log_message(
        cw,
        case,
        expected_version=case.version,
        direction=MessageDirection.SENT,
        kind=MessageKind.REQUEST,
        counterpart=counterpart,
        counterpart_is_child_protection=True,
        agency_id=counterpart_id,
        subject="Request for a home study and a guarantee of care",
        on_date=d(4),
    )
    prep.record_home_study(
        cw,
        case,
        expected_version=case.version,
        received_on=d(20),
        conducted_by=counterpart,
        agency_id=counterpart_id,
        favourable=True,
        summary="Home visited; the family is ready; school and doctor arranged nearby.",
    )
    if blocks != "S7":
        guarantee = prep.record_guarantee(
            cw,
            case,
            expected_version=case.version,
            guarantor_kind=GuarantorKind.FAMILY,
            guarantor_name="The parent assessed (see the family assessment)",
            given_on=d(26),
            written=True,
            document_reference=f"DEMO-G-{case.id:04d}",
        )
        attach(story, guarantee, "guarantee-of-care.pdf")
    _participants(story, blocks)
    ca = story.agencies["MD-CA"]
    officer = story.participant("ca_md")
    _request(story, officer, RequestKind.APPROVE, "Please approve the return.", a(-14), a(-7))
    if blocks == "S11" or officer is None:
        # The caseworker records the Authority's paper approval; policy version 2 wants the
        # Authority's own (issue 10, item 4): its approval is requested, still open.
        approval = prep.record_central_approval(
            cw,
            case,
            expected_version=case.version,
            authority_name=ca.name,
            authority_agency_id=ca.id,
            reference=f"DEMO-CA-{case.id:04d}",
            approved_on=a(-10),
        )
        attach(story, approval, "central-authority-approval.pdf")
    else:
        # The Central Authority's officer approves in caseapp (S11 "confirmed by the Central
        # Authority"), answering the request.
        prep.record_central_approval(
            officer,
            case,
            expected_version=case.version,
            reference=f"DEMO-CA-{case.id:04d}",
            approved_on=a(-10),
        )
    readiness = prep.log_message(
        cw,
        case,
        expected_version=case.version,
        direction=MessageDirection.RECEIVED,
        kind=MessageKind.CONFIRMATION_OF_READINESS,
        counterpart=counterpart,
        counterpart_is_child_protection=True,
        agency_id=counterpart_id,
        subject="Ready to receive the child; caseworker assigned",
        on_date=a(-20),
    )
    attach(story, readiness, "confirmation-of-readiness.pdf")
    prep.save_reintegration_plan(
        cw,
        case,
        expected_version=prep.single_version(case, ReintegrationPlan),
        education="Place in the local school from the next term; catch-up lessons.",
        health="Registered with the family doctor.",
        psychosocial="Weekly sessions with a psychologist for three months.",
        family_support="Monthly family allowance and a social worker's visits.",
        education_agency_id=counterpart_id,
        health_agency_id=counterpart_id,
        psychosocial_agency_id=counterpart_id,
        family_support_agency_id=counterpart_id,
        responsible_agency=counterpart,
        responsible_agency_id=counterpart_id,
        resources_confirmed=True,
        resources_confirmed_by=counterpart,
        resources_confirmed_by_agency_id=counterpart_id,
        resources_confirmed_on=a(-12),
        starts_on=a(10),
    )
    law_enforcement = blocks == "S14"
    prep.save_travel_plan(
        cw,
        case,
        expected_version=prep.single_version(case, TravelPlan),
        travel_on=a(10) if story.spec["scenario"] != "ready" else a(14),
        route="By air from Chișinău with the escort; met at arrivals by the counterpart.",
        escort_name="Border Police escort unit (demo)"
        if law_enforcement
        else "Child-protection specialist of the lead agency (demo)",
        escort_kind=EscortKind.LAW_ENFORCEMENT if law_enforcement else EscortKind.CHILD_PROTECTION,
        escort_agency_id=story.agencies["MD-BP"].id if law_enforcement else case.lead_agency_id,
        **_receiving(story, counterpart, counterpart_id),
        handover_at_border=False,
        arrival_placement_type=PlacementType.FAMILY_COMMUNITY,
        arrival_placement_name="At home with the parent assessed",
        arrival_can_leave_at_will=True,
    )
    child_consents = blocks != "S15"
    prep.record_consent(
        cw,
        case,
        expected_version=prep.single_version(case, Consent),
        child_consents=child_consents,
        child_consent_on=a(-8) if child_consents else None,
        child_consent_how="Private interview with the guardian and an interpreter"
        if child_consents
        else None,
        guardian_consents=True,
        guardian_consent_on=a(-8),
    )
    prep.save_monitoring_plan(
        cw,
        case,
        expected_version=prep.single_version(case, MonitoringPlan),
        monitor_name=f"Independent child-rights NGO, country {story.country} (demo)",
        monitor_agency_id=story.agencies["MON-NGO"].id,
        independent=True,
        first_visit_on=a(10) + timedelta(days=30),
    )
    assign_monitor(story)
    monitor = story.participant("monitor_md")
    if (
        blocks != "S17" and monitor is not None
    ):  # the monitor accepts the plan (S17 "accepted by the monitor")
        plan = db.session.scalar(select(MonitoringPlan).where(MonitoringPlan.case_id == case.id))
        if plan is None:
            raise RuntimeError(f"{case.number}: the monitoring plan is recorded before S17")
        prep.accept_monitoring_plan(monitor, plan, accepted_on=a(-9), expected_version=case.version)
    guardian = story.participant("guardian_md")
    if guardian is not None and story.spec["scenario"] == "ready":
        prep.give_guardian_consent(
            guardian, case, consent_on=a(-7), expected_version=prep.single_version(case, Consent)
        )
    if blocks == "S16":
        # The child's lawyer appeals for themselves (issue 10).
        lawyer = story.participant("lawyer_md")
        decision.lodge_appeal(
            lawyer or cw,
            case,
            lodged_on=d(20),
            lodged_by=lawyer.name if lawyer else "The child's guardian",
            body="District court (demo)",
            grounds="The child asks to be heard again by the court before the return.",
            expected_version=story.v,
        )


def _participants(story, blocks: str | None) -> None:
    """The demo's participants on an MD case in return preparation (issue 10): the Central
    Authority officer (the request to the Authority), the monitor (the monitoring plan is
    saved later: assigned then), the guardian and the lawyer on their appointments. The
    guardian declares their independence for themselves."""
    if story.case.lead_agency_id != story.agencies["MD-CPD"].id:
        return
    story.assign("ca_md")
    if blocks != "S3":  # S3's guardian is the lead agency's own staff: no account here
        guardian = db.session.scalar(
            select(GuardianAppointment).where(
                GuardianAppointment.case_id == story.case.id,
                GuardianAppointment.ended_on.is_(None),
            )
        )
        story.assign("guardian_md", guardian_appointment=guardian)
        assessment.declare_guardian_independence(
            story.users["guardian_md"],
            story.case,
            statement="I am employed by the Independent Guardianship Network, not by any "
            "authority deciding on the child.",
            expected_version=story.v,
        )
    lawyer = db.session.scalar(
        select(LegalRepresentative).where(
            LegalRepresentative.case_id == story.case.id, LegalRepresentative.ended_on.is_(None)
        )
    )
    story.assign("lawyer_md", legal_representative=lawyer)


def _request(story, user, kind, details: str, sent_on, due_on) -> None:
    """The caseworker's request to an assigned participant (answered by their act)."""
    if user is None:
        return
    send_request(
        story.cw,
        story.case,
        assignment=story.case.assignment_of(user),
        kind=kind,
        details=details,
        due_on=due_on,
        today=sent_on,
        expected_version=story.v,
    )


def assign_monitor(story) -> None:
    """The monitor is assigned to the monitoring plan once it is saved."""
    if story.case.lead_agency_id == story.agencies["MD-CPD"].id:
        story.assign("monitor_md")
