"""Password reset by e-mail link: one use, expiring, audited (issue 12 item 7; ASVS 5.0 V6.4).

``request_reset`` makes a link for an active account (at most ``RESET_REQUESTS_PER_HOUR``
an hour, so the form cannot be used to flood someone's mailbox); ``reset_password`` spends
it: the password policy applies as at any change, every other link of the user is spent
too, and every session of the user ends. The second factor still applies at the next login:
a reset link is never a way around it. Operations only flush; the view commits, then sends.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, func, select, update

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth.models import PasswordResetToken, User
from caseapp.auth.operations import check_password_rules
from caseapp.auth.passwords import hash_password
from caseapp.auth.session import end_all_sessions, token_hash
from caseapp.core.db import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db

RESET_LINK_LIFETIME = timedelta(minutes=30)
RESET_REQUESTS_PER_HOUR = 3


def request_reset(
    email: str, *, now: datetime | None = None, actor: User | None = None
) -> tuple[User, str] | None:
    """A new reset token for the active account with this address, or None.

    None for an unknown address, a deactivated account or too many recent requests: the
    page says the same in every case, so it does not tell who has an account.
    """
    now = now or utcnow()
    address = (email or "").strip().lower()
    if not address or len(address) > 254:
        return None
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None or not user.active:
        return None
    recent = db.session.scalar(
        select(func.count())
        .select_from(PasswordResetToken)
        .where(
            PasswordResetToken.user_id == user.id,
            PasswordResetToken.created_at > now - timedelta(hours=1),
        )
    )
    if (recent or 0) >= RESET_REQUESTS_PER_HOUR:  # COUNT(*) always has its row
        return None
    token = secrets.token_urlsafe(32)
    row = PasswordResetToken(
        user_id=user.id,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + RESET_LINK_LIFETIME,
    )
    db.session.add(row)
    # The person asked, or an admin sent it from the users page (``actor``; issue 12 item 7).
    record(actor or user, AuditAction.PASSWORD_RESET_REQUEST, user, diff={})
    db.session.flush()
    return user, token


def valid_token(token: str | None, *, now: datetime | None = None) -> PasswordResetToken | None:
    """The unspent, unexpired token row of an active user, or None."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def invalid_link_message() -> str:
    """What the page says for an unknown, spent or expired link."""
    return _("This link is not valid or has expired. Ask for a new one.")


def reset_password(token: str, new_password: str, *, now: datetime | None = None) -> User:
    """Set a new password with a reset token; the token and every other one of the user are
    spent, every session of the user ends. Refuses a spent or expired link."""
    now = now or utcnow()
    row = valid_token(token, now=now)
    if row is None:
        raise ValidationFailed(invalid_link_message())
    user = row.user
    check_password_rules(new_password, email=user.email, name=user.name)
    # Spend the link atomically: of two requests racing with one link, only one updates it.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[Any], spent).rowcount != 1:
        raise ValidationFailed(invalid_link_message())
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    )
    record(user, AuditAction.PASSWORD_RESET_COMPLETE, user, diff={"password": ["***", "***"]})
    user.password_hash = hash_password(new_password)
    end_all_sessions(user, "password_reset")
    db.session.flush()
    return user
