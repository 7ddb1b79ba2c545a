"""Reading the audit trail in tests."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db


def count_entries(action: str | None = None) -> int:
    """How many audit entries there are (with ``action``, if given)."""
    query = select(func.count()).select_from(AuditEntry)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return db.session.scalar(query)


def entries(action: str) -> list[AuditEntry]:
    """The entries with ``action``, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )
