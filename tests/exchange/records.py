"""Exchange records for the route policy's URL arguments and the page tests, made through the
real operations: a partner paired with its own key, a document our side sent on
``world.case``'s exchange, and a signed home-study request received from the partner for
agency A. Each is made once per test (cached on the world)."""

from __future__ import annotations

import json
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.exchange import keys
from caseapp.exchange.documents import FORMAT, DocumentType, sign
from tests.support import clock


def _cached(world, name, make):
    cache = world.__dict__.setdefault("_exchange", {})
    if name not in cache:
        cache[name] = make()
        db.session.commit()
    return cache[name]


def partner_key(world) -> Ed25519PrivateKey:
    """The partner instance's signing key (what its own caseapp would hold)."""
    return _cached(world, "key", Ed25519PrivateKey.generate)


def pair(agency, key: Ed25519PrivateKey, *, name="Child protection directorate of Moldova"):
    """Register the holder of ``key`` as a partner, incoming returns led by ``agency``."""
    from caseapp.exchange.operations import add_partner

    raw = keys.raw_public(key.public_key())
    import base64

    from caseapp.audit.bundle_verifier import fingerprint

    return add_partner(
        None,
        name=name,
        country="MD",
        base_url="http://127.0.0.1:9",
        public_key=base64.b64encode(raw).decode(),
        fingerprint_confirmed=keys.grouped(fingerprint(raw)),
        confirmed_by="read aloud by telephone",
        local_agency=agency,
    )


def partner(world):
    """The partner of agency A (world.agency leads its incoming returns)."""
    return _cached(world, "partner", lambda: pair(world.agency, partner_key(world)))


def return_to_partner(ready, country: str = "MD") -> None:
    """Make ``ready``'s return go to the partner's country: only an active partner of the
    country of return gives the gate its word (caseapp/gate/safeguards/received.py)."""
    ready.case.child.country_of_origin = country
    ready.r["coordination"].destination_country = country
    ready.r["bia"].return_country = country
    db.session.commit()


def link(world, case=None):
    """``world.case``'s (or ``case``'s) exchange with the partner (our side sends)."""
    from caseapp.exchange.models import ExchangeLink

    case = case if case is not None else world.case

    def make():
        row = ExchangeLink(
            exchange_id=str(uuid.uuid4()),
            case_id=case.id,
            partner_id=partner(world).id,
            incoming=False,
        )
        db.session.add(row)
        db.session.flush()
        return row

    return _cached(world, "link" if case is world.case else f"link-{case.id}", make)


def travel(day=None):
    """A travel plan for ``day`` (default today)."""
    return {
        "travel_on": (day or clock.today()).isoformat(),
        "route": "Odesa - Chisinau by road",
        "escort_name": "Child-protection official",
        "escort_is_child_protection": True,
        "receiving_official": "Receiving officer",
        "handover_place": "Directorate office, Chisinau",
        "handover_at_border": False,
    }


def handover():
    """A handover receipt: the child received today by child protection."""
    return {
        "received_on": clock.today().isoformat(),
        "received_by": "Receiving officer",
        "received_by_child_protection": True,
        "place": "Directorate office, Chisinau",
    }


def visit():
    """A first monitoring visit report, today, with nothing of concern."""
    return {
        "visited_on": clock.today().isoformat(),
        "monitor_name": "Independent NGO",
        "wellbeing": "Good",
        "family": "Warm",
        "school": "Enrolled",
        "health": "Well",
        "concerns": "None",
    }


def exported_document(world, case=None):
    """A travel plan our side signed on ``world.case``'s (or ``case``'s) exchange, to be
    carried as a file."""
    from caseapp.exchange.models import Transport
    from caseapp.exchange.sending import send

    case = case if case is not None else world.case
    return _cached(
        world,
        "sent" if case is world.case else f"sent-{case.id}",
        lambda: send(
            None, link(world, case), DocumentType.TRAVEL_PLAN, travel(), transport=Transport.FILE
        ),
    )


def signed(world, doc_type: DocumentType, exchange_id: str, body: dict) -> bytes:
    """A document of ``doc_type`` signed by the partner's key and addressed to us."""
    from caseapp.audit.bundle_verifier import fingerprint

    document = {
        "format": FORMAT,
        "type": str(doc_type),
        "schema_version": 1,
        "document_id": str(uuid.uuid4()),
        "exchange_id": exchange_id,
        "sender": {
            "key_id": fingerprint(keys.raw_public(partner_key(world).public_key())),
            "name": "Child protection directorate of Moldova",
            "country": "MD",
        },
        "recipient": {"key_id": keys.key_id()},
        "sent_at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "body": body,
    }
    return json.dumps(sign(document, partner_key(world))).encode()


REQUEST = {
    "child_given_name": "Ion",
    "child_family_name": "Rusu",
    "child_date_of_birth": "2012-03-04",
    "child_sex": "male",
    "family_contact_name": "Maria Rusu",
    "family_contact_relation": "mother",
    "family_contact_whereabouts": "Chisinau",
    "questions": "Can the mother care for the child?",
    "reply_by": None,
}


def waiting_request(world):
    """A home-study request received from the partner (via the inbox), not yet opened."""
    from caseapp.exchange.inbox import receive
    from caseapp.exchange.models import Transport

    def make():
        partner(world)
        raw = signed(world, DocumentType.HOME_STUDY_REQUEST, str(uuid.uuid4()), REQUEST)
        return receive(raw, transport=Transport.NETWORK)[0]

    return _cached(world, "request", make)


def waiting_requests(world, n: int) -> list:
    """``n`` more home-study requests received from the partner, oldest first, none opened
    (the incoming lists' pages)."""
    from caseapp.exchange.inbox import receive
    from caseapp.exchange.models import Transport

    partner(world)
    return [
        receive(
            signed(world, DocumentType.HOME_STUDY_REQUEST, str(uuid.uuid4()), REQUEST),
            transport=Transport.NETWORK,
        )[0]
        for _ in range(n)
    ]
