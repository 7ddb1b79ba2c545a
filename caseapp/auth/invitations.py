"""Invitations of participants by e-mail: a one-time link that expires (issue 10 item 5).

An admin, or the supervisor of a case, invites a participant (guardian, legal
representative, Central Authority officer, monitor, counterpart officer): ``invite`` makes
their account — of their own agency, with no usable password — and a link; the person opens
it, sets a password (``accept``), and at the first login must enrol the second factor
(participants always must: ``twofactor.role_requires_2fa``). The link is the pattern of
``caseapp.auth.reset``: 256 random bits, only the SHA-256 stored, one use (spent
atomically), expiring after ``INVITATION_LIFETIME``; inviting again spends the earlier links.
Operations only flush; the view commits, then sends.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, NoReturn, cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, func, select, update

from caseapp.agencies.models import Agency
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.auth.models import Invitation, User
from caseapp.auth.operations import check_password_rules, normalise_email
from caseapp.auth.passwords import hash_password
from caseapp.auth.session import EndReason, end_all_sessions, token_hash
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import PARTICIPANT_ROLES, Permission, Role

INVITATION_LIFETIME = timedelta(hours=72)


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, details={field: [message]})


def may_invite(actor: User, case: Any = None) -> bool:
    """Admins invite anyone; a supervisor invites participants to a case of theirs."""
    if actor.can(Permission.USER_MANAGE):
        return True
    return case is not None and case.can_assign_participants(actor)


def invite(
    actor: User,
    *,
    email: str,
    name: str,
    role: Role,
    agency: Agency | None,
    locale: str = "en",
    case: Any = None,
    now: datetime | None = None,
) -> tuple[User, str]:
    """A participant's account (or their existing one) and a new invitation link's token.

    An existing account is re-invited only while it has never set a password through an
    invitation and is of the same role; anyone else is refused (an invitation never takes
    over an account).
    """
    from caseapp.participants.operations import check_participant_agency

    if not may_invite(actor, case):
        raise PermissionDenied(_("Only an admin or the supervisor of the case invites."))
    now = now or utcnow()
    role = Role(role)
    if role not in PARTICIPANT_ROLES:
        _refuse("role", _("Invitations are for participants."))
    try:
        address = normalise_email(email)
    except ValidationFailed as err:
        raise ValidationFailed(err.message, details={"email": [err.message]}) from err
    if not (name or "").strip():
        _refuse("name", _("Enter the person's name."))
    if agency is None:
        _refuse("agency", _("A participant belongs to their own agency: choose it."))
    check_participant_agency(role, agency.kind)
    user = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if user is None:
        user = User(
            email=address,
            name=name.strip()[:200],
            role=role,
            agency_id=agency.id,
            # No usable password until the link is spent: a random one nobody knows.
            password_hash=hash_password(secrets.token_urlsafe(32)),
            locale=locale,
            active=True,
        )
        db.session.add(user)
        db.session.flush()
        record(actor, AuditAction.USER_CREATE, user)
    elif user.role is not role or user.agency_id != agency.id or has_accepted(user):
        _refuse("email", _("An account with this e-mail address already exists."))
    # One link in force: inviting again spends the earlier ones.
    _spend_all(user, now)
    token = secrets.token_urlsafe(32)
    db.session.add(
        Invitation(
            user_id=user.id,
            invited_by_id=actor.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
    )
    record(actor, AuditAction.INVITATION_SEND, user, diff={"role": [None, role.value]})
    db.session.flush()
    return user, token


def has_accepted(user: User) -> bool:
    """Whether the account has been taken up (an invitation spent, or a second factor)."""
    return (
        bool(
            db.session.scalar(
                select(func.count())
                .select_from(Invitation)
                .where(Invitation.user_id == user.id, Invitation.used_at.is_not(None))
            )
        )
        or user.has_totp
    )


def _spend_all(user: User, now: datetime) -> None:
    db.session.execute(
        update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None))
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    )


def valid_invitation(token: str | None, *, now: datetime | None = None) -> Invitation | None:
    """The unspent, unexpired invitation of an active account, or None."""
    if not token or len(token) > 100:
        return None
    now = now or utcnow()
    row = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.active:
        return None
    return row


def invalid_link_message() -> str:
    """What the page says for an unknown, spent or expired invitation."""
    return _("This invitation is not valid or has expired. Ask the person who invited you.")


def accept(token: str, new_password: str, *, now: datetime | None = None) -> User:
    """Spend the invitation: set the first password. The second factor is enrolled at the
    first login, which the participant cannot skip."""
    now = now or utcnow()
    row = valid_invitation(token, now=now)
    if row is None:
        raise ValidationFailed(invalid_link_message())
    user = row.user
    check_password_rules(new_password, email=user.email, name=user.name)
    spent = db.session.execute(
        update(Invitation)
        .where(Invitation.id == row.id, Invitation.used_at.is_(None))
        .values(used_at=now),
        execution_options={"synchronize_session": False},
    )
    if cast(CursorResult[Any], spent).rowcount != 1:
        raise ValidationFailed(invalid_link_message())
    _spend_all(user, now)
    record(user, AuditAction.INVITATION_ACCEPT, user, diff={"password": ["***", "***"]})
    user.password_hash = hash_password(new_password)
    end_all_sessions(user, EndReason.PASSWORD_CHANGED)
    db.session.flush()
    return user
