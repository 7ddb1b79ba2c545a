"""The instance secrets in a backup, encrypted under a passphrase (scrypt + AES-256-GCM).

Without the signing key and the pseudonym secret a restored instance would sign with a new
key (its exports no longer verifying against the published fingerprint) and give everyone
new pseudonyms; the secret key keeps sessions and signed tokens valid (issue 14, finding 7).
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "caseapp-backup-secrets/1"
# scrypt cost: 2**17 x 8 x 128 bytes = 128 MiB and about half a second, once per backup.
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
MIN_PASSPHRASE = 12


class BadPassphrase(ValueError):
    """The passphrase does not open the backup's secrets."""


def _key(passphrase: str, salt: bytes, params: dict) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"])
    return kdf.derive(passphrase.encode("utf-8"))


def seal(secrets: dict, passphrase: str, aad: bytes) -> bytes:
    """Encrypt ``secrets`` (a JSON-able dict); ``aad`` binds it to the backup's metadata."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase must have at least {MIN_PASSPHRASE} characters")
    salt, nonce = os.urandom(16), os.urandom(12)
    ciphertext = AESGCM(_key(passphrase, salt, SCRYPT)).encrypt(
        nonce, json.dumps(secrets).encode(), aad
    )
    return json.dumps(
        {
            "format": FORMAT,
            "kdf": {"name": "scrypt", **SCRYPT},
            "salt": base64.b64encode(salt).decode(),
            "nonce": base64.b64encode(nonce).decode(),
            "ciphertext": base64.b64encode(ciphertext).decode(),
        },
        indent=1,
    ).encode()


def unseal(blob: bytes, passphrase: str, aad: bytes) -> dict:
    """Decrypt what ``seal`` wrote; ``BadPassphrase`` when it does not open."""
    document = json.loads(blob)
    if document.get("format") != FORMAT:
        raise ValueError("not a caseapp backup")
    params = document["kdf"]
    key = _key(passphrase, base64.b64decode(document["salt"]), params)
    try:
        plain = AESGCM(key).decrypt(
            base64.b64decode(document["nonce"]), base64.b64decode(document["ciphertext"]), aad
        )
    except InvalidTag as err:
        raise BadPassphrase("wrong passphrase, or the backup was altered") from err
    return json.loads(plain)
