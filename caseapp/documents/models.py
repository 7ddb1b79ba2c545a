"""The Document model: metadata of an uploaded file; the bytes live outside the web root."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import record_type_of

if TYPE_CHECKING:
    from caseapp.auth.models import User
    from caseapp.cases.models import Case


class Document(db.Model):
    """A file attached to a case, optionally to one record of the case.

    ``storage_name`` is random and never derived from the uploaded name (ASVS 5.0 V5.3.2);
    ``content_type`` is what the content's signature says, not what the browser claimed.
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(
            "(record_type IS NULL) = (record_id IS NULL)", name="record_type_iff_record_id"
        ),
        CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optional link to one record of the case (e.g. "hearing", 12).
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None]

    case: Mapped[Case] = relationship(lazy="joined")
    uploaded_by: Mapped[User] = relationship(lazy="select")

    def can_view(self, user: User) -> bool:
        """Whoever may see the case may see and download its documents."""
        # A participant: only a kind of record the matrix gives their role (issue 10).
        return self.case.can_read(user, record_type_of(self))

    def can_edit(self, user: User) -> bool:
        """Whoever may record on the case may attach documents to it."""
        return self.case.can_edit(user)

    def __repr__(self) -> str:
        return f"<Document {self.id} case={self.case_id} {self.content_type}>"
