"""The demo's cross-border exchange (issue 11): a partner instance in Ukraine paired with this
one, and a home-study request it sent for a child returning to Moldova, waiting on the
*Incoming returns* page of the Moldovan directorate's staff.

The partner's key is made here and thrown away (demo only): the request is signed with it and
received through the same inbox and checks as a real partner's document.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from caseapp.agencies.models import Agency
from caseapp.audit.bundle_verifier import fingerprint
from caseapp.core.db import utcnow
from caseapp.exchange import keys
from caseapp.exchange.documents import FORMAT, DocumentType, sign
from caseapp.exchange.inbox import receive
from caseapp.exchange.models import Partner, Transport
from caseapp.exchange.operations import add_partner

PARTNER_NAME = "Child protection service of Ukraine (demo partner)"


def add_demo_exchange(agency: Agency, *, today: date) -> Partner:
    """Pair the demo partner (incoming returns led by ``agency``) and receive its request."""
    key = Ed25519PrivateKey.generate()
    raw = keys.raw_public(key.public_key())
    partner = add_partner(
        None,
        name=PARTNER_NAME,
        country="UA",
        base_url="https://caseapp-ua.example.org",
        public_key=base64.b64encode(raw).decode(),
        fingerprint_confirmed=fingerprint(raw),
        confirmed_by="demo data: no fingerprint was confirmed",
        local_agency=agency,
    )
    document = {
        "format": FORMAT,
        "type": str(DocumentType.HOME_STUDY_REQUEST),
        "schema_version": 1,
        "document_id": str(uuid.uuid4()),
        "exchange_id": str(uuid.uuid4()),
        "sender": {"key_id": partner.key_id, "name": PARTNER_NAME, "country": "UA"},
        "recipient": {"key_id": keys.key_id()},
        "sent_at": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "body": {
            "child_given_name": "Andrei",
            "child_family_name": "Ciobanu",
            "child_date_of_birth": date(today.year - 14, 5, 17).isoformat(),
            "child_sex": "male",
            "family_contact_name": "Elena Ciobanu",
            "family_contact_relation": "mother",
            "family_contact_whereabouts": "Orhei",
            "questions": "Can the mother care for Andrei? Is the home safe, is there a school "
            "place, and who would support the family?",
            "reply_by": None,
        },
    }
    receive(json.dumps(sign(document, key)).encode(), transport=Transport.NETWORK)
    return partner
