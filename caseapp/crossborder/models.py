"""Records of the return-preparation stage."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord, PlacementType, deprives_of_liberty
from caseapp.cases.models import Case
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import second_pair_of_eyes


class Provenance(LabelledEnum):
    """Who puts a fact on the record (DESIGN.md section 1: "What they confirm carries their name
    as provenance on the gate"; issue 10, item 4): the caseworker of the lead agency recording
    a paper document, the party itself acting on its own account (a participant: the Central
    Authority officer, the monitor), or a document signed by a partner instance
    (``caseapp.exchange``). Set by the operations from who acts, never from a form."""

    RECORDED_BY_LEAD_AGENCY = "recorded_by_lead_agency", _l("recorded by the lead agency")
    CONFIRMED_BY_PARTICIPANT = "confirmed_by_participant", _l("confirmed by the participant")
    SIGNED_BY_PARTNER = "signed_by_partner", _l("signed by the partner authority")

    @classmethod
    def of(cls, actor, case: Case) -> Provenance:
        """The provenance of what ``actor`` records on ``case``: the lead agency's own staff
        record (from a paper document); anyone else who may act on the case is the party
        confirming for itself (issue 10, item 4)."""
        if actor.agency_id is not None and actor.agency_id == case.lead_agency_id:
            return cls.RECORDED_BY_LEAD_AGENCY
        return cls.CONFIRMED_BY_PARTICIPANT


def provenance_column():
    """The provenance of a record (default: recorded by the lead agency)."""
    return mapped_column(
        str_enum(Provenance, "provenance"), default=Provenance.RECORDED_BY_LEAD_AGENCY
    )


class LegalBasis(LabelledEnum):
    """The legal basis of the cross-border cooperation. The 2002 Chisinau Agreement may be
    recorded but is flagged as outdated (002, Meeting conclusions)."""

    BILATERAL_AGREEMENT = "bilateral_agreement", _l("Bilateral agreement")
    CHISINAU_2002 = "chisinau_2002", _l("Chisinau Agreement 2002 (outdated)")
    HAGUE_1996 = "hague_1996", _l("Hague Convention 1996")
    NATIONAL_LAW = "national_law", _l("National law")
    OTHER = "other", _l("Other")


class Coordination(CaseRecord, db.Model):
    """Who the case is coordinated with abroad, and on what basis (002, Rec 2; Rec 6)."""

    __tablename__ = "coordination"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    destination_country: Mapped[str] = mapped_column(String(2))
    counterpart_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    counterpart_name: Mapped[str] = mapped_column(String(200))
    consulate_contact: Mapped[str | None] = mapped_column(String(200))
    transit_countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_basis: Mapped[LegalBasis] = mapped_column(str_enum(LegalBasis, "legal_basis"))
    legal_basis_reference: Mapped[str | None] = mapped_column(String(200))

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    @property
    def legal_basis_outdated(self) -> bool:
        """The 2002 Chisinau Agreement is outdated (002, Meeting conclusions)."""
        return self.legal_basis is LegalBasis.CHISINAU_2002


class MessageDirection(LabelledEnum):
    SENT = "sent", _l("Sent")
    RECEIVED = "received", _l("Received")


class MessageKind(LabelledEnum):
    """Kinds of messages exchanged with the counterpart authority."""

    REQUEST = "request", _l("Request")
    INFORMATION = "information", _l("Information")
    HOME_STUDY = "home_study", _l("Home study")
    GUARANTEE = "guarantee", _l("Guarantee")
    CONFIRMATION_OF_READINESS = "confirmation_of_readiness", _l("Confirmation of readiness")
    OTHER = "other", _l("Other")


class CoordinationMessage(CaseRecord, db.Model):
    """One message in the log of messages sent and received."""

    __tablename__ = "coordination_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    direction: Mapped[MessageDirection] = mapped_column(
        str_enum(MessageDirection, "message_direction")
    )
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind, "message_kind"))
    counterpart: Mapped[str] = mapped_column(String(200))
    # Legacy declaration, no longer read by the gate: S12 derives the sender from ``agency_id``
    # (the counterpart named on the coordination record, chosen from the agency register).
    counterpart_is_child_protection: Mapped[bool] = mapped_column(Boolean, default=False)
    # The agency the message was sent to or received from (agency register).
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    provenance: Mapped[Provenance] = provenance_column()
    subject: Mapped[str] = mapped_column(String(300))
    on_date: Mapped[date] = mapped_column(Date)
    documents: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()


class HomeStudy(CaseRecord, db.Model):
    """The counterpart's home study / family assessment in the country of origin."""

    __tablename__ = "home_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    conducted_by: Mapped[str] = mapped_column(String(200))
    # The authority that conducted it (agency register); ``conducted_by`` names the person.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    favourable: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    provenance: Mapped[Provenance] = provenance_column()

    case: Mapped[Case] = relationship()


class GuarantorKind(LabelledEnum):
    FAMILY = "family", _l("Family")
    FOREIGN_AUTHORITY = "foreign_authority", _l("Foreign authority")


class CareGuarantee(CaseRecord, db.Model):
    """The written guarantee of care: "return ... only ... if the family or foreign
    authority guarantee to care for the child" (002, Moldova: Mihailas)."""

    __tablename__ = "care_guarantee"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    guarantor_kind: Mapped[GuarantorKind] = mapped_column(str_enum(GuarantorKind, "guarantor"))
    guarantor_name: Mapped[str] = mapped_column(String(200))
    given_on: Mapped[date] = mapped_column(Date)
    written: Mapped[bool] = mapped_column(Boolean, default=False)
    document_reference: Mapped[str | None] = mapped_column(String(200))
    # The foreign authority that guarantees (agency register), when the guarantor is one.
    guarantor_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    # Mirror of the latest ``Withdrawal`` of this guarantee, kept by ``withdraw_guarantee``
    # for the lists and alerts; the gate reads the withdrawal records themselves.
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    provenance: Mapped[Provenance] = provenance_column()

    case: Mapped[Case] = relationship()


class CentralAuthorityApproval(CaseRecord, db.Model):
    """The return "must be approved by the Central Authority" (002, Moldova: Mihailas)."""

    __tablename__ = "central_authority_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    # The Central Authority, chosen from the agency register (S11 needs kind
    # central_authority); ``authority_name`` is the legacy free text, kept visible.
    authority_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    authority_name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(120))
    # The day of the decision (approval or refusal).
    approved_on: Mapped[date] = mapped_column(Date)
    provenance: Mapped[Provenance] = provenance_column()
    # The Central Authority refused the return request (its latest word counts: S11 unmet).
    refused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The Central Authority officer who decided in caseapp (provenance: confirmed by the
    # participant); None when the caseworker recorded the authority's paper document.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()


class ReintegrationPlan(CaseRecord, db.Model):
    """Individual plan for sustainable reintegration, prepared and resourced (002, Rec 2)."""

    __tablename__ = "reintegration_plan"
    __table_args__ = (
        CheckConstraint(
            "NOT resources_confirmed OR (resources_confirmed_by IS NOT NULL"
            " AND resources_confirmed_on IS NOT NULL)",
            name="confirmed_has_who_and_when",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    education: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str | None] = mapped_column(Text)
    psychosocial: Mapped[str | None] = mapped_column(Text)
    family_support: Mapped[str | None] = mapped_column(Text)
    # Each component's responsible agency (register), or the reason it is not needed.
    education_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    education_not_needed: Mapped[str | None] = mapped_column(Text)
    health_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    health_not_needed: Mapped[str | None] = mapped_column(Text)
    psychosocial_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    psychosocial_not_needed: Mapped[str | None] = mapped_column(Text)
    family_support_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    family_support_not_needed: Mapped[str | None] = mapped_column(Text)
    # The plan's lead agency: legacy free text (kept visible) and the register entry.
    responsible_agency: Mapped[str] = mapped_column(String(200))
    responsible_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    resources_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    resources_confirmed_by: Mapped[str | None] = mapped_column(String(200))
    resources_confirmed_by_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    resources_confirmed_on: Mapped[date | None] = mapped_column(Date)
    starts_on: Mapped[date | None] = mapped_column(Date)
    provenance: Mapped[Provenance] = provenance_column()

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    def component(self, kind: ComponentKind) -> PlanComponent:
        """The plan's entry for ``kind``: what is planned, by which agency, or why not needed."""
        return PlanComponent(
            kind,
            getattr(self, kind.value),
            getattr(self, f"{kind.value}_agency_id"),
            getattr(self, f"{kind.value}_not_needed"),
        )


class ComponentKind(LabelledEnum):
    """The services a reintegration plan covers (DESIGN.md section 2; 002, Rec 2)."""

    EDUCATION = "education", _l("education")
    HEALTH = "health", _l("health")
    PSYCHOSOCIAL = "psychosocial", _l("psychosocial support")
    FAMILY_SUPPORT = "family_support", _l("family support")


@dataclass(frozen=True)
class PlanComponent:
    """One component of the plan: planned (what, and the agency responsible, from the
    register) or marked not needed with the reason (002, Rec 2: "prepared and resourced")."""

    kind: ComponentKind
    description: str | None
    agency_id: int | None
    not_needed_reason: str | None

    @property
    def not_needed(self) -> bool:
        """Marked not needed, with a reason."""
        return bool((self.not_needed_reason or "").strip())

    @property
    def planned(self) -> bool:
        """Described, with the responsible agency chosen from the register."""
        return bool((self.description or "").strip()) and self.agency_id is not None

    @property
    def complete(self) -> bool:
        """Planned, or not needed with a reason."""
        return self.planned or self.not_needed


class EscortKind(LabelledEnum):
    """Who escorts the child: child protection, never law enforcement (002, fn 12 (v))."""

    CHILD_PROTECTION = "child_protection", _l("Child-protection official")
    LAW_ENFORCEMENT = "law_enforcement", _l("Law enforcement")
    FAMILY = "family", _l("Family")
    OTHER = "other", _l("Other")


class ReceivingKind(LabelledEnum):
    """Who receives the child at the handover (002, fn 12 (v): never law enforcement)."""

    CHILD_PROTECTION = (
        "child_protection",
        _l("A child-protection official (choose the agency)"),
    )
    LEGAL_GUARDIAN = "legal_guardian", _l("The child's legal guardian (choose from the family)")
    FAMILY_MEMBER = "family_member", _l("A parent or relative assessed as suitable (choose)")
    LAW_ENFORCEMENT = "law_enforcement", _l("Law enforcement")
    OTHER = "other", _l("Someone else")


class TravelPlan(CaseRecord, db.Model):
    """Travel and handover plan. A law-enforcement escort or a handover at the border can be
    recorded as it is, and leaves S14 unmet (002, fn 12 (v); Ukraine practice, Kolbasa)."""

    __tablename__ = "travel_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    travel_on: Mapped[date] = mapped_column(Date)
    route: Mapped[str] = mapped_column(Text)
    escort_name: Mapped[str] = mapped_column(String(200))
    escort_kind: Mapped[EscortKind] = mapped_column(str_enum(EscortKind, "escort_kind"))
    receiving_official: Mapped[str] = mapped_column(String(200))
    # Legacy declaration, no longer read by the gate: S14 derives who receives the child
    # from ``receiving_kind`` and the agency or family member chosen.
    receiving_is_child_protection: Mapped[bool] = mapped_column(Boolean, default=False)
    escort_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    receiving_kind: Mapped[ReceivingKind | None] = mapped_column(
        str_enum(ReceivingKind, "receiving_kind")
    )
    receiving_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    receiving_family_member_id: Mapped[int | None] = mapped_column(ForeignKey("family_member.id"))
    handover_place: Mapped[str] = mapped_column(String(200))
    handover_at_border: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the child lives on arrival: recorded, and not custodial (002, fn 12 (i) and (v);
    # Kyrgyz practice: transit centres on return), by the one definition of deprivation of
    # liberty (``caseapp.assessment.models.deprives_of_liberty``).
    arrival_placement_type: Mapped[PlacementType | None] = mapped_column(
        str_enum(PlacementType, "arrival_placement_type")
    )
    arrival_placement_name: Mapped[str | None] = mapped_column(String(200))
    arrival_can_leave_at_will: Mapped[bool | None] = mapped_column(Boolean)
    arrival_run_by_law_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def says_police_escort_or_border_handover(self) -> bool:
        """The plan itself records an escort by law enforcement or a handover at the border,
        either of which leaves S14 unmet (002, fn 12 (v); Ukraine practice, Kolbasa). The
        pages' warning; S14 (``caseapp.gate.safeguards.preparation.s14_travel``) also reads
        the escort's agency from the register."""
        return self.escort_kind is EscortKind.LAW_ENFORCEMENT or bool(self.handover_at_border)

    @property
    def arrival_deprives_of_liberty(self) -> bool:
        """The placement on arrival is deprivation of liberty (the one definition)."""
        return deprives_of_liberty(
            self.arrival_placement_type,
            self.arrival_can_leave_at_will,
            self.arrival_run_by_law_enforcement,
        )

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()


class Consent(CaseRecord, db.Model):
    """The child's voluntary consent and the guardian's — or a non-voluntary return as a
    documented last resort approved by a second supervisor (002, fn 12 (v); PICUM)."""

    __tablename__ = "consent"
    __table_args__ = (
        # The dashboards' lists (issue 16): the queue's by record, the supervisor's home page
        # the longest waiting first (``recorded_at``), read in order and stopped early.
        Index("ix_consent_last_resort", "non_voluntary", "last_resort_approved_by_id", "id"),
        Index(
            "ix_consent_last_resort_since",
            "non_voluntary",
            "last_resort_approved_by_id",
            "recorded_at",
            "id",
        ),
        CheckConstraint(
            "NOT non_voluntary OR last_resort_justification IS NOT NULL",
            name="last_resort_documented",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    child_consents: Mapped[bool] = mapped_column(Boolean, default=False)
    child_consent_on: Mapped[date | None] = mapped_column(Date)
    child_consent_how: Mapped[str | None] = mapped_column(Text)
    guardian_consents: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_consent_on: Mapped[date | None] = mapped_column(Date)
    non_voluntary: Mapped[bool] = mapped_column(Boolean, default=False)
    last_resort_justification: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # When ``recorded_by_id`` last recorded it (``record_consent``): a last resort waits for
    # its second supervisor from then (the home page's "waiting since").
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_resort_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_resort_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    def own_work_in_last_resort(
        self, user, bid_writers: Collection[int], preparers: Collection[int]
    ) -> str | None:
        """Why approving this non-voluntary return as a last resort would be ``user``'s own
        work, or None: they recorded this consent, or approving the return would be
        (``Case.own_work_in_return``: the case's caseworker, a writer of a record that
        prepared the return -- ``preparers``, the gate's ``GateData.preparers`` -- or of the
        determination). A second supervisor approves a last resort (002, fn 12 (v); PICUM:
        "measure of last resort"; DESIGN.md section 1: "never their own work")."""
        if not second_pair_of_eyes(user, self.recorded_by_id):
            return gettext(
                "You recorded this consent: another supervisor must approve the last resort "
                "(four eyes)."
            )
        return self.case.own_work_in_return(user, bid_writers, preparers)

    def awaits_last_resort_approval(self, user) -> bool:
        """A non-voluntary return whose last resort is not approved yet, and ``user`` a
        supervisor who approves this case's returns (whether it is their own work is
        ``own_work_in_last_resort``)."""
        return (
            self.non_voluntary
            and self.last_resort_approved_by_id is None
            and self.case.may_approve_returns(user)
        )


class MonitoringPlan(CaseRecord, db.Model):
    """Independent post-return monitoring (002, Rec 2; Chișcă; Prof. Strik)."""

    __tablename__ = "monitoring_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    # The monitoring organisation, chosen from the agency register: S17 derives its
    # independence (not the lead agency, not law enforcement). ``monitor_name`` names the
    # person or is the legacy free text.
    monitor_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    monitor_name: Mapped[str] = mapped_column(String(200))
    # Legacy declaration, no longer read by the gate (independence is derived).
    independent: Mapped[bool] = mapped_column(Boolean, default=False)
    provenance: Mapped[Provenance] = provenance_column()
    schedule_months: Mapped[list[int]] = mapped_column(JSON, default=list)
    first_visit_on: Mapped[date | None] = mapped_column(Date)
    # The monitor's own acceptance of the plan (issue 10: "the monitor accepts the monitoring
    # plan"); cleared whenever the lead agency changes the plan.
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    accepted_on: Mapped[date | None] = mapped_column(Date)

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()


class WithdrawalKind(LabelledEnum):
    """What is withdrawn (DESIGN.md section 4.1, item 2: withdrawals are records of their own,
    possible until the handover)."""

    GUARANTEE = "guarantee", _l("guarantee withdrawn")
    CHILD_CONSENT = "child_consent", _l("The child withdraws consent")
    GUARDIAN_CONSENT = "guardian_consent", _l("The guardian withdraws consent")
    READINESS = "readiness", _l("The counterpart withdraws its readiness")
    OBJECTION = "objection", _l("The child or guardian objects to the return")


class Withdrawal(CaseRecord, db.Model):
    """A withdrawal of a guarantee, of consent or of readiness, or an objection to the return
    by the child or guardian. It stays on record; a later guarantee, consent or confirmation
    counts again (the latest word counts)."""

    __tablename__ = "withdrawal"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'guarantee') = (guarantee_id IS NOT NULL)", name="guarantee_iff_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[WithdrawalKind] = mapped_column(str_enum(WithdrawalKind, "withdrawal_kind"))
    on_date: Mapped[date] = mapped_column(Date)
    guarantee_id: Mapped[int | None] = mapped_column(ForeignKey("care_guarantee.id"))
    # Who withdrew or objected: a person's name, and the agency when it is one.
    made_by: Mapped[str | None] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    provenance: Mapped[Provenance] = provenance_column()

    case: Mapped[Case] = relationship()
