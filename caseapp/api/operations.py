"""Issuing and revoking API tokens (audited; only flush)."""

from __future__ import annotations

from flask_babel import gettext as _

from caseapp.api.models import ApiToken, hash_token, new_token
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth.models import User
from caseapp.core.db import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db


def create_token(actor: User | None, owner: User, *, name: str) -> tuple[ApiToken, str]:
    """A new token for ``owner``; returns the row and the token text (shown once)."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed(_("Name the token (at most 120 characters)."))
    if not owner.active:
        raise ValidationFailed(_("The account is deactivated."))
    text = new_token()
    token = ApiToken(user_id=owner.id, name=name, token_hash=hash_token(text))
    db.session.add(token)
    db.session.flush()
    record(actor, AuditAction.API_TOKEN_CREATE, token, diff={"user": owner.id, "name": name})
    return token, text


def revoke_token(actor: User | None, token: ApiToken) -> None:
    """Revoke a token at once."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(actor, AuditAction.API_TOKEN_REVOKE, token, diff={"user": token.user_id})


def user_for_token(text: str) -> User | None:
    """The active user of a valid, unrevoked token."""
    from sqlalchemy import select

    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(text)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token.user
