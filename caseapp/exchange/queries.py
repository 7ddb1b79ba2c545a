"""Read-only queries of the exchange."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.models import Direction, ExchangeDocument, Partner


def unopened_requests(user) -> list[ExchangeDocument]:
    """Received home-study requests for the user's agency without an incoming return yet."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return []
    return list(
        db.session.scalars(
            select(ExchangeDocument)
            .join(Partner, Partner.id == ExchangeDocument.partner_id)
            .where(
                ExchangeDocument.doc_type == DocumentType.HOME_STUDY_REQUEST,
                ExchangeDocument.direction == Direction.RECEIVED,
                ExchangeDocument.case_id.is_(None),
                Partner.local_agency_id == user.agency_id,
            )
            .options(selectinload(ExchangeDocument.partner))
            .order_by(ExchangeDocument.id)
        )
    )


def received_for_case(case_id: int) -> list[ExchangeDocument]:
    """Documents received on the case's exchange, oldest first (the gate's evidence)."""
    return list(
        db.session.scalars(
            select(ExchangeDocument)
            .where(
                ExchangeDocument.case_id == case_id,
                ExchangeDocument.direction == Direction.RECEIVED,
            )
            .options(selectinload(ExchangeDocument.partner))
            .order_by(ExchangeDocument.received_at, ExchangeDocument.id)
        )
    )
