"""Who may read the indicators: ombudspersons (all cases) and supervisors (their agency's)."""

from __future__ import annotations

from caseapp.core.permissions import Role


def can_view_indicators(user) -> bool:
    """Ombudspersons monitor the whole system; a supervisor sees their agency's figures."""
    return user.is_authenticated and user.role in (Role.OMBUDSPERSON, Role.SUPERVISOR)


def scope_label(user) -> str:
    """The scope written with exported figures: every case, or one agency's."""
    if user is None or user.role is Role.OMBUDSPERSON:
        return "all"
    return f"agency:{user.agency.code if user.agency else user.agency_id}"
