"""Page contents of the participants' own pages (issue 8: views stay short; issue 10)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.crossborder.models import CentralAuthorityApproval, Coordination
from caseapp.documents.forms import UploadForm
from caseapp.documents.models import Document
from caseapp.documents.views import max_bytes
from caseapp.monitoring import forms as monitoring_forms
from caseapp.monitoring.models import MonitoringVisit


def rows(model, case: Case, order) -> list:
    """The ``model`` records of ``case`` in ``order``."""
    return list(db.session.scalars(select(model).where(model.case_id == case.id).order_by(order)))


def central_page(case: Case) -> dict[str, Any]:
    """The Central Authority officer's page: the coordination and the decisions so far."""
    return {
        "case": case,
        "coordination": db.session.scalar(
            select(Coordination).where(Coordination.case_id == case.id)
        ),
        "decisions": rows(CentralAuthorityApproval, case, CentralAuthorityApproval.id.desc()),
    }


def visit_documents(visit: MonitoringVisit) -> list[Document]:
    """The documents attached to ``visit`` (the report's own papers)."""
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.case_id == visit.case_id,
                Document.record_type == visit.__tablename__,
                Document.record_id == visit.id,
            )
            .order_by(Document.uploaded_at, Document.id)
        )
    )


def visit_page(case: Case, visit: MonitoringVisit) -> dict[str, Any]:
    """The monitor's page of a visit, besides its report form: the escalation form at the
    visit's own version, the upload form and the visit's documents."""
    return {
        "case": case,
        "visit": visit,
        "escalate_form": monitoring_forms.EscalateForm(formdata=None).at(visit.version),
        "upload_form": UploadForm(formdata=None, max_bytes=max_bytes()),
        "documents": visit_documents(visit),
        "today": clock.today(),
    }
