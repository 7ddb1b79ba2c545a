"""Partners, exchange links, exchange documents and the outbox (issue 11; 002, Rec 2, Rec 6).

- ``Partner``: a caseapp instance of the other country, paired by an admin who confirmed its
  key fingerprint by another channel (telephone, letter).
- ``ExchangeLink``: ties one of our cases to an exchange id shared with one partner. On the
  sending side the case is the child's case here; on the receiving side it is the *incoming
  return* (a case led by our child-protection agency, ``incoming`` true).
- ``ExchangeDocument``: every document sent or received, kept as signed (the envelope's
  exact JSON), with the type, schema version and ids copied out for queries. A refused
  document is never stored here: its refusal is in the audit trail.
- ``OutboxItem``: a sent document waiting for delivery; ``flask exchange deliver`` posts it
  until the partner answers with a signed receipt (exactly once by document id).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.agencies.models import Agency
from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.db import UTCDateTime, str_enum, utcnow
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Permission, Role
from caseapp.exchange.documents import DocumentType

if TYPE_CHECKING:
    from caseapp.auth.models import User


class Partner(db.Model):
    """A partner instance in another country (DESIGN.md section 2, "partner instance")."""

    __tablename__ = "exchange_partner"
    __table_args__ = (UniqueConstraint("key_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    base_url: Mapped[str] = mapped_column(String(300))
    public_key: Mapped[str] = mapped_column(String(64))  # base64 of the 32 raw bytes
    key_id: Mapped[str] = mapped_column(String(64))  # SHA-256 hex of the raw public key
    confirmed_by: Mapped[str] = mapped_column(String(300))  # how the fingerprint was confirmed
    # Our child-protection agency that leads the incoming returns from this partner.
    local_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    local_agency: Mapped[Agency] = relationship()

    @staticmethod
    def can_manage(user: User) -> bool:
        """Admins keep the partner register (they see no child record)."""
        return user.can(Permission.AGENCY_MANAGE)

    def can_view(self, user: User) -> bool:
        """The register is the admins' (``web.load`` asks this)."""
        return self.can_manage(user)

    def __repr__(self) -> str:
        return f"<Partner {self.country} {self.key_id[:8]}>"


class ExchangeLink(db.Model):
    """One of our cases linked to an exchange id shared with one partner."""

    __tablename__ = "exchange_link"
    __table_args__ = (
        UniqueConstraint("exchange_id"),
        # The incoming returns, newest first a page at a time (``queries.incoming_returns``):
        # read from here, each joined to its case, instead of every case of the agency
        # probed for a link and the matches sorted (issue 16).
        Index("ix_exchange_link_incoming", "incoming", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[str] = mapped_column(String(36))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partner.id"))
    # True on the receiving side: the case is an incoming return (DESIGN.md section 3).
    incoming: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    partner: Mapped[Partner] = relationship()

    def can_view(self, user: User) -> bool:
        """Whoever sees the case sees its exchange."""
        return self.case.can_view(user)

    def can_send(self, user: User) -> bool:
        """Whoever may record on the case sends its documents."""
        return self.case.can_edit(user)


class Direction(LabelledEnum):
    SENT = "sent", _l("sent")
    RECEIVED = "received", _l("received")


class Transport(LabelledEnum):
    NETWORK = "network", _l("by network")
    FILE = "file", _l("as a file")


class DeliveryState(LabelledEnum):
    """Where a document stands (shown on the case's exchange page)."""

    QUEUED = "queued", _l("waiting for delivery")
    RETRYING = "retrying", _l("partner not reached yet, trying again")
    DELIVERED = "delivered", _l("delivered, signed receipt kept")
    FILE = "file", _l("to be carried as a file")
    RECEIVED = "received", _l("received, signature checked")


class ExchangeDocument(db.Model):
    """A document sent or received, kept exactly as signed."""

    __tablename__ = "exchange_document"
    __table_args__ = (UniqueConstraint("document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(String(36))
    exchange_id: Mapped[str] = mapped_column(String(36), index=True)
    doc_type: Mapped[DocumentType] = mapped_column(str_enum(DocumentType, "exchange_doc_type"))
    schema_version: Mapped[int] = mapped_column(Integer)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction, "exchange_direction"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("exchange_partner.id"), index=True)
    # None for a home-study request not yet opened as an incoming return.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    envelope: Mapped[str] = mapped_column(Text)  # the signed JSON, byte for byte as received
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transport: Mapped[Transport | None] = mapped_column(str_enum(Transport, "exchange_transport"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    partner: Mapped[Partner] = relationship()
    case: Mapped[Case | None] = relationship()
    outbox: Mapped[OutboxItem | None] = relationship(
        "OutboxItem", viewonly=True, uselist=False, lazy="raise"
    )

    @property
    def received(self) -> bool:
        """Whether the partner sent it to us."""
        return self.direction is Direction.RECEIVED

    @property
    def state(self) -> DeliveryState:
        """Received, to be carried as a file, or where its delivery stands (load ``outbox``)."""
        if self.direction is Direction.RECEIVED:
            return DeliveryState.RECEIVED
        if self.transport is Transport.FILE:
            return DeliveryState.FILE
        item = self.outbox
        if item is not None and item.delivered_at is not None:
            return DeliveryState.DELIVERED
        return (
            DeliveryState.RETRYING if item is not None and item.attempts else DeliveryState.QUEUED
        )

    @property
    def document(self) -> dict[str, Any]:
        """The signed document (without the signature)."""
        return json.loads(self.envelope)["document"]

    @property
    def body(self) -> dict[str, Any]:
        """The document's body (the type's own fields)."""
        return self.document["body"]

    def body_date(self, name: str) -> date | None:
        """A date field of the body, or None (also for a text that is no calendar day, which
        the inbox refuses; a document stored before it checked formats may hold one)."""
        value = self.body.get(name)
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @property
    def provenance(self) -> str:
        """Who signed it and when it arrived, as the gate shows it."""
        when = clock.local_date(self.received_at or self.sent_at).isoformat()
        return f"{self.partner.name} ({self.partner.country}), {when}"

    def can_view(self, user: User) -> bool:
        """A document of a case is seen by whoever sees the case; an unopened request by the
        caseworkers and supervisors of the partner's local agency."""
        if self.case is not None:
            return self.case.can_view(user)
        return user.role is Role.OMBUDSPERSON or self.can_open(user)

    def can_open(self, user: User) -> bool:
        """An unopened request is opened by the staff of the partner's local agency."""
        return (
            self.case_id is None
            and self.doc_type is DocumentType.HOME_STUDY_REQUEST
            and self.direction is Direction.RECEIVED
            and user.role in (Role.CASEWORKER, Role.SUPERVISOR)
            and user.agency_id == self.partner.local_agency_id
        )

    def can_export(self, user: User) -> bool:
        """A document we sent is exported as a file by whoever may send on its case."""
        return (
            self.direction is Direction.SENT and self.case is not None and self.case.can_edit(user)
        )


class OutboxItem(db.Model):
    """A sent document until the partner has acknowledged it with a signed receipt."""

    __tablename__ = "exchange_outbox"
    __table_args__ = (
        UniqueConstraint("document_id"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("exchange_document.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
    receipt: Mapped[str | None] = mapped_column(Text)  # the partner's signed receipt (JSON)

    document: Mapped[ExchangeDocument] = relationship()
