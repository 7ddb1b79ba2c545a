"""People admin in the browser (issue 12 item 7): editing a user or an agency, resetting a
second factor, sending a password-reset link. Admins manage people, never child records
(DESIGN.md section 1); each change is audited in the same transaction."""

from __future__ import annotations

from flask_babel import gettext as _

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth import reset, twofactor
from caseapp.auth.models import User
from caseapp.auth.operations import require_agency_for
from caseapp.auth.session import EndReason, end_all_sessions
from caseapp.core.countries import require_country
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, Role


def _refuse(field: str, message: str) -> None:
    raise ValidationFailed(message, details={field: [message]})


def _require(actor: User, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied(_("Only an administrator may do this."))


def update_user(
    actor: User,
    user: User,
    *,
    name: str,
    role: Role,
    agency: Agency | None,
    locale: str,
    reason: str | None = None,
) -> User:
    """Change a user's name, role, agency or language. Caseworkers, supervisors and
    participants belong to an agency (``require_agency_for``); an admin cannot change their
    own role (nobody locks the last admin out). A new role or agency ends the person's
    sessions, so the new rights apply at once (ASVS 5.0 V7.4.2)."""
    _require(actor, Permission.USER_MANAGE)
    if not (name or "").strip():
        _refuse("name", _("Enter the person's name."))
    require_agency_for(role, agency)
    if actor.id == user.id and role is not user.role:
        _refuse("role", _("You cannot change your own role."))
    rights_change = role is not user.role or (agency.id if agency else None) != user.agency_id
    user.name = name.strip()
    user.role = role
    user.agency_id = agency.id if agency else None
    user.locale = locale
    diff = diff_of(user)
    if not diff:
        return user
    record(actor, AuditAction.USER_UPDATE, user, diff=diff, reason=reason)
    if rights_change and user.id != actor.id:
        end_all_sessions(user, EndReason.ENDED_BY_OPERATOR)
    return user


def reset_second_factor(actor: User, user: User, *, reason: str | None = None) -> None:
    """Remove a user's second factor (a lost phone): they enrol again at their next sign-in,
    and every session of theirs ends now."""
    _require(actor, Permission.USER_MANAGE)
    if not user.has_totp:
        raise ValidationFailed(_("This account has no second factor to reset."))
    twofactor.reset(actor, user)
    end_all_sessions(user, EndReason.TWO_FACTOR_RESET)


def send_password_reset(actor: User, user: User, *, reason: str | None = None) -> str:
    """Make a one-time, expiring password-reset token for ``user`` (audited with the admin as
    actor); the view mails the link once the transaction is committed. Returns the token."""
    _require(actor, Permission.USER_MANAGE)
    if not user.active:
        raise ValidationFailed(_("This account is deactivated: reactivate it first."))
    made = reset.request_reset(user.email, actor=actor)
    if made is None:
        raise ValidationFailed(
            _("Too many reset links for this account in the last hour. Try again later.")
        )
    return made[1]


def update_agency(
    actor: User,
    agency: Agency,
    *,
    name: str,
    country: str,
    kind: AgencyKind,
    active: bool,
) -> Agency:
    """Change an agency's name, country, kind or whether it is active (its code stays: it is
    on case numbers and exchanged documents)."""
    _require(actor, Permission.AGENCY_MANAGE)
    if not (name or "").strip():
        _refuse("name", _("Enter the agency's name."))
    code = require_country(country)
    agency.name = name.strip()
    agency.country = code or agency.country
    agency.kind = kind
    agency.active = active
    diff = diff_of(agency)
    if diff:
        record(actor, AuditAction.AGENCY_UPDATE, agency, diff=diff)
    db.session.flush()
    return agency
