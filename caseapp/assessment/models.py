"""Records of the assessment stage."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

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
    or_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.liberty import CUSTODIAL_TYPE_VALUES, deprives_of_liberty
from caseapp.cases.models import Case
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import record_type_of


class CaseRecord:
    """Mixin: a record that belongs to a case and is visible to whoever sees the case."""

    if TYPE_CHECKING:
        case: Case  # each model maps its own ``case`` relationship

    def can_view(self, user) -> bool:
        """Visible to whoever may see the case; to a participant, only a kind of record the
        matrix gives their role (``caseapp.core.permissions.RECORD_TYPE_OF_TABLE``)."""
        return self.case.can_read(user, record_type_of(self))

    def can_edit(self, user) -> bool:
        """Editable by whoever may edit the case."""
        return self.case.can_edit(user)


class GuardianAppointment(CaseRecord, db.Model):
    """A guardian appointed for an unaccompanied or separated child (002, Rec 3). History kept:
    an appointment is ended, never deleted."""

    __tablename__ = "guardian_appointment"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= appointed_on", name="ends_after_start"),
        # The ended ones: whether a participant's assignment is still in force
        # (``Assignment.in_force_sql``, on each of their pages) asks "is its appointment
        # ended?"; PostgreSQL answered by reading every appointment (17 ms at 100,000 cases;
        # issue 16).
        Index(
            "ix_guardian_appointment_ended",
            "id",
            sqlite_where=text("ended_on IS NOT NULL"),
            postgresql_where=text("ended_on IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200))
    # The guardian's organisation, chosen from the agency register, and the guardian as a
    # user when they have an account: the gate derives independence from these (not staff
    # of the lead agency, not a decision-maker on the case; DESIGN.md section 4.1, item 1).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    guardian_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    appointing_authority: Mapped[str] = mapped_column(String(200))
    appointed_on: Mapped[date] = mapped_column(Date)
    # Declared independence from the authorities deciding on the child (002, Rec 3). A
    # declaration only: it never replaces the derived independence.
    declared_independent: Mapped[bool] = mapped_column(Boolean, default=False)
    independence_statement: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def active(self) -> bool:
        """Not yet ended."""
        return self.ended_on is None


class LegalRepresentative(CaseRecord, db.Model):
    """Free legal assistance assigned to the child (002, Rec 3; Day 2 Q&A)."""

    __tablename__ = "legal_representative"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= assigned_on", name="ends_after_start"),
        # The ended ones (as ``ix_guardian_appointment_ended``; issue 16).
        Index(
            "ix_legal_representative_ended",
            "id",
            sqlite_where=text("ended_on IS NOT NULL"),
            postgresql_where=text("ended_on IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    free_of_charge: Mapped[bool] = mapped_column(Boolean, default=True)
    assigned_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()

    @property
    def active(self) -> bool:
        """Not yet ended."""
        return self.ended_on is None


class PlacementType(LabelledEnum):
    """Where the child lives while the case is pending (UN Guidelines on Alternative Care)."""

    FAMILY_COMMUNITY = "family_community", _l("With family in the community")
    KINSHIP_CARE = "kinship_care", _l("Kinship care")
    FOSTER_FAMILY = "foster_family", _l("Foster family")
    SUPERVISED_INDEPENDENT = "supervised_independent", _l("Supervised independent living")
    SMALL_GROUP_HOME = "small_group_home", _l("Small group home")
    OPEN_SHELTER = "open_shelter", _l("Open shelter")
    CLOSED_INSTITUTION = "closed_institution", _l("Closed institution")
    TRANSIT_CENTRE = "transit_centre", _l("Transit centre")
    DETENTION = "detention", _l("Detention")


# Types that are deprivation of liberty by their nature, whatever the "can leave" answer.
CUSTODIAL_TYPES = frozenset(PlacementType(v) for v in CUSTODIAL_TYPE_VALUES)


class Placement(CaseRecord, db.Model):
    """A placement. One the child cannot leave at will — or run by law enforcement — is
    deprivation of liberty whatever it is called (002, Nowak / Global Study; Rec 4)."""

    __tablename__ = "placement"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    placement_type: Mapped[PlacementType] = mapped_column(str_enum(PlacementType, "placement_type"))
    name: Mapped[str | None] = mapped_column(String(200))
    responsible_authority: Mapped[str] = mapped_column(String(200))
    run_by_law_enforcement: Mapped[bool] = mapped_column(Boolean, default=False)
    child_can_leave_at_will: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether the child lives apart from family members who are in the country (Rec 4).
    separated_from_family: Mapped[bool] = mapped_column(Boolean, default=False)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()

    @property
    def active(self) -> bool:
        """Not yet ended."""
        return self.ended_on is None

    @hybrid_property
    def deprives_of_liberty(self) -> bool:
        """Deprivation of liberty whatever the placement is called (002, Rec 4): the one
        definition, ``deprives_of_liberty`` above."""
        return deprives_of_liberty(
            self.placement_type, self.child_can_leave_at_will, self.run_by_law_enforcement
        )

    @deprives_of_liberty.inplace.expression
    @classmethod
    def _deprives_of_liberty_expression(cls):
        """The same definition as SQL (for the alert and dashboard queries)."""
        return or_(
            cls.child_can_leave_at_will.is_(False),
            cls.run_by_law_enforcement.is_(True),
            cls.placement_type.in_(sorted(CUSTODIAL_TYPES)),
        )


class ServiceKind(LabelledEnum):
    """Services every child must have while return is pending (002, fn 12 (vi))."""

    SCHOOL = "school", _l("School")
    HEALTHCARE = "healthcare", _l("Healthcare")
    PSYCHOSOCIAL = "psychosocial", _l("Psychosocial support")


class ServiceRecord(CaseRecord, db.Model):
    """Access to a service while the case is pending."""

    __tablename__ = "service_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind, "service_kind"))
    provider: Mapped[str] = mapped_column(String(200))
    mainstream: Mapped[bool] = mapped_column(Boolean, default=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()

    @property
    def active(self) -> bool:
        """Not yet ended."""
        return self.ended_on is None


class Weight(LabelledEnum):
    """Weight given to the child's views in line with age and maturity (002, Rec 1)."""

    DECISIVE = "decisive", _l("Decisive")
    SIGNIFICANT = "significant", _l("Significant")
    MODERATE = "moderate", _l("Moderate")
    LIMITED = "limited", _l("Limited")


class Hearing(CaseRecord, db.Model):
    """The child heard in a language they understand (002, Rec 1; Rec 2; Moldova 2008)."""

    __tablename__ = "hearing"
    # A case's latest hearing, for the due list (issue 16).
    __table_args__ = (Index("ix_hearing_case_held", "case_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    heard_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    language: Mapped[str] = mapped_column(String(60))
    child_understands_language: Mapped[bool] = mapped_column(Boolean, default=False)
    interpreter: Mapped[str | None] = mapped_column(String(200))
    # The interpreter's organisation (agency register) and account, for derived independence.
    interpreter_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    interpreter_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    child_friendly_information_given: Mapped[bool] = mapped_column(Boolean, default=False)
    seen_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    # Options and plans discussed with the child (002, Rec 2).
    options_discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    # {"return": "...", "local_integration": "...", ...}: views on each option.
    views_by_option: Mapped[dict] = mapped_column(JSON, default=dict)
    views_summary: Mapped[str] = mapped_column(Text)
    weight: Mapped[Weight] = mapped_column(str_enum(Weight, "weight"))
    weight_reasons: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def understood_and_informed(self) -> bool:
        """The child understood the language (or had an interpreter) and received
        child-friendly information (002, Rec 1). The gate's S5 asks more: see
        ``caseapp/gate/safeguards/determination.py``."""
        understood = self.child_understands_language or bool(self.interpreter)
        return understood and self.child_friendly_information_given


class FamilyAssessmentOutcome(LabelledEnum):
    SUITABLE = "suitable", _l("Suitable to care")
    NOT_SUITABLE = "not_suitable", _l("Not suitable")
    INCONCLUSIVE = "inconclusive", _l("Inconclusive")


class FamilyAssessment(CaseRecord, db.Model):
    """Assessment of a traced family member's capacity and willingness to care
    (002, Moldova practice; fn 12 (iii))."""

    __tablename__ = "family_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    family_member_id: Mapped[int] = mapped_column(ForeignKey("family_member.id"), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[FamilyAssessmentOutcome] = mapped_column(
        str_enum(FamilyAssessmentOutcome, "family_assessment_outcome")
    )
    summary: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship()


class RiskLevel(LabelledEnum):
    LOW = "low", _l("Low")
    MEDIUM = "medium", _l("Medium")
    HIGH = "high", _l("High")


class BestInterestsAssessment(CaseRecord, db.Model):
    """The BIA by the caseworker, by the elements of CRC General Comment 14, with the risk
    and non-refoulement assessment and the human-rights impact assessment for the country of
    return (002, Rec 1; Prof. Strik; ADC: return not in best interests in conflict)."""

    __tablename__ = "best_interests_assessment"
    __table_args__ = (
        CheckConstraint(
            "completed_at IS NULL OR return_safe IS NOT NULL", name="completed_has_conclusion"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # General Comment 14 elements.
    views: Mapped[str | None] = mapped_column(Text)
    identity: Mapped[str | None] = mapped_column(Text)
    family_environment: Mapped[str | None] = mapped_column(Text)
    care_and_safety: Mapped[str | None] = mapped_column(Text)
    vulnerability: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str | None] = mapped_column(Text)
    education: Mapped[str | None] = mapped_column(Text)
    # Risk in the country of return.
    return_country: Mapped[str | None] = mapped_column(String(2))
    non_refoulement_risk: Mapped[RiskLevel | None] = mapped_column(
        str_enum(RiskLevel, "non_refoulement_risk")
    )
    armed_conflict: Mapped[bool | None] = mapped_column(Boolean)
    violence_risk: Mapped[RiskLevel | None] = mapped_column(str_enum(RiskLevel, "violence_risk"))
    trafficking_risk: Mapped[RiskLevel | None] = mapped_column(
        str_enum(RiskLevel, "trafficking_risk")
    )
    family_capacity: Mapped[str | None] = mapped_column(Text)
    human_rights_impact: Mapped[str | None] = mapped_column(Text)
    risk_summary: Mapped[str | None] = mapped_column(Text)
    # The assessment's conclusion on whether return would be safe.
    return_safe: Mapped[bool | None] = mapped_column(Boolean)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The BIA's own optimistic lock (issue 12 item 2): a save names the version of the BIA
    # it was written on, so a colleague's change elsewhere in the case (a hearing, a
    # placement) does not refuse it; only a change to this BIA in between does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    @property
    def completed(self) -> bool:
        """The caseworker marked the assessment complete."""
        return self.completed_at is not None
