"""People operations: create users, log in, change password or language, deactivate.

Operations only flush; the request layer commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.agencies.models import Agency
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth import throttle
from caseapp.auth.models import User, UserSession
from caseapp.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    contains_context_word,
    dummy_hash,
    hash_password,
    is_common,
    needs_rehash,
    verify_password,
)
from caseapp.auth.session import end_all_sessions
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.i18n import supported_locales
from caseapp.core.permissions import PARTICIPANT_ROLES, Role


def normalise_email(email: str) -> str:
    """Validate and normalise an e-mail address (no DNS look-up)."""
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_("Enter a valid e-mail address.")) from exc


def check_password_rules(
    password: str, *, email: str | None = None, name: str | None = None
) -> None:
    """Refuse a new password that breaks the policy (``caseapp.auth.passwords``, ASVS V6.2)."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(_("The password must have at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(_("The password must have at most %(n)d characters.", n=MAX_LENGTH))
    if is_common(password):
        raise ValidationFailed(
            _("This password is too common: it appears in lists of leaked passwords.")
        )
    if contains_context_word(password, email=email, name=name):
        raise ValidationFailed(
            _("The password must not contain your name, your e-mail address or the app's name.")
        )


def _refuse(field: str, message: str) -> None:
    """Raise ``ValidationFailed`` naming the form field it concerns (shown next to it)."""
    raise ValidationFailed(message, details={field: [message]})


def _on_field(field: str, check: Callable[..., Any], value: Any) -> Any:
    """Run ``check(value)``; a refusal is reported against ``field``."""
    try:
        return check(value)
    except ValidationFailed as err:
        raise ValidationFailed(err.message, details={field: [err.message]}) from err


def require_agency_for(role: Role, agency: Agency | None) -> None:
    """Refuse, on the agency field, a caseworker, supervisor or participant without an agency
    (the database's checks ``agency_staff_have_agency`` and ``participants_have_agency`` say
    the same; issue 10 item 1: a participant is a user of their own agency)."""
    if agency is not None:
        return
    if role in (Role.CASEWORKER, Role.SUPERVISOR):
        _refuse("agency", _("Caseworkers and supervisors must belong to an agency."))
    if role in PARTICIPANT_ROLES:
        _refuse("agency", _("A participant belongs to their own agency: choose it."))


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
    require_agency_for(role, agency)
    if db.session.scalar(select(func.count()).where(User.email == email)):
        _refuse("email", _("A user with this e-mail address already exists."))
    _on_field("password", lambda pw: check_password_rules(pw, email=email, name=name), password)
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
    record(actor, AuditAction.USER_CREATE, user)
    return user


def _authenticate(email: str, password: str) -> tuple[User | None, User | None]:
    """Return ``(user if the credentials are right, the account named if any)``.

    An unknown address costs the same argon2 verification as a known one (ASVS V6.3.8).
    """
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = ""
    user = db.session.scalar(select(User).where(User.email == email)) if email else None
    if user is None:
        verify_password(dummy_hash(), password)  # spend the same time as a real check
        return None, None
    if not verify_password(user.password_hash, password) or not user.active:
        return None, user
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)  # parameters changed: rehash now
    return user, user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same path for both failures)."""
    return _authenticate(email, password)[0]


@dataclass
class LoginOutcome:
    """What a password attempt gave: the user, or a refusal (wrong, or wait and retry)."""

    user: User | None
    wait_seconds: int = 0

    @property
    def locked(self) -> bool:
        """The attempt was not checked: the client must wait ``wait_seconds``."""
        return self.wait_seconds > 0


@dataclass
class _LoginFacts:
    user_id: int | None
    password_hash: str | None
    wait_seconds: int


def _login_facts(email: str, key: str, ip: str) -> _LoginFacts:
    """The account named and the throttle's verdict, read without a write lock."""
    try:
        email = normalise_email(email)
    except ValidationFailed:
        email = ""
    with throttle.read_only() as conn:
        row = (
            conn.execute(select(User.id, User.password_hash).where(User.email == email)).first()
            if email
            else None
        )
        wait = throttle.wait_seconds(conn, key, ip)
    return _LoginFacts(row[0] if row else None, row[1] if row else None, wait)


def attempt_login(email: str, password: str, ip: str) -> LoginOutcome:
    """Check a password attempt under throttling (``caseapp.auth.throttle``); audit failures.

    The argon2 verification runs outside any write transaction (issue 14, finding 2): on
    SQLite every transaction takes the database's write lock (``BEGIN IMMEDIATE``), so a hash
    inside one stalled every other writer. So: reads on a read-only connection, then the
    hash with no transaction open, then the writes (attempt, audit) in a short transaction
    the view commits. Call it before anything in the request is changed: it ends the
    session's read transaction (which on SQLite holds the lock).

    An attempt that must wait is refused without checking the password, counted in the
    anonymous burst. A failure on a real account is audited ``auth:login:fail``; on an
    unknown one it is counted in the burst (audited once per burst, with the count).
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("attempt_login must run before any change in the request")
    db.session.rollback()  # nothing pending: only releases a read transaction's lock
    key = throttle.account_key(email)
    facts = _login_facts(email, key, ip)
    if facts.wait_seconds:
        throttle.note_anonymous(refused=1)
        throttle.close_bursts()
        return LoginOutcome(None, wait_seconds=facts.wait_seconds)
    stored = facts.password_hash
    right = verify_password(stored or dummy_hash(), password)  # no lock held
    new_hash = hash_password(password) if right and stored and needs_rehash(stored) else None
    # Writes from here on, in one short transaction.
    user = db.session.get(User, facts.user_id) if facts.user_id is not None else None
    succeeded = right and user is not None and user.active
    throttle.note_attempt(key, ip, succeeded=succeeded)
    if user is None:
        throttle.note_anonymous(unknown=1)
    throttle.close_bursts()
    if user is None or not succeeded:
        if user is not None:
            record(None, AuditAction.LOGIN_FAIL, user, diff={"factor": "password"})
        return LoginOutcome(None)
    if new_hash and user.password_hash == facts.password_hash:
        user.password_hash = new_hash  # parameters changed: rehashed above, outside the lock
    return LoginOutcome(user)


def change_password(
    user: User, current: str, new: str, *, keep_session: UserSession | None = None
) -> None:
    """Change ``user``'s password: the current one is required (ASVS V6.2.3).

    Every other session of the user ends (V7.4.3); the caller gives the current session a
    fresh token.
    """
    if not verify_password(user.password_hash, current):
        raise ValidationFailed(_("The current password is not right."))
    if new == current:
        raise ValidationFailed(_("Choose a password different from the current one."))
    check_password_rules(new, email=user.email, name=user.name)
    record(user, AuditAction.USER_PASSWORD_CHANGE, user, diff={"password": ["***", "***"]})
    user.password_hash = hash_password(new)
    end_all_sessions(user, "password_changed", except_row=keep_session)
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    """Change the user's interface language (one this instance offers)."""
    if locale not in supported_locales():
        raise ValidationFailed(_("That language is not available."))
    record(user, AuditAction.USER_LOCALE_CHANGE, user, diff={"locale": [user.locale, locale]})
    user.locale = locale


def deactivate_user(actor: User | None, user: User, *, reason: str | None = None) -> None:
    """Deactivate an account: the person can no longer log in, every session of theirs ends
    at once (ASVS 5.0 V7.4.2), and their records stay."""
    if actor is not None and actor.id == user.id:
        raise ValidationFailed(_("You cannot deactivate your own account."))
    if not user.active:
        raise ValidationFailed(_("This account is already deactivated."))
    user.active = False
    record(actor, AuditAction.USER_DEACTIVATE, user, reason=reason)
    end_all_sessions(user, "deactivated")


def reactivate_user(actor: User, user: User, *, reason: str | None = None) -> None:
    """Reactivate a deactivated account."""
    if user.active:
        raise ValidationFailed(_("This account is already active."))
    user.active = True
    record(actor, AuditAction.USER_REACTIVATE, user, reason=reason)
