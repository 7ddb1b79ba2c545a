"""Family, FamilyParty (a parent or caregiver) and PartyAct (what a party did on one child's
case). See the package docstring for the design."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case
from caseapp.children.models import Relation
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Permission, Role

if TYPE_CHECKING:
    from caseapp.auth.models import User


class Family(db.Model):
    """The record that links siblings' cases, each child keeping their own case (002, Rec 2;
    fn 12 (iii)). Led by the agency that leads the cases it links."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    parties: Mapped[list[FamilyParty]] = relationship(
        back_populates="family", order_by="FamilyParty.id", cascade="all, delete-orphan"
    )

    def can_view(self, user: User) -> bool:
        """Who sees the linked cases: own agency's staff and ombudspersons."""
        if user.role is Role.OMBUDSPERSON:
            return True
        return user.role in (Role.CASEWORKER, Role.SUPERVISOR) and (
            user.agency_id == self.lead_agency_id
        )

    def can_edit(self, user: User) -> bool:
        """Own agency's caseworkers and supervisors."""
        return self.can_view(user) and user.can(Permission.CASE_EDIT)


class FamilyParty(db.Model):
    """A parent or caregiver of the siblings, a party to each child's procedure: they
    consent, are notified and may appeal (002, Rec 1; Rec 2)."""

    __tablename__ = "family_party"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[Relation] = mapped_column(str_enum(Relation, "party_relation"))
    # Holds legal custody (parental responsibility or a court order), and is with the children.
    legal_custodian: Mapped[bool] = mapped_column(Boolean, default=False)
    with_the_children: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    family: Mapped[Family] = relationship(back_populates="parties")

    def can_view(self, user: User) -> bool:
        """Visible with the family."""
        return self.family.can_view(user)


class PartyActKind(LabelledEnum):
    """What a parent or caregiver did on one child's case."""

    CONSENT = "consent", _l("consents to the decision")
    REFUSAL = "refusal", _l("does not consent to the decision")
    NOTIFIED = "notified", _l("was notified of the decision")


class PartyAct(CaseRecord, db.Model):
    """A party's consent, refusal or notification on one child's case (002, Rec 1: heard,
    informed, able to appeal)."""

    __tablename__ = "party_act"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("family_party.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[PartyActKind] = mapped_column(str_enum(PartyActKind, "party_act_kind"))
    on_date: Mapped[date] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    party: Mapped[FamilyParty] = relationship()
    case: Mapped[Case] = relationship()
