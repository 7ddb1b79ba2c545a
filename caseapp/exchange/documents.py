"""The exchange format: document types, their JSON Schemas, the canonical form and signatures.

A document travels as ``{"document": {...}, "signature": "<base64>", "alg": "Ed25519"}``. The
signature is made with the sending instance's exchange key over the document's canonical JSON
(keys sorted, no whitespace, UTF-8), so both sides hash the same bytes whatever the transport
(network or file). Each type has one schema per version in ``caseapp/exchange/schemas``
(``<type>.v<version>.json``); the schema's description lists the personal data the type may
carry, and nothing else can be sent: ``additionalProperties`` is false everywhere (002, Rec 2
and Rec 6: cross-border case management between the countries' child-protection authorities).
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from caseapp.core.enums import LabelledEnum
from caseapp.core.i18n import lazy_gettext as _l

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
FORMAT = "caseapp-exchange"
ALG = "Ed25519"


class DocumentType(LabelledEnum):
    """The exchange document types (issue 11; DESIGN.md section 2, "Exchange document")."""

    HOME_STUDY_REQUEST = "home_study_request", _l("Request for a home study")
    HOME_STUDY_REPORT = "home_study_report", _l("Home study report")
    GUARANTEE = "guarantee", _l("Guarantee of care")
    GUARANTEE_WITHDRAWAL = "guarantee_withdrawal", _l("Withdrawal of the guarantee of care")
    READINESS = "readiness", _l("Confirmation of readiness")
    READINESS_WITHDRAWAL = "readiness_withdrawal", _l("Withdrawal of the confirmation of readiness")
    REINTEGRATION_PLAN = "reintegration_plan", _l("Reintegration plan")
    TRAVEL_PLAN = "travel_plan", _l("Travel and handover plan")
    HANDOVER_RECEIPT = "handover_receipt", _l("Handover receipt")
    MONITORING_VISIT_REPORT = "monitoring_visit_report", _l("Monitoring visit report")
    CLOSURE_NOTICE = "closure_notice", _l("Closure notice")


# Who writes each type: the sending country's case ("sending") or the receiving country's
# incoming return ("receiving"). A closure notice goes both ways.
SENT_BY_SENDING = frozenset(
    {DocumentType.HOME_STUDY_REQUEST, DocumentType.TRAVEL_PLAN, DocumentType.CLOSURE_NOTICE}
)
SENT_BY_RECEIVING = frozenset(DocumentType) - {
    DocumentType.HOME_STUDY_REQUEST,
    DocumentType.TRAVEL_PLAN,
}


class FormatError(ValueError):
    """A document that is not a well-formed exchange document; ``code`` names why."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes that are signed: sorted keys, no whitespace, UTF-8 (RFC 8785-like; our
    documents hold only strings, booleans, integers and null, so no float ambiguity)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@cache
def schema(doc_type: str, version: int) -> dict[str, Any] | None:
    """The JSON Schema of ``doc_type`` at ``version``, or None when we do not know it."""
    if doc_type not in set(DocumentType) or not isinstance(version, int) or version < 1:
        return None
    path = SCHEMA_DIR / f"{doc_type}.v{version}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def supported_versions(doc_type: str) -> list[int]:
    """The schema versions of ``doc_type`` this instance understands."""
    return sorted(
        int(p.name.rsplit(".v", 1)[1].removesuffix(".json"))
        for p in SCHEMA_DIR.glob(f"{doc_type}.v*.json")
    )


def validate(document: Any) -> None:
    """Check ``document`` against its type's schema; ``FormatError`` says what is wrong."""
    if not isinstance(document, dict):
        raise FormatError("invalid_document", "the document is not a JSON object")
    doc_type, version = document.get("type"), document.get("schema_version")
    if doc_type not in set(DocumentType):
        raise FormatError("unknown_type", f"unknown document type: {doc_type!r}")
    found = schema(doc_type, version) if isinstance(version, int) else None
    if found is None:
        raise FormatError(
            "unknown_schema_version",
            f"unknown schema version {version!r} of {doc_type} "
            f"(known: {supported_versions(doc_type)})",
        )
    # jsonschema (with referencing and rpds, ~3 MB) is imported by the documents' receipt,
    # not by every worker that imports this module (issue 16 item 6: memory).
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    # The formats too: a "date" must be a calendar day (2026-02-30 is refused here, not
    # found later by the gate), a "uuid" a UUID.
    checker = Draft202012Validator.FORMAT_CHECKER
    error = best_match(Draft202012Validator(found, format_checker=checker).iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        raise FormatError("invalid_document", f"{where}: {error.message}"[:500])


def sign(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The signed envelope of ``document``."""
    signature = key.sign(canonical(document))
    return {"document": document, "signature": base64.b64encode(signature).decode(), "alg": ALG}


def split(envelope: Any) -> tuple[dict[str, Any], bytes]:
    """``(document, signature)`` of an envelope; ``FormatError`` when it is malformed."""
    if not isinstance(envelope, dict) or set(envelope) != {"document", "signature", "alg"}:
        raise FormatError("invalid_envelope", "expected an object with document, signature and alg")
    if envelope["alg"] != ALG or not isinstance(envelope["signature"], str):
        raise FormatError("invalid_envelope", "the signature must be an Ed25519 signature")
    if not isinstance(envelope["document"], dict):
        raise FormatError("invalid_envelope", "the document is not a JSON object")
    try:
        signature = base64.b64decode(envelope["signature"], validate=True)
    except (binascii.Error, ValueError) as err:
        raise FormatError("bad_signature", "the signature is not base64") from err
    return envelope["document"], signature


def verify(document: dict[str, Any], signature: bytes, public_key: Ed25519PublicKey) -> bool:
    """Whether ``signature`` is ``public_key``'s signature of the document's canonical form."""
    try:
        public_key.verify(signature, canonical(document))
    except InvalidSignature:
        return False
    return True


def public_key_from_text(text: str) -> Ed25519PublicKey:
    """A public key given as base64 of its 32 raw bytes (what ``flask exchange key`` prints)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as err:
        raise ValueError("not base64") from err
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)
