"""The detention record and referrals to alternatives to detention (issue 15).

A placement that deprives the child of liberty — by the one definition in
``caseapp.assessment.liberty`` — opens a ``Detention``: its legal basis, start, periodic
reviews, a legal challenge with the child's lawyer and the release (002, Rec 4: "the right
to prompt legal and other assistance to challenge the legality of their detention"; Nowak:
children "should be identified and immediately released"). An ``AlternativeReferral`` is a
referral to an alternative to detention — a programme, its conditions and a case manager —
followed until it ends (000: case-management-based alternatives and referral mechanisms).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.assessment.models import CaseRecord, LegalRepresentative, Placement
from caseapp.cases.models import Case
from caseapp.core.db import str_enum
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l

# A review at least this often while the child is detained (the alert escalates otherwise).
REVIEW_EVERY_DAYS = 7


class ReviewOutcome(LabelledEnum):
    CONTINUED = "continued", _l("detention continued")
    RELEASE_ORDERED = "release_ordered", _l("release ordered")


class ChallengeOutcome(LabelledEnum):
    PENDING = "pending", _l("pending")
    UNLAWFUL = "unlawful", _l("detention found unlawful: release ordered")
    DISMISSED = "dismissed", _l("dismissed")


class ReleaseReason(LabelledEnum):
    COURT_ORDER = "court_order", _l("ordered by the court")
    REVIEW = "review", _l("on review")
    ALTERNATIVE = "alternative", _l("to an alternative to detention")
    CARE_PLACEMENT = "care_placement", _l("to an open care placement")
    PLACEMENT_ENDED = "placement_ended", _l("the placement ended")
    OTHER = "other", _l("other")


class AlternativeStatus(LabelledEnum):
    REFERRED = "referred", _l("referred")
    ACCEPTED = "accepted", _l("accepted: in the programme")
    DECLINED = "declined", _l("declined by the programme")
    ENDED = "ended", _l("ended")


class Detention(CaseRecord, db.Model):
    """One period of deprivation of liberty, opened by the placement that deprives."""

    __tablename__ = "detention"
    __table_args__ = (
        CheckConstraint("released_on IS NULL OR released_on >= started_on", name="release_after"),
        CheckConstraint(
            "(released_on IS NULL) = (release_reason IS NULL)", name="release_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    started_on: Mapped[date] = mapped_column(Date)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    ordered_by: Mapped[str | None] = mapped_column(String(200))
    released_on: Mapped[date | None] = mapped_column(Date)
    release_reason: Mapped[ReleaseReason | None] = mapped_column(
        str_enum(ReleaseReason, "detention_release_reason")
    )
    release_note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    placement: Mapped[Placement] = relationship()
    reviews: Mapped[list[DetentionReview]] = relationship(
        back_populates="detention", order_by="DetentionReview.reviewed_on"
    )
    challenges: Mapped[list[DetentionChallenge]] = relationship(
        back_populates="detention", order_by="DetentionChallenge.id"
    )

    @property
    def is_open(self) -> bool:
        """The child is still detained."""
        return self.released_on is None

    def days_on(self, day: date) -> int:
        """Days detained on ``day`` (the first day counts as day 1)."""
        end = self.released_on or day
        return (end - self.started_on).days + 1


class DetentionReview(CaseRecord, db.Model):
    """A periodic review of the detention."""

    __tablename__ = "detention_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    detention_id: Mapped[int] = mapped_column(ForeignKey("detention.id"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[ReviewOutcome] = mapped_column(str_enum(ReviewOutcome, "detention_review"))
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    detention: Mapped[Detention] = relationship(back_populates="reviews")


class DetentionChallenge(CaseRecord, db.Model):
    """A legal challenge to the detention, brought with the child's lawyer (002, Rec 4)."""

    __tablename__ = "detention_challenge"
    __table_args__ = (
        CheckConstraint(
            "(outcome = 'pending') = (decided_on IS NULL)", name="decided_when_not_pending"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    detention_id: Mapped[int] = mapped_column(ForeignKey("detention.id"), index=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("legal_representative.id"))
    lodged_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[ChallengeOutcome] = mapped_column(
        str_enum(ChallengeOutcome, "detention_challenge_outcome"),
        default=ChallengeOutcome.PENDING,
    )
    decided_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()
    detention: Mapped[Detention] = relationship(back_populates="challenges")
    lawyer: Mapped[LegalRepresentative] = relationship()


class AlternativeReferral(CaseRecord, db.Model):
    """A referral to an alternative to detention: the programme, its provider (from the
    agency register), its conditions and the case manager; followed up until it ends (000)."""

    __tablename__ = "alternative_referral"
    __table_args__ = (CheckConstraint("status_on >= referred_on", name="status_after_referral"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    detention_id: Mapped[int | None] = mapped_column(ForeignKey("detention.id"))
    programme: Mapped[str] = mapped_column(String(200))
    provider_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    conditions: Mapped[str] = mapped_column(Text)
    case_manager: Mapped[str] = mapped_column(String(200))
    referred_on: Mapped[date] = mapped_column(Date)
    status: Mapped[AlternativeStatus] = mapped_column(
        str_enum(AlternativeStatus, "alternative_status"), default=AlternativeStatus.REFERRED
    )
    status_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    provider: Mapped[Agency] = relationship()

    @property
    def is_active(self) -> bool:
        """Referred or in the programme: still followed."""
        return self.status in (AlternativeStatus.REFERRED, AlternativeStatus.ACCEPTED)
