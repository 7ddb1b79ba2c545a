"""Decision notice, appeals and complaints."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case, Outcome
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.extensions import db


class DecisionNotice(CaseRecord, db.Model):
    """The decision, notified to the child in a language they understand and to the
    guardian; the appeal clock starts at notification (002, Rec 1)."""

    __tablename__ = "decision_notice"
    __table_args__ = (
        # The dashboards' lists (issue 16).
        Index("ix_decision_notice_deadline", "appeal_deadline", "id"),
        CheckConstraint("appeal_deadline >= decided_on", name="deadline_after_decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    bid_id: Mapped[int | None] = mapped_column(ForeignKey("best_interests_determination.id"))
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome, "outcome"))
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    child_notified_on: Mapped[date | None] = mapped_column(Date)
    notice_language: Mapped[str | None] = mapped_column(String(60))
    child_understands_language: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_notified_on: Mapped[date | None] = mapped_column(Date)
    appeal_deadline: Mapped[date] = mapped_column(Date)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()


class AppealStatus(StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Appeal(CaseRecord, db.Model):
    """An appeal against the decision; while pending it suspends execution (002, Rec 1)."""

    __tablename__ = "appeal"
    __table_args__ = (
        CheckConstraint(
            "(status = 'pending') = (decided_on IS NULL)", name="decided_iff_not_pending"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("decision_notice.id"))
    lodged_on: Mapped[date] = mapped_column(Date)
    lodged_by: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(200))
    grounds: Mapped[str | None] = mapped_column(Text)
    status: Mapped[AppealStatus] = mapped_column(
        str_enum(AppealStatus, "appeal_status"), default=AppealStatus.PENDING
    )
    decided_on: Mapped[date | None] = mapped_column(Date)
    result_summary: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship()


class ComplainantKind(StrEnum):
    CHILD = "child"
    GUARDIAN = "guardian"
    REPRESENTATIVE = "representative"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class Complaint(CaseRecord, db.Model):
    """A complaint by the child, guardian or representative (002, Rec 1; Rec 4)."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint(
            "status = 'open' OR (response IS NOT NULL AND responded_on IS NOT NULL)",
            name="answered_has_response",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    lodged_by: Mapped[ComplainantKind] = mapped_column(str_enum(ComplainantKind, "complainant"))
    lodged_on: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(Text)
    # An objection to the decision by the child or guardian reopens the determination.
    objects_to_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ComplaintStatus] = mapped_column(
        str_enum(ComplaintStatus, "complaint_status"), default=ComplaintStatus.OPEN
    )
    response: Mapped[str | None] = mapped_column(Text)
    responded_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()
