"""The plan of a durable solution other than return (002, Rec 2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case, Outcome
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l


class ResidenceKind(LabelledEnum):
    """The residence status the child applies for (002, Rec 2: regularise status)."""

    PERMANENT = "permanent", _l("permanent residence")
    TEMPORARY = "temporary", _l("temporary residence")
    TOLERATED = "tolerated", _l("tolerated stay")
    PROTECTION = "protection", _l("international protection")
    NATIONALITY = "nationality", _l("nationality (stateless child)")


class SolutionPlan(CaseRecord, db.Model):
    """The plan for one case's durable solution: residence status, school, health, language,
    care and guardian (local integration, tolerated stay), or the receiving state's agreement,
    family evidence and travel (third country). ``implemented_on`` is set only by
    ``operations.record_implemented``, when the checklist is met."""

    __tablename__ = "solution_plan"
    __table_args__ = (
        CheckConstraint(
            "residence_granted_on IS NULL OR residence_applied_on IS NOT NULL",
            name="granted_after_applied",
        ),
        CheckConstraint(
            "residence_expires_on IS NULL OR residence_granted_on IS NULL"
            " OR residence_expires_on > residence_granted_on",
            name="expires_after_granted",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    solution: Mapped[Outcome] = mapped_column(str_enum(Outcome, "solution"))
    # Residence status (local integration, tolerated stay).
    residence_kind: Mapped[ResidenceKind | None] = mapped_column(
        str_enum(ResidenceKind, "residence_kind")
    )
    residence_applied_on: Mapped[date | None] = mapped_column(Date)
    residence_granted_on: Mapped[date | None] = mapped_column(Date)
    residence_expires_on: Mapped[date | None] = mapped_column(Date)
    renewal_due_on: Mapped[date | None] = mapped_column(Date)
    # Integration: school, health, language, care arrangement.
    school: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str | None] = mapped_column(Text)
    language_support: Mapped[str | None] = mapped_column(Text)
    care_arrangement: Mapped[str | None] = mapped_column(Text)
    # Third country or family reunification.
    receiving_state: Mapped[str | None] = mapped_column(String(2))
    receiving_agreement_on: Mapped[date | None] = mapped_column(Date)
    receiving_agreement_by: Mapped[str | None] = mapped_column(String(200))
    family_evidence: Mapped[str | None] = mapped_column(Text)
    travel_on: Mapped[date | None] = mapped_column(Date)
    travel_arrangements: Mapped[str | None] = mapped_column(Text)
    implemented_on: Mapped[date | None] = mapped_column(Date)
    implemented_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def is_implemented(self) -> bool:
        """Recorded as implemented (the checklist was met that day)."""
        return self.implemented_on is not None

    @property
    def stays_in_country(self) -> bool:
        """Local integration or tolerated stay: a residence status and integration."""
        return self.solution in (Outcome.LOCAL_INTEGRATION, Outcome.TOLERATED_STAY)

    @property
    def needs_renewal(self) -> bool:
        """Tolerated stay is renewed (002, Moldova practice)."""
        return self.solution is Outcome.TOLERATED_STAY

    def can_edit(self, user) -> bool:
        """The case's editors, while the case is in implementation and not yet implemented."""
        return self.case.can_edit(user) and self.case.in_implementation
