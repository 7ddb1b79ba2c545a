"""API tokens for scripts: one per user and purpose, stored as a SHA-256 hash only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.auth.models import User
from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db

PREFIX = "cat_"


def hash_token(token: str) -> str:
    """The stored form of a token (a copy of the table cannot be replayed as a token)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh random token (shown once to its owner)."""
    return PREFIX + secrets.token_urlsafe(32)


class ApiToken(db.Model):
    """A bearer token that acts as its user, with exactly the user's rights."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
