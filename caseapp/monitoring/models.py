"""Return execution and monitoring visits."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.assessment.models import CaseRecord
from caseapp.cases.models import Case
from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db


class ReturnExecution(CaseRecord, db.Model):
    """The date the child travelled and was received, and by whom."""

    __tablename__ = "return_execution"
    __table_args__ = (CheckConstraint("received_on >= travelled_on", name="received_after_travel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    travelled_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    received_by: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()


class MonitoringVisit(CaseRecord, db.Model):
    """A scheduled post-return visit and its report."""

    __tablename__ = "monitoring_visit"
    __table_args__ = (
        CheckConstraint("visited_on IS NULL OR (wellbeing IS NOT NULL)", name="visited_has_report"),
        # Visits not yet made, by due date: the due list's overdue visits (issue 16).
        Index(
            "ix_monitoring_visit_pending",
            "due_on",
            "id",
            sqlite_where=text("visited_on IS NULL"),
            postgresql_where=text("visited_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    months_after_return: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    visited_on: Mapped[date | None] = mapped_column(Date)
    visited_by: Mapped[str | None] = mapped_column(String(200))
    wellbeing: Mapped[str | None] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(Text)
    school: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str | None] = mapped_column(Text)
    concerns: Mapped[str | None] = mapped_column(Text)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who put the report on the record: the monitor acting in caseapp, or the caseworker
    # recording the monitor's report (issue 10, item 4: provenance).
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    # The record's own optimistic lock (issue 12 item 2; ``versioning.check_own_version``): a
    # save names the version of this record it was written on, so a colleague's change to
    # another record of the case does not refuse it; only a change to this one does.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship()

    def overdue_on(self, day: date) -> bool:
        """Due and not yet visited."""
        return self.visited_on is None and self.due_on < day
