"""An export of the audit trail made in the background, with its progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.extensions import db


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(db.Model):
    """One background audit export: who asked, for what range, how far it got, its file."""

    __tablename__ = "export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    case_number: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[JobStatus] = mapped_column(
        str_enum(JobStatus, "job_status"), default=JobStatus.QUEUED
    )
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str | None] = mapped_column(String(100))
    downloaded: Mapped[bool] = mapped_column(Boolean, default=False)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def can_view(self, user) -> bool:
        """Only the person who started the export sees it and its file."""
        return user.is_authenticated and user.id == self.user_id

    @property
    def percent(self) -> int:
        if self.status is JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(int(100 * self.done / self.total), 99)
