"""Decision notice, appeals and complaints."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case, Outcome
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Role


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

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()


class AppealStatus(LabelledEnum):
    PENDING = "pending", _l("Pending")
    UPHELD = "upheld", _l("Upheld")
    REJECTED = "rejected", _l("Rejected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


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

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    @property
    def is_pending(self) -> bool:
        """Not decided yet: execution of the decision is suspended (002, Rec 1)."""
        return self.status is AppealStatus.PENDING


class ComplainantKind(LabelledEnum):
    CHILD = "child", _l("The child")
    GUARDIAN = "guardian", _l("The guardian")
    REPRESENTATIVE = "representative", _l("The legal representative")


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
    # An objection to the decision by the child, the guardian or the lawyer reopens the
    # determination alike (002, Rec 1: the right to be heard; fn 12 (iv)).
    objects_to_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ComplaintStatus] = mapped_column(
        str_enum(ComplaintStatus, "complaint_status"), default=ComplaintStatus.OPEN
    )
    response: Mapped[str | None] = mapped_column(Text)
    responded_on: Mapped[date | None] = mapped_column(Date)
    # The independent body the complaint is addressed to: an ombudsperson institution from the
    # agency register (002, Rec 4: "an independent and impartial authority"); None: the lead
    # agency itself. The named body answers it (``can_answer``).
    addressed_to_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()
    addressed_to: Mapped[Agency | None] = relationship()

    def can_answer(self, user) -> bool:
        """A complaint to a named body is answered by that body's ombudspersons; one to the
        lead agency by whoever may edit the case."""
        if self.addressed_to_id is not None:
            return user.role is Role.OMBUDSPERSON and user.agency_id == self.addressed_to_id
        return self.case.can_edit(user)

    @property
    def is_open(self) -> bool:
        """Not closed: it may still be answered."""
        return self.status is not ComplaintStatus.CLOSED
