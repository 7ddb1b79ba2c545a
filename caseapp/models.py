"""Import every model so Alembic and ``create_app`` see the whole schema."""

from caseapp.agencies.models import Agency
from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseNumberCounter
from caseapp.children.models import Child, ChildName, FamilyMember

__all__ = [
    "Agency",
    "AuditEntry",
    "Case",
    "CaseNumberCounter",
    "Child",
    "ChildName",
    "FamilyMember",
    "User",
]
