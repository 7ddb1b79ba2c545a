"""Password hashing (argon2id) and the password policy (ASVS 5.0 V6.2, V11.4.2).

Policy, chosen and documented in SECURITY.md:
- at least ``MIN_LENGTH`` = 12 characters (V6.2.1 asks for at least 8 and recommends 15;
  12 plus the refusals below plus throttling, with 2FA mandatory for every role that can
  approve or read across agencies), at most ``MAX_LENGTH`` = 128 (V6.2.9: 64 must be allowed);
- no composition rules (V6.2.5); checked exactly as typed, no truncation (V6.2.8);
- refused when it is on the shipped list of 20,000 common passwords from breach corpora
  (``data/common-passwords.txt.gz``, see ``data/PROVENANCE.md``), compared case-insensitively,
  also after stripping digits/punctuation at the ends and when it repeats one short unit
  (V6.2.4, V6.2.12);
- refused when it contains a context-specific word: the user's e-mail name or domain, a
  part of the user's name, or the words in ``CONTEXT_WORDS`` (V6.2.11).
"""

from __future__ import annotations

import functools
import gzip
import re
import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1. We use more.
TIME_COST = 3
MEMORY_COST = 64 * 1024  # KiB
PARALLELISM = 1
_hasher = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST, parallelism=PARALLELISM)

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("data") / "common-passwords.txt.gz"
# The documented list of context-specific words (V6.2.11), besides the user's own.
CONTEXT_WORDS = (
    "caseapp",
    "password",
    "passwort",
    "parol",
    "пароль",
    "child",
    "children",
    "ombudsperson",
    "supervisor",
    "caseworker",
    "admin",
    "welcome",
    "qwerty",
)
_EDGE = string.digits + string.punctuation + " "


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Check a password against its stored hash (constant-time in argon2)."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the stored hash uses other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lower-cased."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def _repeated_unit(text: str) -> str | None:
    """``abcabcabcabc`` -> ``abc``; None when the text is not one unit repeated."""
    match = re.fullmatch(r"(.+?)\1+", text, flags=re.DOTALL)
    return match.group(1) if match else None


def is_common(password: str) -> bool:
    """Whether the password, or its core, is on the common/breached list (case-insensitive)."""
    lowered = password.lower()
    candidates = {lowered, lowered.strip(_EDGE), lowered.replace(" ", "")}
    unit = _repeated_unit(lowered)
    if unit is not None:
        candidates.add(unit)
    if len(set(lowered)) < 4:  # e.g. "aaaaaaaaaaaa", "121212121212"
        return True
    listed = common_passwords()
    return any(c in listed for c in candidates if c)


def context_words(email: str | None, name: str | None) -> set[str]:
    """Words a password must not contain: parts of the e-mail and name, and CONTEXT_WORDS."""
    words = set(CONTEXT_WORDS)
    for text in (email or "", name or ""):
        for part in re.split(r"[^\w]+", text.lower()):
            if len(part) >= 4:
                words.add(part)
    return words


def contains_context_word(password: str, *, email: str | None, name: str | None) -> bool:
    """Whether the password contains a context-specific word (case-insensitive)."""
    squashed = re.sub(r"[^\w]+", "", password.lower())
    return any(word in squashed for word in context_words(email, name))


@functools.cache
def dummy_hash() -> str:
    """A fixed hash to verify against when the user does not exist, so timing does not tell.

    Made on first use, not at import: hashing takes the full argon2 memory (64 MiB), which
    every CLI command and worker would otherwise pay at start-up."""
    return _hasher.hash("not-a-real-password-for-timing")
