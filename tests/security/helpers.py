"""Small helpers for the security tests."""

from __future__ import annotations

from sqlalchemy import select


def session_cookie(client, app) -> str | None:
    """The raw session cookie value of ``client``."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def session_data(client, app) -> dict:
    """The decoded (signed, not encrypted) Flask session of ``client``."""
    value = session_cookie(client, app)
    if value is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(value)


def set_session_cookie(client, app, value: str) -> None:
    """Put a (replayed) cookie value into ``client``."""
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], value)


def actions(db) -> list[str]:
    """Every audit action recorded so far, in order."""
    from caseapp.audit.models import AuditEntry

    return db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()


def sessions_of(db, user):
    """The user's session rows, oldest first."""
    from caseapp.auth.models import UserSession

    db.session.expire_all()
    return db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
