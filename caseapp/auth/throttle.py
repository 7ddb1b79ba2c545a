"""Login throttling and temporary lockout, counted in the database (ASVS 5.0 V6.3.1).

Counting in the ``login_attempt`` table (not in process memory) means every gunicorn worker,
and every server sharing the database, sees the same count.

- Per account: ``LOGIN_MAX_FAILURES`` failures within ``LOGIN_WINDOW_SECONDS`` since the last
  success lock the account for what remains of that window (the lock lifts as failures age).
- Per client address: ``LOGIN_MAX_FAILURES_PER_IP`` failures within the window throttle that
  address, whichever accounts it tries (credential stuffing, password spraying).

The account is identified by an HMAC of the normalised e-mail typed, so unknown addresses
are counted and locked exactly like real ones: the lockout answer does not reveal whether
an account exists (V6.3.8).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from caseapp.auth.models import LoginAttempt
from caseapp.core.db import utcnow
from caseapp.core.extensions import db

DEFAULTS = {
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_WINDOW_SECONDS": 15 * 60,
    "LOGIN_MAX_FAILURES_PER_IP": 50,
}


def _cfg(key: str) -> int:
    return int(current_app.config.get(key, DEFAULTS[key]))


def account_key(email: str) -> str:
    """Keyed hash of the (normalised, lower-cased) e-mail typed at login."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def _window_start():
    return utcnow() - timedelta(seconds=_cfg("LOGIN_WINDOW_SECONDS"))


def _failures_since(where, since) -> int:
    # COUNT is never NULL.
    return db.session.scalar(  # type: ignore[return-value]
        select(func.count())
        .select_from(LoginAttempt)
        .where(where, LoginAttempt.succeeded.is_(False), LoginAttempt.occurred_at > since)
    )


def account_locked(key: str) -> bool:
    """Whether the account behind ``key`` is temporarily locked."""
    since = _window_start()
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.occurred_at)).where(
            LoginAttempt.account_key == key, LoginAttempt.succeeded.is_(True)
        )
    )
    if last_success is not None and last_success > since:
        since = last_success
    return _failures_since(LoginAttempt.account_key == key, since) >= _cfg("LOGIN_MAX_FAILURES")


def address_throttled(ip: str) -> bool:
    """Whether this client address has failed too often recently."""
    return _failures_since(LoginAttempt.ip == ip, _window_start()) >= _cfg(
        "LOGIN_MAX_FAILURES_PER_IP"
    )


def note_attempt(key: str, ip: str, *, succeeded: bool) -> None:
    """Count one attempt (flushes; the login view commits it with its audit entry)."""
    db.session.add(
        LoginAttempt(account_key=key, ip=ip[:64], succeeded=succeeded, occurred_at=utcnow())
    )
    db.session.flush()
