"""Password hashing with argon2id (argon2-cffi), rehashed on login when parameters change."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# OWASP minimum for argon2id: m=19 MiB, t=2, p=1. We use more memory.
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)

MIN_LENGTH = 12
MAX_LENGTH = 128


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
    """Whether the stored hash uses older parameters than the current ones."""
    return _hasher.check_needs_rehash(stored_hash)


# A fixed hash to verify against when the user does not exist, so timing does not tell.
DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")
