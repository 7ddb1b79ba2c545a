"""Exchange operations: pair a partner, open an incoming return, find a case's exchange
(issue 11; 002, Rec 2: "inter-institutional and international co-ordination involving the
countries of origin, transit and destination"; Rec 6: "cross-border case management
procedures"). Only flush, never commit; every change is audited with it.

Sending a document and requesting a home study are in ``caseapp.exchange.sending``, the
order of a return's documents in ``caseapp.exchange.sequence``, receiving a document in
``caseapp.exchange.inbox``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import fingerprint
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.exchange import keys
from caseapp.exchange.documents import DocumentType, public_key_from_text
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink, Partner

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
