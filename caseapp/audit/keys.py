"""The instance's audit secrets: Ed25519 signing key, pseudonym master secret, instance id.

Each is generated into the instance folder on first use (mode 600, never committed: the
folder is git-ignored). The key id is the SHA-256 fingerprint of the raw public key; it is
shown on the audit page so an ombudsperson can confirm it by another channel.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app

from caseapp.audit.bundle_verifier import fingerprint

SIGNING_KEY_FILE = "audit_signing_key.pem"
PSEUDONYM_SECRET_FILE = "audit_pseudonym_secret"  # noqa: S105 -- a file name
INSTANCE_ID_FILE = "audit_instance_id"


def _instance_file(name: str) -> Path:
    return Path(current_app.instance_path) / name


def _create_once(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (mode 600) unless another process got there first."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic: fails if the file already exists
    finally:
        tmp.unlink(missing_ok=True)


def _read_or_create(name: str, make) -> bytes:
    path = _instance_file(name)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_once(path, make())
    return path.read_bytes()


def signing_key() -> Ed25519PrivateKey:
    """The instance's Ed25519 signing key (generated on first use)."""

    def make() -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    key = serialization.load_pem_private_key(_read_or_create(SIGNING_KEY_FILE, make), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{SIGNING_KEY_FILE} is not an Ed25519 private key")
    return key


def signing_key_pem() -> bytes:
    """The private key file's bytes (only for an encrypted backup)."""
    signing_key()
    return _instance_file(SIGNING_KEY_FILE).read_bytes()


def public_key_pem() -> bytes:
    """The public key (PEM) that verifies export signatures."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def key_id() -> str:
    """The key id: SHA-256 fingerprint (hex) of the raw public key."""
    raw = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return fingerprint(raw)


def grouped(hex_text: str) -> str:
    """A fingerprint in groups of four characters, easier to read aloud."""
    return " ".join(hex_text[i : i + 4] for i in range(0, len(hex_text), 4))


def pseudonym_master_secret() -> bytes:
    """The master secret from which each recipient's pseudonym key is derived."""
    return _read_or_create(PSEUDONYM_SECRET_FILE, lambda: secrets.token_bytes(32))


def instance_id() -> str:
    """This installation's id (``AUDIT_INSTANCE_ID`` setting, else generated once)."""
    configured = current_app.config.get("AUDIT_INSTANCE_ID")
    if configured:
        return str(configured)
    return _read_or_create(INSTANCE_ID_FILE, lambda: str(uuid.uuid4()).encode()).decode().strip()
