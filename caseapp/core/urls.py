"""Where a user may be sent back to: a path on this site, never another site."""

from __future__ import annotations


def local_path(value: str | None) -> str | None:
    """``value`` if it is a path on this site ("/cases/5"), else None ("//x", "https://x",
    "\\\\x", control characters, the login pages themselves)."""
    if not value or not value.startswith("/") or value.startswith("//") or len(value) > 500:
        return None
    if "\\\\" in value or any(ord(ch) < 32 for ch in value):
        return None
    if value.startswith(("/login", "/logout")):
        return None
    return value
