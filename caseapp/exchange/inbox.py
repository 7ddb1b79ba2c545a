"""Receiving a document, by network (the inbox endpoint) or by file, with the same checks.

Every check runs before anything is stored, in this order: well-formed envelope, known and
active partner, good signature, addressed to us, known type and schema version, valid against
the schema, not a replay, on an exchange we know with that partner, and a type that the
partner's side writes. A refusal raises ``ExchangeRefused`` with a stable ``code``; its audit
entry (``exchange:document:refuse``) is written after the rollback, so a refusal is recorded
and changes nothing else (issue 11 item 2).

An accepted document is answered with a receipt signed by our exchange key. A document sent
again (the sender did not get our receipt) is refused as a replay but carries the receipt of
the first delivery, so the sender's outbox can close it: exactly once by document id.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import pending, record
from caseapp.cases import versioning
from caseapp.cases.models import Case
from caseapp.core.db import utcnow
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.exchange import keys
from caseapp.exchange.documents import (
    SENT_BY_RECEIVING,
    SENT_BY_SENDING,
    DocumentType,
    FormatError,
    canonical,
    public_key_from_text,
    split,
    validate,
    verify,
)
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink, Partner, Transport
from caseapp.exchange.operations import partner_by_key

if TYPE_CHECKING:
    from caseapp.auth.models import User

MAX_DOCUMENT_BYTES = 256 * 1024
RECEIPT_FORMAT = "caseapp-exchange-receipt"


class ExchangeRefused(DomainError):
    """A document refused before any change; ``code`` is stable (the API's error code)."""

    status_code = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        audit: object | None = None,
        receipt: dict | None = None,
    ) -> None:
        super().__init__(message, audit=audit)
        self.code = code
        self.status_code = status
        self.receipt = receipt


def _messages() -> dict[str, str]:
    return {
        "invalid_json": _("The document is not JSON."),
        "too_large": _("The document is too large."),
        "invalid_envelope": _("The document is not a signed exchange document."),
        "unknown_partner": _("The sender is not a registered partner."),
        "bad_signature": _("The signature does not match the document: it was changed or forged."),
        "wrong_recipient": _("The document is addressed to another instance."),
        "unknown_type": _("Unknown document type."),
        "unknown_schema_version": _("Unknown schema version of this document type."),
        "invalid_document": _("The document does not match its schema."),
        "replayed": _("This document was already received."),
        "unknown_exchange": _("No exchange with this id exists with this partner."),
        "wrong_side": _("The partner's side of the exchange does not send this document."),
        "exchange_closed": _("The exchange is closed: a closure notice was sent or received."),
        "not_yours": _(
            "The document is genuine but belongs to a case or agency you do not work for: "
            "nothing was imported."
        ),
    }


def _refuse(
    code: str,
    *,
    partner: Partner | None,
    transport: Transport,
    detail: str | None = None,
    document_id: Any = None,
    status: int = 400,
    receipt: dict | None = None,
) -> ExchangeRefused:
    diff = {"code": code, "transport": str(transport)}
    if isinstance(document_id, str) and len(document_id) <= 36:
        diff["document_id"] = document_id
    if partner is not None:
        diff["partner"] = f"{partner.name} ({partner.country})"
    message = _messages()[code]
    if detail:
        message = f"{message} ({detail})"
    return ExchangeRefused(
        code,
        message,
        status=status,
        audit=pending(None, AuditAction.EXCHANGE_REFUSE, partner, diff=diff),
        receipt=receipt,
    )


def digest(document: dict[str, Any]) -> str:
    """SHA-256 (hex) of a document's canonical form (named in the receipt)."""
    return hashlib.sha256(canonical(document)).hexdigest()


def receipt_for(stored: ExchangeDocument) -> dict[str, Any]:
    """Our signed receipt of a received document (deterministic: Ed25519 signatures are)."""
    from caseapp.exchange.documents import sign

    received_at = stored.received_at or stored.sent_at
    body = {
        "format": RECEIPT_FORMAT,
        "document_id": stored.document_id,
        "digest": digest(stored.document),
        "receiver": keys.key_id(),
        "received_at": received_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "accepted",
    }
    return sign(body, keys.signing_key())


def check_receipt(receipt: Any, partner: Partner, sent: ExchangeDocument) -> bool:
    """Whether ``receipt`` is ``partner``'s signed receipt of exactly the document ``sent``."""
    try:
        body, signature = split(receipt)
    except FormatError:
        return False
    return (
        verify(body, signature, public_key_from_text(partner.public_key))
        and body.get("format") == RECEIPT_FORMAT
        and body.get("document_id") == sent.document_id
        and body.get("digest") == digest(sent.document)
        and body.get("receiver") == partner.key_id
    )


def receive(raw: bytes | str, *, transport: Transport) -> tuple[ExchangeDocument, dict]:
    """Check and store one incoming signed document; returns it and our signed receipt."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise _refuse("too_large", partner=None, transport=transport, status=413)
    try:
        envelope = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise _refuse("invalid_json", partner=None, transport=transport) from err
    try:
        document, signature = split(envelope)
    except FormatError as err:
        raise _refuse(err.code, partner=None, transport=transport, detail=err.detail) from err
    document_id = document.get("document_id")
    sender = document.get("sender")
    key_id = sender.get("key_id") if isinstance(sender, dict) else None
    partner = partner_by_key(key_id) if isinstance(key_id, str) else None
    if partner is None:
        raise _refuse(
            "unknown_partner",
            partner=None,
            transport=transport,
            document_id=document_id,
            status=403,
        )
    if not verify(document, signature, public_key_from_text(partner.public_key)):
        raise _refuse(
            "bad_signature",
            partner=partner,
            transport=transport,
            document_id=document_id,
            status=403,
        )
    recipient = document.get("recipient")
    if not isinstance(recipient, dict) or recipient.get("key_id") != keys.key_id():
        raise _refuse("wrong_recipient", partner=partner, transport=transport, status=403)
    try:
        validate(document)
    except FormatError as err:
        raise _refuse(
            err.code,
            partner=partner,
            transport=transport,
            detail=err.detail,
            document_id=document_id,
        ) from err
    earlier = db.session.scalar(
        select(ExchangeDocument).where(ExchangeDocument.document_id == document_id)
    )
    if earlier is not None:
        same = (
            earlier.direction is Direction.RECEIVED
            and earlier.partner_id == partner.id
            and digest(earlier.document) == digest(document)
        )
        raise _refuse(
            "replayed",
            partner=partner,
            transport=transport,
            document_id=document_id,
            status=409,
            receipt=receipt_for(earlier) if same else None,
        )
    doc_type = DocumentType(document["type"])
    case_id = _case_for(document, doc_type, partner, transport)
    stored = ExchangeDocument(
        document_id=document_id,
        exchange_id=document["exchange_id"],
        doc_type=doc_type,
        schema_version=document["schema_version"],
        direction=Direction.RECEIVED,
        partner_id=partner.id,
        case_id=case_id,
        envelope=json.dumps(envelope, ensure_ascii=False, sort_keys=True),
        sent_at=_parse_time(document["sent_at"]),
        received_at=utcnow(),
        transport=transport,
    )
    db.session.add(stored)
    db.session.flush()
    if case_id is not None:
        # The partner's word joins the case's record as a local record does: it bumps the
        # case's version, so an approval given on a page loaded before it, or racing it on
        # PostgreSQL, is refused as stale instead of missing it (DESIGN.md 4.1 item 2).
        versioning.touch_case(db.session.get_one(Case, case_id))
    record(
        None,
        AuditAction.EXCHANGE_RECEIVE,
        stored,
        diff={
            "type": str(doc_type),
            "document_id": document_id,
            "exchange_id": stored.exchange_id,
            "partner": f"{partner.name} ({partner.country})",
            "transport": str(transport),
        },
    )
    return stored, receipt_for(stored)


def import_file(actor: User, data: bytes) -> ExchangeDocument:
    """Receive a signed document carried as a file, uploaded by ``actor`` on the import page:
    the same checks as the network inbox, then the object-level check that the document joins
    a case (or a request to an agency) ``actor`` works for; otherwise nothing is kept."""
    stored, _receipt = receive(data, transport=Transport.FILE)
    if not stored.can_view(actor) or actor.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        raise ExchangeRefused(
            "not_yours",
            _messages()["not_yours"],
            status=403,
            audit=pending(
                actor,
                AuditAction.EXCHANGE_REFUSE,
                stored.partner,
                diff={"code": "not_yours", "transport": str(Transport.FILE)},
            ),
        )
    return stored


def _parse_time(text: str):
    from datetime import UTC, datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _case_for(document: dict, doc_type: DocumentType, partner: Partner, transport) -> int | None:
    """The case a document joins; refuses an unknown exchange or the wrong side's type."""
    exchange_id = document["exchange_id"]
    link = db.session.scalar(select(ExchangeLink).where(ExchangeLink.exchange_id == exchange_id))
    request = db.session.scalar(
        select(ExchangeDocument).where(
            ExchangeDocument.exchange_id == exchange_id,
            ExchangeDocument.doc_type == DocumentType.HOME_STUDY_REQUEST,
            ExchangeDocument.direction == Direction.RECEIVED,
        )
    )
    doc_id = document["document_id"]
    closures = select(ExchangeDocument.id).where(
        ExchangeDocument.exchange_id == exchange_id,
        ExchangeDocument.doc_type == DocumentType.CLOSURE_NOTICE,
    )
    if doc_type is not DocumentType.CLOSURE_NOTICE and db.session.scalar(closures.limit(1)):
        raise _refuse(
            "exchange_closed", partner=partner, transport=transport, document_id=doc_id, status=409
        )
    if doc_type is DocumentType.HOME_STUDY_REQUEST:
        if link is not None or request is not None:
            raise _refuse("replayed", partner=partner, transport=transport, document_id=doc_id)
        return None
    if link is not None and link.partner_id != partner.id:
        link = None
    if request is not None and request.partner_id != partner.id:
        request = None
    if link is None and request is None:
        raise _refuse(
            "unknown_exchange", partner=partner, transport=transport, document_id=doc_id, status=404
        )
    # We receive from the sending side on an incoming return, from the receiving side otherwise.
    incoming = link.incoming if link is not None else True
    if doc_type not in (SENT_BY_SENDING if incoming else SENT_BY_RECEIVING):
        raise _refuse("wrong_side", partner=partner, transport=transport, document_id=doc_id)
    return link.case_id if link is not None else None
