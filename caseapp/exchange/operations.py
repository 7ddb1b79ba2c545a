"""Exchange operations: pair a partner, request a home study, send a document, open an
incoming return (issue 11; 002, Rec 2: "inter-institutional and international co-ordination
involving the countries of origin, transit and destination"; Rec 6: "cross-border case
management procedures"). Only flush, never commit; every change is audited with it.

Receiving a document is in ``caseapp.exchange.inbox``.
"""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import fingerprint
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.cases.versioning import check_version, touch_case
from caseapp.children.models import FamilyMember
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.exchange import keys
from caseapp.exchange.documents import (
    FORMAT,
    SENT_BY_RECEIVING,
    SENT_BY_SENDING,
    DocumentType,
    FormatError,
    public_key_from_text,
    sign,
    validate,
)
from caseapp.exchange.models import (
    Direction,
    ExchangeDocument,
    ExchangeLink,
    OutboxItem,
    Partner,
    Transport,
)

_COUNTRY = re.compile(r"^[A-Z]{2}$")


# -- partners -------------------------------------------------------------------------------


def _check_partner(
    *,
    partner: Partner | None,
    name: str,
    country: str,
    base_url: str,
    public_key: str,
    fingerprint_confirmed: str,
    confirmed_by: str,
    local_agency: Agency | None,
) -> str:
    """Check a partner's register entry; returns the key id (``ValidationFailed`` otherwise).

    A new key (a new partner, or a partner whose key changed) must match the fingerprint the
    admin confirmed with the partner by another channel (telephone, letter), so a key swapped
    on the way is caught (002, Rec 6: cross-border procedures between the authorities)."""
    errors: dict[str, list[str]] = {}
    if not _COUNTRY.match(country):
        errors["country"] = [_("Give the two-letter country code (e.g. MD).")]
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors["base_url"] = [_("Give the partner's address, starting with https://.")]
    key_id = ""
    try:
        key_id = fingerprint(keys.raw_public(public_key_from_text(public_key)))
    except ValueError:
        errors["public_key"] = [_("This is not an Ed25519 public key (base64 of 32 bytes).")]
    new_key = partner is None or key_id != partner.key_id
    typed = re.sub(r"[\s:]", "", fingerprint_confirmed or "").lower()
    if key_id and new_key and typed != key_id:
        errors["fingerprint_confirmed"] = [
            _("The fingerprint does not match the key: confirm it again with the partner.")
        ]
    if key_id and key_id == keys.key_id():
        errors["public_key"] = [_("This is this instance's own key.")]
    if local_agency is None or not (
        local_agency.kind is AgencyKind.CHILD_PROTECTION and local_agency.active
    ):
        errors["local_agency"] = [
            _("Incoming returns are led by a child-protection agency (002, Rec 3).")
        ]
    if not name:
        errors["name"] = [_("Give the partner's name.")]
    if not confirmed_by:
        errors["confirmed_by"] = [_("Say how the fingerprint was confirmed.")]
    if key_id and new_key and db.session.scalar(select(Partner.id).where(Partner.key_id == key_id)):
        errors["public_key"] = [_("A partner with this key is already registered.")]
    if errors:
        raise ValidationFailed(_("The partner register was not changed."), details=errors)
    return key_id


def add_partner(
    actor: User | None,
    *,
    name: str,
    country: str,
    base_url: str,
    public_key: str,
    fingerprint_confirmed: str,
    confirmed_by: str,
    local_agency: Agency | None,
) -> Partner:
    """Pair a partner instance (its key checked against the confirmed fingerprint)."""
    if actor is not None and not Partner.can_manage(actor):
        raise PermissionDenied(_("Only an administrator may keep the partner register."))
    values = _partner_values(name, country, base_url, public_key, confirmed_by)
    key_id = _check_partner(
        partner=None,
        fingerprint_confirmed=fingerprint_confirmed,
        local_agency=local_agency,
        **values,
    )
    assert local_agency is not None  # checked above
    partner = Partner(**values, key_id=key_id, local_agency_id=local_agency.id, active=True)
    db.session.add(partner)
    record(actor, AuditAction.EXCHANGE_PARTNER_ADD, partner, diff=diff_of(partner))
    return partner


def update_partner(
    actor: User,
    partner: Partner,
    *,
    name: str,
    country: str,
    base_url: str,
    public_key: str,
    fingerprint_confirmed: str,
    confirmed_by: str,
    local_agency: Agency | None,
    active: bool,
) -> Partner:
    """Change a partner's entry; a new key needs its fingerprint confirmed again. A partner
    made inactive is refused by the inbox (``unknown_partner``) and sent nothing."""
    if not Partner.can_manage(actor):
        raise PermissionDenied(_("Only an administrator may keep the partner register."))
    values = _partner_values(name, country, base_url, public_key, confirmed_by)
    key_id = _check_partner(
        partner=partner,
        fingerprint_confirmed=fingerprint_confirmed,
        local_agency=local_agency,
        **values,
    )
    assert local_agency is not None  # checked above
    changes = {**values, "key_id": key_id, "local_agency_id": local_agency.id, "active": active}
    diff = {
        name: [getattr(partner, name), value]
        for name, value in changes.items()
        if getattr(partner, name) != value
    }
    if not diff:
        return partner
    for name, value in changes.items():
        setattr(partner, name, value)
    db.session.flush()
    record(actor, AuditAction.EXCHANGE_PARTNER_EDIT, partner, diff=diff)
    return partner


def _partner_values(
    name: str | None,
    country: str | None,
    base_url: str | None,
    public_key: str | None,
    confirmed_by: str | None,
) -> dict[str, str]:
    return {
        "name": (name or "").strip(),
        "country": (country or "").strip().upper(),
        "base_url": (base_url or "").strip().rstrip("/"),
        "public_key": (public_key or "").strip(),
        "confirmed_by": (confirmed_by or "").strip(),
    }


def partner_by_key(key_id: str) -> Partner | None:
    """The active partner whose key has this id."""
    return db.session.scalar(
        select(Partner).where(Partner.key_id == key_id, Partner.active.is_(True))
    )


# -- building and sending -------------------------------------------------------------------


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


def sendable(link: ExchangeLink) -> list[DocumentType]:
    """The types this side of ``link``'s exchange writes, in the order of the return."""
    allowed = SENT_BY_RECEIVING if link.incoming else SENT_BY_SENDING
    return [t for t in DocumentType if t in allowed and t is not DocumentType.HOME_STUDY_REQUEST]


def exchanged_types(exchange_id: str) -> dict[tuple[Direction, DocumentType], int]:
    """How many documents of each direction and type the exchange holds."""
    rows = db.session.execute(
        select(ExchangeDocument.direction, ExchangeDocument.doc_type, func.count())
        .where(ExchangeDocument.exchange_id == exchange_id)
        .group_by(ExchangeDocument.direction, ExchangeDocument.doc_type)
    )
    return {(direction, doc_type): count for direction, doc_type, count in rows}


def sequence_problem(
    link: ExchangeLink,
    doc_type: DocumentType,
    held: dict[tuple[Direction, DocumentType], int] | None = None,
) -> str | None:
    """Why ``doc_type`` cannot be sent on the exchange now, or None.

    - a closure notice (from either side) closes the exchange: nothing more is sent on it,
      except the other side's own closure notice;
    - a withdrawal withdraws something this side sent (a guarantee, a readiness);
    - monitoring visits are reported after the return: after this side's handover receipt
      (002, Rec 2: "independent monitoring and follow-up" of the returned child).
    """
    held = exchanged_types(link.exchange_id) if held is None else held

    def has(direction: Direction, kind: DocumentType) -> bool:
        return held.get((direction, kind), 0) > 0

    closed = has(Direction.SENT, DocumentType.CLOSURE_NOTICE) or has(
        Direction.RECEIVED, DocumentType.CLOSURE_NOTICE
    )
    if closed and (
        doc_type is not DocumentType.CLOSURE_NOTICE
        or has(Direction.SENT, DocumentType.CLOSURE_NOTICE)
    ):
        return _("The exchange is closed: a closure notice was sent or received.")
    needs = {
        DocumentType.GUARANTEE_WITHDRAWAL: (
            DocumentType.GUARANTEE,
            _("No guarantee of care was sent on this exchange, so none can be withdrawn."),
        ),
        DocumentType.READINESS_WITHDRAWAL: (
            DocumentType.READINESS,
            _("No confirmation of readiness was sent on this exchange, so none can be withdrawn."),
        ),
        DocumentType.MONITORING_VISIT_REPORT: (
            DocumentType.HANDOVER_RECEIPT,
            _("Visits are reported after the return: send the handover receipt first."),
        ),
    }
    if doc_type in needs and not has(Direction.SENT, needs[doc_type][0]):
        return needs[doc_type][1]
    return None


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


# -- the receiving side ---------------------------------------------------------------------


def open_incoming_return(actor: User, request_doc: ExchangeDocument) -> Case:
    """Open the incoming return for a received home-study request: a case led by our
    child-protection agency, linked to the sending case by the exchange id (DESIGN.md 3).

    The case is opened through ``open_case`` (the same rules and audit as any case), with
    only what the request carried; the documents already received on the exchange join it.
    """
    from caseapp.cases.operations import open_case

    if request_doc.doc_type is not DocumentType.HOME_STUDY_REQUEST or (
        request_doc.direction is not Direction.RECEIVED
    ):
        raise ValidationFailed(_("Only a received home-study request opens an incoming return."))
    if request_doc.case_id is not None:
        raise ValidationFailed(_("This request already has its incoming return."))
    partner = request_doc.partner
    if actor.agency_id != partner.local_agency_id:
        raise PermissionDenied(_("Only the agency that receives this partner's requests may."))
    body = request_doc.body
    dob = request_doc.body_date("child_date_of_birth")
    case = open_case(
        actor,
        agency=partner.local_agency,
        given_name=body["child_given_name"],
        family_name=None if body["child_family_name"] == "-" else body["child_family_name"],
        date_of_birth=dob,
        sex=body["child_sex"],
        country_of_origin=partner.local_agency.country,
    )
    db.session.flush()
    link = ExchangeLink(
        exchange_id=request_doc.exchange_id,
        case_id=case.id,
        partner_id=partner.id,
        incoming=True,
    )
    db.session.add(link)
    for doc in db.session.scalars(
        select(ExchangeDocument).where(
            ExchangeDocument.exchange_id == request_doc.exchange_id,
            ExchangeDocument.case_id.is_(None),
        )
    ):
        doc.case_id = case.id
    db.session.flush()
    record(
        actor,
        AuditAction.EXCHANGE_INCOMING_OPEN,
        link,
        case=case,
        diff={
            "exchange_id": link.exchange_id,
            "partner": f"{partner.name} ({partner.country})",
            "request": request_doc.document_id,
        },
    )
    return case


def link_of(case: Case) -> ExchangeLink | None:
    """The case's exchange link, if it has one (one exchange per case)."""
    return db.session.scalar(
        select(ExchangeLink).where(ExchangeLink.case_id == case.id).order_by(ExchangeLink.id)
    )
