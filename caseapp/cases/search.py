"""Saved searches of the case list: post/redirect/get under an opaque key (issue 12 item 1).

The searched text (a name, a case number) and a date of birth stay in the database; the URL
carries only a random key that answers for the user who made it. Only flushes.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, insert, select

from caseapp.cases.models import SavedSearch
from caseapp.core.db import utcnow
from caseapp.core.extensions import db

KEEP_FOR = timedelta(days=1)
FIELDS = (
    "name",
    "date_of_birth",
    "stage",
    "caseworker",
    "country_of_origin",
    "unaccompanied",
    "trafficking",
    "presumed_minor",
    "charged",
)


def new_key() -> str:
    """A fresh search key: random, opaque, never derived from what was searched."""
    return secrets.token_urlsafe(16)


def save_search(user_id: int, params: dict[str, str], key: str) -> None:
    """Store the search under ``key`` (only the list's own fields, as strings); the user's
    searches older than ``KEEP_FOR`` are deleted.

    The case list runs this at the end of the request that posted the search
    (``caseapp.core.web.later``), in its short write: the search is read-only until then."""
    cleaned = {k: str(params[k])[:200] for k in FIELDS if params.get(k) not in (None, "")}
    now = utcnow()
    db.session.execute(
        delete(SavedSearch).where(
            SavedSearch.user_id == user_id, SavedSearch.created_at < now - KEEP_FOR
        )
    )
    # A plain INSERT: nothing reads the row back in this request (no unit-of-work flush).
    db.session.execute(
        insert(SavedSearch).values(key=key, user_id=user_id, created_at=now, params=cleaned)
    )


def load_search(user, key: str | None) -> dict[str, str] | None:
    """The search stored under ``key`` by ``user`` (None if unknown, expired or another's)."""
    if not key or len(key) > 32:
        return None
    row = db.session.execute(
        select(SavedSearch.params, SavedSearch.created_at).where(
            SavedSearch.key == key, SavedSearch.user_id == user.id
        )
    ).first()
    if row is None or row.created_at < utcnow() - KEEP_FOR:
        return None
    return dict(row.params)
