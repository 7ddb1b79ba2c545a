"""Roles and permissions.

Roles grant coarse permissions (``Permission``, tagged like warehouse's ``"case:approve"``);
objects answer the fine question through predicates (``case.can_view(user)``). The request
layer (``caseapp.core.web.load`` and ``require``) turns them into 404 and 403.
"""

from __future__ import annotations

from enum import StrEnum


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


def second_pair_of_eyes(user, author_id: int | None) -> bool:
    """The four-eyes rule, written once: ``user`` is not the author of the work approved.

    A supervisor never approves their own determination, a return resting on it, nor a
    last-resort return whose consent they recorded (UNHCR BIP; 002, Rec 2; PICUM).
    """
    return author_id is None or author_id != user.id


def role_has(role: Role, permission: Permission) -> bool:
    """Whether ``role`` grants ``permission``."""
    return permission in ROLE_PERMISSIONS[role]
