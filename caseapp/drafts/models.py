"""A draft: the text a user is typing into one form, saved server-side while they type."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db


class Draft(db.Model):
    """One user's unsaved text of one form (keyed by the form's page path, e.g.
    ``/cases/5/assessment/bia``), kept until they save the form or discard the draft.

    So a session that times out, a closed tab or a lost connection loses at most a few
    seconds of typing (issue 12 item 2). Only the owner ever reads it back.
    """

    __tablename__ = "draft"
    __table_args__ = (UniqueConstraint("user_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
