"""Reading audit entries in tests."""

from __future__ import annotations

from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db

# The last entry written while the test data of a case was built (``gate_builder``), by case
# id: the scenario builder writes the audit trail real use leaves, and a test counts the
# entries of its own actions after it. Cleared before every test (``tests/conftest.py``).
BUILT: dict[int, int] = {}


def mark_built(case_id: int) -> None:
    """The entries of ``case_id`` so far were written by the test data's builder."""
    BUILT[case_id] = db.session.scalar(select(func.max(AuditEntry.id))) or 0


def entries(action: str, case_id: int | None = None) -> list[AuditEntry]:
    """Audit entries with ``action`` (for one case when given: those after its test data was
    built)."""
    query = select(AuditEntry).where(AuditEntry.action == action)
    if case_id is not None:
        query = query.where(AuditEntry.case_id == case_id, AuditEntry.id > BUILT.get(case_id, 0))
    return list(db.session.scalars(query.order_by(AuditEntry.id)))
