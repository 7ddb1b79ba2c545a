"""The instance's exchange key: Ed25519, generated into the instance folder on first use.

A separate key from the audit export's (``caseapp.audit.keys``), so that pairing with a
partner country never hands out the key an ombudsperson trusts, and either can be replaced
alone. Its id is the SHA-256 fingerprint of the raw public key, read aloud (grouped) to the
partner's administrator over another channel when the two instances are paired.
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from caseapp.audit.bundle_verifier import fingerprint
from caseapp.audit.keys import _read_or_create, grouped

EXCHANGE_KEY_FILE = "exchange_signing_key.pem"

__all__ = ["grouped", "key_id", "public_key_text", "sender", "signing_key"]


def signing_key() -> Ed25519PrivateKey:
    """The instance's exchange signing key (generated on first use, mode 600)."""

    def make() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    key = serialization.load_pem_private_key(_read_or_create(EXCHANGE_KEY_FILE, make), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{EXCHANGE_KEY_FILE} is not an Ed25519 private key")
    return key


def raw_public(key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of a public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_text() -> str:
    """This instance's public key as base64 of its raw bytes (given to partners)."""
    return base64.b64encode(raw_public(signing_key().public_key())).decode()


def key_id() -> str:
    """This instance's exchange key id (SHA-256 hex of the raw public key)."""
    return fingerprint(raw_public(signing_key().public_key()))


def sender() -> dict[str, str]:
    """The ``sender`` part of every document this instance signs.

    ``EXCHANGE_NAME`` and ``EXCHANGE_COUNTRY`` (settings, e.g. ``CASEAPP_EXCHANGE_COUNTRY=UA``)
    name the authority the instance speaks for.
    """
    config = current_app.config
    return {
        "key_id": key_id(),
        "name": str(config.get("EXCHANGE_NAME") or "caseapp"),
        "country": str(config.get("EXCHANGE_COUNTRY") or "ZZ").upper(),
    }
