"""The Document model: metadata of an uploaded file; the bytes live outside the web root."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import RECORD_TYPE_OF_TABLE

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
    # Indexed: the last resorts' four eyes ask whether the supervisor attached evidence to the
    # return (``gate.data.not_own_return_work_sql``); PostgreSQL read every document for it.
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optional link to one record of the case (e.g. "hearing", 12).
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[int | None]

    case: Mapped[Case] = relationship(lazy="joined")
    uploaded_by: Mapped[User] = relationship(lazy="select")

    def attached_record(self) -> Any | None:
        """The record of this document's case it is attached to (None: attached to the case
        as a whole, to a kind of record the matrix does not know, or to a record of another
        case)."""
        if self.record_type not in RECORD_TYPE_OF_TABLE or self.record_id is None:
            return None
        if self.record_type == self.__tablename__:  # a document is not a record of the case
            return None
        model = model_of_table(self.record_type)
        row = db.session.get(model, self.record_id) if model is not None else None
        if row is None or getattr(row, "case_id", None) != self.case_id:
            return None
        return row

    def can_view(self, user: User) -> bool:
        """Whoever may see the case may see and download its documents. A participant
        (issue 10; least privilege): only a document attached to a record they may read, by
        that record's own predicate -- the Central Authority officer the paper document of
        the Central Authority's decision (S11), the monitor a visit report's -- never the
        case's file as a whole (the matrix gives no participant "documents")."""
        if user.is_participant:
            record = self.attached_record()
            return record is not None and hasattr(record, "can_view") and record.can_view(user)
        return self.case.can_view(user)

    def can_edit(self, user: User) -> bool:
        """Whoever may record on the case may attach documents to it."""
        return self.case.can_edit(user)

    def __repr__(self) -> str:
        return f"<Document {self.id} case={self.case_id} {self.content_type}>"


@cache
def model_of_table(table: str) -> Any | None:
    """The mapped class of ``table`` (a case-record table of the matrix)."""
    registry = db.Model.registry  # type: ignore[attr-defined]  # the declarative registry
    for mapper in registry.mappers:
        if getattr(mapper.local_table, "name", None) == table:
            return mapper.class_
    return None
