"""Age assessment as a procedure (issue 15; 002, Rec 1 and Judge Winter: a child is anyone
under 18, and the benefit of the doubt applies while the age is uncertain or disputed).

An ``AgeAssessment`` records who assessed, when, by which methods (documents first, then an
interview; a medical examination only as a last resort and with consent) and the result as
a range with its margin of error. An ``AgeChallenge`` is the right to challenge it. While an
assessment is open or a challenge pending the child's record says ``age_disputed`` and the
child is presumed a minor (``Child.is_minor_on``). A ``TransitionPlan`` says where the young
person goes when they leave the child procedure at 18.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case
from caseapp.children.models import ADULT_AGE, Child, add_years, whole_years
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l

# The widest margin of error an assessment may state (medical methods are imprecise by up
# to two years or more; the benefit of the doubt applies to the whole margin).
MAX_MARGIN_YEARS = 5


class AssessmentStatus(LabelledEnum):
    OPEN = "open", _l("open")
    CONCLUDED = "concluded", _l("concluded")
    SET_ASIDE = "set_aside", _l("set aside after a challenge")


class ChallengeOutcome(LabelledEnum):
    PENDING = "pending", _l("pending")
    UPHELD = "upheld", _l("upheld: the assessment is set aside")
    REJECTED = "rejected", _l("rejected: the assessment stands")


class Challenger(LabelledEnum):
    """Who challenges (002, Rec 1: the right to be heard and to legal remedies)."""

    CHILD = "child", _l("the child")
    GUARDIAN = "guardian", _l("the guardian")
    LAWYER = "lawyer", _l("the lawyer")


class TransitionPathway(LabelledEnum):
    """Where a young person goes when they leave the child procedure at 18."""

    RESIDENCE = "residence", _l("residence permit or regularisation as an adult")
    ASYLUM = "asylum", _l("asylum or international protection procedure")
    AFTERCARE = "aftercare", _l("aftercare (care leavers' support)")
    ADULT_RETURN = "adult_return", _l("adult return procedure, with legal assistance")
    OTHER = "other", _l("other")


def eighteenth_birthday(child: Child) -> date | None:
    """The day the child is 18 by the records (the same rule as ``Child.is_minor_on``: the
    date of birth, else the lowest age of the range advanced from its assessment day), or
    None while the age is unknown or disputed (presumed a minor)."""
    if child.age_disputed:
        return None
    if child.date_of_birth is not None:
        return add_years(child.date_of_birth, ADULT_AGE)
    if child.age_min is None:
        return None
    if child.age_assessed_on is None:
        return date.min if child.age_min >= ADULT_AGE else None
    if child.age_min >= ADULT_AGE:
        return child.age_assessed_on
    day = add_years(child.age_assessed_on, ADULT_AGE - child.age_min)
    # ``whole_years`` counts a 29 February start on 1 March; step to the first day it agrees.
    while child.age_min + whole_years(child.age_assessed_on, day) < ADULT_AGE:
        day = date.fromordinal(day.toordinal() + 1)
    return day


class AgeAssessment(CaseRecord, db.Model):
    """One age assessment: who, when, how, and the result with its margin (issue 15)."""

    __tablename__ = "age_assessment"
    __table_args__ = (
        CheckConstraint(
            "result_min IS NULL OR result_max IS NULL OR result_min <= result_max",
            name="result_range_ordered",
        ),
        CheckConstraint("margin_years >= 0", name="margin_not_negative"),
        # A medical examination only with consent (issue 15: last resort, with consent).
        CheckConstraint(
            "medical_consent_on IS NOT NULL OR NOT medical_examination",
            name="medical_needs_consent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    status: Mapped[AssessmentStatus] = mapped_column(
        str_enum(AssessmentStatus, "age_assessment_status"), default=AssessmentStatus.OPEN
    )
    reason: Mapped[str] = mapped_column(Text)
    opened_on: Mapped[date] = mapped_column(Date)
    assessor_name: Mapped[str | None] = mapped_column(String(200))
    assessor_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    # The methods, in the order they must be tried (documents, interview, medical).
    documents_examined: Mapped[bool] = mapped_column(Boolean, default=False)
    documents_note: Mapped[str | None] = mapped_column(Text)
    interview_on: Mapped[date | None] = mapped_column(Date)
    interview_note: Mapped[str | None] = mapped_column(Text)
    medical_examination: Mapped[bool] = mapped_column(Boolean, default=False)
    medical_consent_on: Mapped[date | None] = mapped_column(Date)
    medical_reason: Mapped[str | None] = mapped_column(Text)
    # The result: a date of birth established by documents, or a range with its margin.
    result_date_of_birth: Mapped[date | None] = mapped_column(Date)
    result_min: Mapped[int | None] = mapped_column(Integer)
    result_max: Mapped[int | None] = mapped_column(Integer)
    margin_years: Mapped[int] = mapped_column(Integer, default=0)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    assessor_agency: Mapped[Agency | None] = relationship()
    challenges: Mapped[list[AgeChallenge]] = relationship(
        back_populates="assessment", order_by="AgeChallenge.id"
    )

    @property
    def is_open(self) -> bool:
        """Still being carried out."""
        return self.status is AssessmentStatus.OPEN

    @property
    def presumed_range(self) -> tuple[int, int] | None:
        """The range the child's record takes: the result widened by the margin, the lowest
        age never below 0 (benefit of the doubt)."""
        if self.result_min is None or self.result_max is None:
            return None
        return max(0, self.result_min - self.margin_years), self.result_max + self.margin_years

    @property
    def may_be_challenged(self) -> bool:
        """Concluded, and no challenge to it pending."""
        return self.status is AssessmentStatus.CONCLUDED and self.pending_challenge is None

    @property
    def pending_challenge(self) -> AgeChallenge | None:
        """The challenge awaiting a decision, if any."""
        return next((c for c in self.challenges if c.outcome is ChallengeOutcome.PENDING), None)


class AgeChallenge(CaseRecord, db.Model):
    """A challenge to an age assessment and its outcome (002, Rec 1: legal remedies)."""

    __tablename__ = "age_challenge"
    __table_args__ = (
        CheckConstraint(
            "(outcome = 'pending') = (decided_on IS NULL)", name="decided_when_not_pending"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("age_assessment.id"), index=True)
    lodged_on: Mapped[date] = mapped_column(Date)
    lodged_by: Mapped[Challenger] = mapped_column(str_enum(Challenger, "age_challenger"))
    body: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[ChallengeOutcome] = mapped_column(
        str_enum(ChallengeOutcome, "age_challenge_outcome"), default=ChallengeOutcome.PENDING
    )
    decided_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()
    assessment: Mapped[AgeAssessment] = relationship(back_populates="challenges")


class TransitionPlan(CaseRecord, db.Model):
    """The plan for leaving the child procedure at 18 (transition planning): the pathway,
    accommodation, continuing support, and when the young person was told."""

    __tablename__ = "transition_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    pathway: Mapped[TransitionPathway] = mapped_column(
        str_enum(TransitionPathway, "transition_pathway")
    )
    accommodation: Mapped[str] = mapped_column(String(200))
    support: Mapped[str] = mapped_column(Text)
    informed_on: Mapped[date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
