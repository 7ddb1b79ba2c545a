"""In-app notifications and the optional e-mail digest (issue 12 item 3).

A notification tells one user that something happened to a case they work on (a case given
to them, their determination approved, a return approved). Reminders of deadlines are not
stored: they are computed from the records (``caseapp.dashboard.reminders``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.cases.models import Stage
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import RecordType


class NotificationKind(LabelledEnum):
    """What happened; the label is the notification's text."""

    CASE_ASSIGNED = "case_assigned", _l("A case was given to you")
    BID_APPROVED = "bid_approved", _l("Your best-interests determination was approved")
    BID_SENT_BACK = "bid_sent_back", _l("Your best-interests determination was sent back")
    RETURN_APPROVED = "return_approved", _l("The return was approved")
    LAST_RESORT_APPROVED = "last_resort_approved", _l("The last-resort return was approved")
    CASE_CLOSED = "case_closed", _l("The case was closed")
    # Decisions the case's participants are told of (issue 10 item 2: "the lawyer is
    # notified of decisions"; 002, Rec 1: the right to appeal needs knowing the decision).
    DECISION_TAKEN = "decision_taken", _l("A decision was taken on the case")
    DETERMINATION_APPROVED = (
        "determination_approved",
        _l("The best-interests determination was approved"),
    )
    APPEAL_DECIDED = "appeal_decided", _l("An appeal was decided")
    COMPLAINT_ANSWERED = "complaint_answered", _l("A complaint was answered")
    RETURN_APPROVAL_WITHDRAWN = "return_approval_withdrawn", _l("The return approval was withdrawn")


# What a notice to the case's participants is about: a participant assigned to the case is
# told only of what the matrix lets their role read, every kind listed (least privilege;
# ``caseapp.core.permissions.PARTICIPANT_MATRIX``). The notice's text is its kind's label and
# the case, nothing more: a last-resort return tells of the consent too, so only those who
# read consents hear of it. A kind not listed goes to staff only.
PARTY_NOTICES: dict[NotificationKind, tuple[RecordType, ...]] = {
    NotificationKind.DECISION_TAKEN: (RecordType.DECISION,),
    NotificationKind.DETERMINATION_APPROVED: (RecordType.DETERMINATION,),
    NotificationKind.APPEAL_DECIDED: (RecordType.DECISION,),
    NotificationKind.COMPLAINT_ANSWERED: (RecordType.DECISION,),
    NotificationKind.RETURN_APPROVED: (RecordType.DECISION,),
    NotificationKind.LAST_RESORT_APPROVED: (RecordType.DECISION, RecordType.CONSENT),
    NotificationKind.RETURN_APPROVAL_WITHDRAWN: (RecordType.DECISION,),
    NotificationKind.CASE_CLOSED: (RecordType.CASE,),
}


class Notification(db.Model):
    """One notice to one user; read when they open it or mark it read."""

    __tablename__ = "notification"
    __table_args__ = (
        # The unread count (``home.unread_notifications``).
        Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        # The notifications page, newest first a page at a time (issue 16).
        Index("ix_notification_user_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[NotificationKind] = mapped_column(str_enum(NotificationKind, "notification_kind"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def can_view(self, user) -> bool:
        """Only its recipient sees a notification."""
        return user.is_authenticated and user.id == self.user_id

    @property
    def unread(self) -> bool:
        return self.read_at is None


class DigestSubscription(db.Model):
    """A user who asked for the daily e-mail digest (off unless they ask), and when the last
    one went out. The digest carries counts and a link, never a child's data."""

    __tablename__ = "digest_subscription"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CaseloadCount(db.Model):
    """How many cases each caseworker holds, by stage, opening day and whether a
    determination is approved: the team's workload on a supervisor's home page and a
    caseworker's count of open cases, read from a few rows per person instead of counting
    their cases (tens of thousands at 100,000 cases; issue 16).

    Kept exact in the same transaction as every change of a case's caseworker, stage or
    opening date and of a determination's status, by one flush listener
    (``caseapp.dashboard.workload``); ``flask dashboard recount-workload`` rebuilds it from
    the cases. The opening day and the approved flag are the facts of the rule ``bid_overdue``
    (``alerts.queries.bid_overdue_sql``, applied to these columns)."""

    __tablename__ = "caseload_count"

    caseworker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    stage: Mapped[Stage] = mapped_column(str_enum(Stage, "stage"), primary_key=True)
    opened_on: Mapped[date] = mapped_column(Date, primary_key=True)
    bid_approved: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)


# The listener that keeps ``CaseloadCount`` (imported here so that it is always registered).
from caseapp.dashboard import workload as _workload  # noqa: E402, F401
