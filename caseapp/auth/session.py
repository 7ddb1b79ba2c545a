"""Server-side sessions wired into Flask-Login (ASVS 5.0 V7).

The signed Flask cookie carries an opaque random token (``sid``); the ``user_session`` table
holds its SHA-256, the user, the stage of the login, when it started and was last used, and
when and why it ended. Every request checks the token against the table, so ending a row
(logout, deactivation, password change, timeout) refuses the cookie at once, in every worker,
even when an old copy of the cookie is replayed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache, partial
from ipaddress import ip_address
from typing import Any, cast

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager
from sqlalchemy import CursorResult, Select, bindparam, select, update

from caseapp.core import web
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l

SID_KEY = "sid"
# Settings (override in instance/config.py or CASEAPP_* environment variables).
DEFAULTS = {
    "SESSION_IDLE_TIMEOUT": 30 * 60,  # seconds without a request before re-login (V7.3.1)
    "SESSION_ABSOLUTE_TIMEOUT": 8 * 3600,  # seconds since login before re-login (V7.3.2)
    "SECOND_FACTOR_TIMEOUT": 5 * 60,  # seconds to enter the code after the password
    "LAST_SEEN_RESOLUTION": 5 * 60,  # write last_seen_at at most once every five minutes
    "MFA_REQUIRED_ROLES": ("supervisor", "ombudsperson", "admin"),
}


class EndReason(StrEnum):
    """Why a session ended (``user_session.end_reason``)."""

    REPLACED = "replaced"
    LOGOUT = "logout"
    IDLE_TIMEOUT = "idle_timeout"
    ABSOLUTE_TIMEOUT = "absolute_timeout"
    LOCKED = "locked"
    DEACTIVATED = "deactivated"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a reason, not a password)
    TWO_FACTOR_RESET = "2fa_reset"
    ENDED_BY_OPERATOR = "ended_by_operator"


def token_hash(token: str) -> str:
    """SHA-256 of a session token (the token has 256 random bits, so no salt is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def configure_cookies(app: Flask) -> None:
    """Cookie flags (ASVS 5.0 V3.3.1-V3.3.4) and session settings.

    ``SECURE_COOKIES`` (``CASEAPP_SECURE_COOKIES``) defaults to true; it defaults to false
    only in debug or test mode, and ``make run`` sets it to false when serving plain HTTP on
    a loopback address. When true the cookie is ``Secure`` and named with the ``__Host-``
    prefix (no Domain, Path=/), and HSTS is sent.
    """
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if "SECURE_COOKIES" not in app.config:
        app.config["SECURE_COOKIES"] = not (app.debug or app.testing)
    secure = bool(app.config["SECURE_COOKIES"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_NAME="__Host-caseapp" if secure else "caseapp",
        SESSION_COOKIE_DOMAIN=None,
        SESSION_COOKIE_PATH="/",
        REMEMBER_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        PREFERRED_URL_SCHEME="https" if secure else "http",
    )
    if secure and _is_loopback(str(app.config.get("SERVER_NAME") or "")):
        app.logger.warning("SECURE_COOKIES is on while serving a loopback address")


def _now():
    return utcnow()


def new_session(user, stage) -> str:
    """Start a new server session for ``user`` at ``stage``; return the cookie token.

    The Flask session is cleared first, so any earlier token (and a fixated one) is gone
    (ASVS 5.0 V7.2.4). The caller commits.
    """
    from caseapp.auth.models import UserSession

    end_current(EndReason.REPLACED)
    session.clear()
    token = secrets.token_urlsafe(32)  # 256 bits from the OS CSPRNG (V7.2.3)
    row = UserSession(
        token_hash=token_hash(token),
        user_id=user.id,
        stage=stage,
        created_at=_now(),
        last_seen_at=_now(),
    )
    db.session.add(row)
    db.session.flush()
    session[SID_KEY] = token
    g.caseapp_session = row
    return token


def rotate(row) -> None:
    """Give the current session a fresh token (after the second factor or a password change)."""
    token = secrets.token_urlsafe(32)
    row.token_hash = token_hash(token)
    session[SID_KEY] = token


@cache
def _row_by_hash() -> Select:
    """The session row (with its user and agency, joined eagerly) by token hash: built once
    per process, so each request neither rebuilds it nor recomputes its cache key before
    SQLAlchemy finds the compiled SQL (issue 16: the fixed cost of a signed-in request)."""
    from caseapp.auth.models import UserSession

    return select(UserSession).where(UserSession.token_hash == bindparam("token_hash"))


def current_row(*, stage=None):
    """The live ``user_session`` row of this request, or None (timeouts enforced here)."""
    from caseapp.auth.models import SessionStage

    if "caseapp_session" in g:
        row = g.caseapp_session
    else:
        token = session.get(SID_KEY)
        row = None
        if isinstance(token, str) and token:
            row = db.session.scalar(_row_by_hash(), {"token_hash": token_hash(token)})
        g.caseapp_session = row
    if row is None or row.ended_at is not None:
        return None
    now = _now()
    cfg = current_app.config
    if row.stage is SessionStage.ACTIVE:
        idle, absolute = cfg["SESSION_IDLE_TIMEOUT"], cfg["SESSION_ABSOLUTE_TIMEOUT"]
    else:
        idle = absolute = cfg["SECOND_FACTOR_TIMEOUT"]
    reason = None
    if now - row.created_at > timedelta(seconds=absolute):
        reason = EndReason.ABSOLUTE_TIMEOUT
    elif now - row.last_seen_at > timedelta(seconds=idle):
        reason = EndReason.IDLE_TIMEOUT
    if reason:
        # Written by the request layer at the end of the request, whatever the view does.
        web.later(partial(_end_by_id, row.id, reason, now))
        g.caseapp_session = None
        return None
    if stage is not None and row.stage is not stage:
        return None
    return row


def _end_by_id(row_id: int, reason: EndReason, now: datetime) -> None:
    from caseapp.auth.models import UserSession

    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row_id, UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )


def end_row(row, reason: str) -> None:
    """Mark one session ended (the caller commits)."""
    if row.ended_at is None:
        row.ended_at = _now()
        row.end_reason = reason


def end_current(reason: str) -> None:
    """End the session of this request, if any."""
    row = g.pop("caseapp_session", None) or current_row()
    if row is not None:
        end_row(row, reason)
    g.pop("caseapp_session", None)


def end_all_sessions(user, reason: str = EndReason.ENDED_BY_OPERATOR, *, except_row=None) -> int:
    """End every open session of ``user`` (all workers see it at the next request).

    Returns how many were ended. Used by logout, deactivation and password change
    (ASVS 5.0 V7.4.1-V7.4.3). Only flushes.
    """
    from caseapp.auth.models import UserSession

    stmt = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=_now(), end_reason=reason)
    )
    if except_row is not None:
        stmt = stmt.where(UserSession.id != except_row.id)
    result = db.session.execute(stmt, execution_options={"synchronize_session": "fetch"})
    return cast(CursorResult[Any], result).rowcount or 0


def touch(row) -> None:
    """Record activity on a session, at most once per ``LAST_SEEN_RESOLUTION`` seconds.

    The write is left to the end of the request (``caseapp.core.web.later``): a page that
    only reads takes no write lock for it, and most requests write nothing at all.
    """
    now = _now()
    if now - row.last_seen_at >= timedelta(seconds=current_app.config["LAST_SEEN_RESOLUTION"]):
        web.later(partial(_touch_by_id, row.id, now))


def _touch_by_id(row_id: int, now: datetime) -> None:
    from caseapp.auth.models import UserSession

    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row_id, UserSession.ended_at.is_(None))
        .values(last_seen_at=now)
    )


def init_login_manager(manager: LoginManager) -> None:
    """Configure the login view and the user loader (which validates the server session)."""
    from caseapp.auth.models import SessionStage

    manager.login_view = "auth.login"
    manager.login_message = _l("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.session_protection = "strong"

    @manager.user_loader
    def load_user(user_id: str):
        row = current_row(stage=SessionStage.ACTIVE)
        if row is None or str(row.user_id) != user_id or not row.user.active:
            return None
        touch(row)
        return row.user

    @manager.unauthorized_handler
    def unauthorized():
        # A half-finished login goes on where it stopped: forced 2FA enrolment comes
        # before anything else.
        row = current_row()
        if row is not None and row.stage is SessionStage.ENROL:
            return redirect(url_for("auth.enrol"))
        if row is not None and row.stage is SessionStage.SECOND_FACTOR:
            return redirect(url_for("auth.second_factor"))
        if request.method == "GET":
            flash(manager.login_message, manager.login_message_category)
        # Back to this page after signing in again (issue 12 item 2): a timed-out save of a
        # form comes back to the form, its text restored from the draft. A path, no query.
        wanted = request.path if request.path not in ("/", url_for("auth.index")) else None
        return redirect(url_for(manager.login_view, next=wanted))
