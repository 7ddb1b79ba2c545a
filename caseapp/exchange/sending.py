"""Sending: build and sign a document, check its place in the sequence, store it in the outbox;
request a home study (issue 11; 002, Rec 2: "inter-institutional and international
co-ordination"). Only flush, never commit; every document sent is audited with it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.cases.versioning import check_version, touch_case
from caseapp.children.models import FamilyMember
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.exchange import keys
from caseapp.exchange.documents import FORMAT, DocumentType, FormatError, sign, validate
from caseapp.exchange.models import (
    Direction,
    ExchangeDocument,
    ExchangeLink,
    OutboxItem,
    Partner,
    Transport,
)
from caseapp.exchange.operations import link_of
from caseapp.exchange.sequence import sendable, sequence_problem


def build(doc_type: DocumentType, exchange_id: str, partner: Partner, body: dict) -> dict:
    """A signed envelope of a new document of ``doc_type`` to ``partner``."""
    document = {
        "format": FORMAT,
        "type": str(doc_type),
        "schema_version": 1,
        "document_id": str(uuid.uuid4()),
        "exchange_id": exchange_id,
        "sender": keys.sender(),
        "recipient": {"key_id": partner.key_id},
        "sent_at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "body": body,
    }
    try:
        validate(document)
    except FormatError as err:
        raise ValidationFailed(
            _("The document is incomplete or invalid: %(detail)s", detail=err.detail)
        ) from err
    return sign(document, keys.signing_key())


def _plain_body(values: dict[str, Any]) -> dict[str, Any]:
    body = {}
    for name, value in values.items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, str):
            value = value.strip()
        body[name] = value
    return body


def send(
    actor: User | None,
    link: ExchangeLink,
    doc_type: DocumentType,
    body: dict[str, Any],
    *,
    transport: Transport = Transport.NETWORK,
    expected_version: int | None = None,
) -> ExchangeDocument:
    """Sign a document on ``link``'s exchange and queue it for the partner (or for a file).

    Only the side that writes a type may send it (the receiving country writes the home study,
    guarantee, readiness, reintegration plan, handover receipt and visit reports; the sending
    country the request and the travel plan), in the order of the return (``sequence_problem``).
    From a page the case version the user loaded is checked (``expected_version``); the case's
    version moves on, as with any record on it. Audited with the partner it goes to.
    """
    if actor is not None and not link.can_send(actor):
        raise PermissionDenied(_("You may not send documents for this case."))
    if expected_version is not None:
        check_version(link.case, expected_version)
    if doc_type not in sendable(link):
        raise ValidationFailed(_("This side of the exchange does not send this document."))
    if not link.partner.active:
        raise ValidationFailed(_("The partner is no longer active."))
    problem = sequence_problem(link, doc_type)
    if problem is not None:
        raise ValidationFailed(problem)
    envelope = build(doc_type, link.exchange_id, link.partner, _plain_body(body))
    sent = _store_sent(actor, link.partner, link.case, envelope, transport)
    if expected_version is not None:
        touch_case(link.case)
    return sent


def _store_sent(
    actor: User | None, partner: Partner, case: Case | None, envelope: dict, transport: Transport
) -> ExchangeDocument:
    import json

    document = envelope["document"]
    sent = ExchangeDocument(
        document_id=document["document_id"],
        exchange_id=document["exchange_id"],
        doc_type=DocumentType(document["type"]),
        schema_version=document["schema_version"],
        direction=Direction.SENT,
        partner_id=partner.id,
        case_id=case.id if case is not None else None,
        envelope=json.dumps(envelope, ensure_ascii=False, sort_keys=True),
        sent_at=utcnow(),
        transport=transport,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(sent)
    db.session.flush()
    if transport is Transport.NETWORK:
        db.session.add(OutboxItem(document_id=sent.id, attempts=0, next_attempt_at=utcnow()))
    record(
        actor,
        AuditAction.EXCHANGE_SEND,
        sent,
        case=case,
        diff={
            "type": document["type"],
            "document_id": document["document_id"],
            "exchange_id": document["exchange_id"],
            "partner": f"{partner.name} ({partner.country})",
            "transport": str(transport),
        },
    )
    return sent


def request_home_study(
    actor: User,
    case: Case,
    partner: Partner,
    *,
    family_member: FamilyMember,
    questions: str,
    reply_by: date | None = None,
    transport: Transport = Transport.NETWORK,
    expected_version: int | None = None,
) -> ExchangeDocument:
    """Start an exchange: ask the partner's child-protection authority for a home study.

    Only what the home study needs leaves the country: the child's primary name, date of birth
    and sex, and the one family contact to assess (see the schema's personal-data list).
    """
    if not case.can_edit(actor):
        raise PermissionDenied(_("You may not send documents for this case."))
    if expected_version is not None:
        check_version(case, expected_version)
    if link_of(case) is not None:
        raise ValidationFailed(_("This case already has its exchange with a partner."))
    if not partner.active:
        raise ValidationFailed(_("The partner is no longer active."))
    if family_member.case_id != case.id:
        raise ValidationFailed(_("Choose a family member of this case."))
    child = case.child
    name = child.primary_name if child is not None else None
    if name is None:
        raise ValidationFailed(_("Record the child's name first."))
    link = ExchangeLink(
        exchange_id=str(uuid.uuid4()), case_id=case.id, partner_id=partner.id, incoming=False
    )
    db.session.add(link)
    db.session.flush()
    body = {
        "child_given_name": name.given_name,
        "child_family_name": name.family_name or "-",
        "child_date_of_birth": child.date_of_birth,
        "child_sex": str(child.sex),
        "family_contact_name": family_member.name,
        "family_contact_relation": str(family_member.relation),
        "family_contact_whereabouts": family_member.whereabouts or "-",
        "questions": questions,
        "reply_by": reply_by,
    }
    request = _store_sent(
        actor,
        partner,
        case,
        build(DocumentType.HOME_STUDY_REQUEST, link.exchange_id, partner, _plain_body(body)),
        transport,
    )
    if expected_version is not None:
        touch_case(case)
    return request
