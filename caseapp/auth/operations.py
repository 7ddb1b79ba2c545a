"""People operations: create users, authenticate, change language. Operations only flush."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.agencies.models import Agency
from caseapp.audit.recorder import record
from caseapp.auth.models import User
from caseapp.auth.passwords import (
    DUMMY_HASH,
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Role


def normalise_email(email: str) -> str:
    """Validate and normalise an e-mail address (no DNS look-up)."""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_("Enter a valid e-mail address.")) from exc


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or too long."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(_("The password must have at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(_("The password must have at most %(n)d characters.", n=MAX_LENGTH))


def _refuse(field: str, message: str):
    """Raise ``ValidationFailed`` naming the form field it concerns (shown next to it)."""
    raise ValidationFailed(message, details={field: [message]})


def _on_field(field: str, check, value):
    """Run ``check(value)``; a refusal is reported against ``field``."""
    try:
        return check(value)
    except ValidationFailed as err:
        raise ValidationFailed(err.message, details={field: [err.message]}) from err


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    role: Role,
    agency: Agency | None,
    password: str,
    locale: str = "en",
) -> User:
    """Create a user; caseworkers and supervisors must belong to an agency."""
    email = _on_field("email", normalise_email, email)
    if not name.strip():
        _refuse("name", _("Enter the person's name."))
    if role in (Role.CASEWORKER, Role.SUPERVISOR) and agency is None:
        _refuse("agency", _("Caseworkers and supervisors must belong to an agency."))
    if db.session.scalar(select(func.count()).where(User.email == email)):
        _refuse("email", _("A user with this e-mail address already exists."))
    _on_field("password", check_password_rules, password)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        agency_id=agency.id if agency else None,
        password_hash=hash_password(password),
        locale=locale,
        active=True,
    )
    db.session.add(user)
    record(actor, "user:account:create", user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same path for both failures)."""
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = ""
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if user is None:
        verify_password(DUMMY_HASH, password)  # spend the same time as a real check
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def set_locale(user: User, locale: str, supported: tuple[str, ...]) -> None:
    """Change the user's interface language."""
    if locale not in supported:
        raise ValidationFailed(_("That language is not available."))
    record(user, "user:locale:change", user, diff={"locale": [user.locale, locale]})
    user.locale = locale


def deactivate_user(actor: User, user: User, *, reason: str | None = None) -> None:
    """Deactivate an account: the person can no longer log in; their records stay."""
    if actor is not None and actor.id == user.id:
        raise ValidationFailed(_("You cannot deactivate your own account."))
    if not user.active:
        raise ValidationFailed(_("This account is already deactivated."))
    user.active = False
    record(actor, "user:account:deactivate", user, reason=reason)


def reactivate_user(actor: User, user: User, *, reason: str | None = None) -> None:
    """Reactivate a deactivated account."""
    if user.active:
        raise ValidationFailed(_("This account is already active."))
    user.active = True
    record(actor, "user:account:reactivate", user, reason=reason)
