"""The JSON bodies of the API's case answers (read for ``api.views``; nothing here writes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseapp.cases.models import Case
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink


def case_summary(case: Case) -> dict[str, Any]:
    """A case as listed: its number, stage, outcome and version (for ``expected_version``)."""
    return {
        "id": case.id,
        "number": case.number,
        "stage": str(case.stage),
        "outcome": str(case.outcome) if case.outcome else None,
        "version": case.version,
    }


def case_detail(case: Case) -> dict[str, Any]:
    """A case with its return gate (the same evaluation as the page), its exchange and the
    documents exchanged."""
    from caseapp.gate.evaluation import evaluate_return_gate
    from caseapp.gate.policy import current_policy

    gate = evaluate_return_gate(case, today=clock.today(), policy=current_policy())
    link = db.session.scalar(
        select(ExchangeLink)
        .where(ExchangeLink.case_id == case.id)
        .options(joinedload(ExchangeLink.partner))
    )
    docs = db.session.scalars(
        select(ExchangeDocument)
        .where(ExchangeDocument.case_id == case.id)
        .options(joinedload(ExchangeDocument.partner))
        .order_by(ExchangeDocument.id)
    )
    return {
        **case_summary(case),
        "gate": gate.to_dict(),
        "exchange": None
        if link is None
        else {
            "exchange_id": link.exchange_id,
            "incoming": link.incoming,
            "partner": link.partner.name,
        },
        "documents": [
            {
                "document_id": d.document_id,
                "type": str(d.doc_type),
                "direction": str(d.direction),
                "provenance": d.provenance if d.direction is Direction.RECEIVED else None,
            }
            for d in docs
        ],
    }


def incoming_request(doc: ExchangeDocument) -> dict[str, Any]:
    """An unopened home-study request as listed: no child data beyond the request."""
    return {
        "id": doc.id,
        "document_id": doc.document_id,
        "exchange_id": doc.exchange_id,
        "partner": doc.partner.name,
    }
