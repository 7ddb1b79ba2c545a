"""The audit entry table. Rows are only ever inserted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db


class AuditEntry(db.Model):
    """Who did what to which object of which case, when, and why (DESIGN.md section 6)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_case_id_occurred_at", "case_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Plain ids, not foreign keys: the trail must outlive any row it mentions.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_agency_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="RESTRICT"))
    diff: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_type}:{self.object_id}>"
