"""Reading audit entries in tests."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db


def entries(action: str, case_id: int | None = None) -> list[AuditEntry]:
    """Audit entries with ``action`` (for one case when given)."""
    query = select(AuditEntry).where(AuditEntry.action == action)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))
