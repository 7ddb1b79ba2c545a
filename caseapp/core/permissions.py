"""Roles, permissions and the one helper every view uses to load an object it may touch.

Roles grant coarse permissions (``Permission``, tagged like warehouse's ``"case:approve"``);
objects answer the fine question through predicates (``case.can_view(user)``). A user who may
not even know an object exists gets 404; one who can see it but not do this gets 403.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TypeVar

from flask import abort

from caseapp.core.extensions import db

if TYPE_CHECKING:
    from caseapp.auth.models import User


class Role(StrEnum):
    """The four roles of DESIGN.md section 1."""

    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    OMBUDSPERSON = "ombudsperson"
    ADMIN = "admin"


class Permission(StrEnum):
    """Coarse permissions granted by role."""

    CASE_VIEW = "case:view"
    CASE_CREATE = "case:create"
    CASE_EDIT = "case:edit"
    CASE_REASSIGN = "case:reassign"
    BID_APPROVE = "bid:approve"
    RETURN_APPROVE = "return:approve"
    AUDIT_VIEW = "audit:view"
    AUDIT_EXPORT = "audit:export"
    USER_MANAGE = "user:manage"
    AGENCY_MANAGE = "agency:manage"
    POLICY_MANAGE = "policy:manage"


_CASEWORKER = {Permission.CASE_VIEW, Permission.CASE_CREATE, Permission.CASE_EDIT}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASEWORKER: frozenset(_CASEWORKER),
    # Supervisors may do all a caseworker may, plus approve (never their own work).
    Role.SUPERVISOR: frozenset(
        _CASEWORKER | {Permission.CASE_REASSIGN, Permission.BID_APPROVE, Permission.RETURN_APPROVE}
    ),
    # Ombudspersons read everything and export the audit trail; they change nothing.
    Role.OMBUDSPERSON: frozenset(
        {Permission.CASE_VIEW, Permission.AUDIT_VIEW, Permission.AUDIT_EXPORT}
    ),
    # Separation of duties: admins manage people and policy, never child records.
    Role.ADMIN: frozenset(
        {Permission.USER_MANAGE, Permission.AGENCY_MANAGE, Permission.POLICY_MANAGE}
    ),
}


def role_has(role: Role, permission: Permission) -> bool:
    """Whether ``role`` grants ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


class Scoped(Protocol):
    """An object that can tell whether a user may see it at all."""

    def can_view(self, user: User) -> bool: ...


T = TypeVar("T", bound=Scoped)


def load_or_404(model: type[T], object_id: int, user: User) -> T:
    """Load ``model`` by id; 404 when it does not exist *or* lies outside the user's scope.

    Answering 404 rather than 403 outside the scope means a user of another agency cannot
    even learn that a child's case exists.
    """
    obj = db.session.get(model, object_id)
    if obj is None or not obj.can_view(user):
        if obj is not None:
            from caseapp.audit.recorder import record_refusal

            record_refusal(user, obj)
        abort(404)
    return obj


def require(allowed: bool) -> None:
    """Abort with 403 unless ``allowed`` (for objects already within the user's scope)."""
    if not allowed:
        abort(403)
