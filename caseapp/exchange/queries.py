"""Read-only queries of the exchange."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.cases.models import Case
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink, Partner

LIST_LIMIT = 200


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
            .limit(LIST_LIMIT)
        )
    )


def incoming_returns(user) -> list[ExchangeLink]:
    """The incoming returns led by the user's agency, newest first (at most ``LIST_LIMIT``)."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return []
    return list(
        db.session.scalars(
            select(ExchangeLink)
            .join(Case, Case.id == ExchangeLink.case_id)
            .where(ExchangeLink.incoming.is_(True), Case.lead_agency_id == user.agency_id)
            .options(selectinload(ExchangeLink.case), selectinload(ExchangeLink.partner))
            .order_by(ExchangeLink.id.desc())
            .limit(LIST_LIMIT)
        )
    )


def documents_of_case(case_id: int) -> list[ExchangeDocument]:
    """Every document sent or received on the case, oldest first, with partner and outbox."""
    return list(
        db.session.scalars(
            select(ExchangeDocument)
            .where(ExchangeDocument.case_id == case_id)
            .options(selectinload(ExchangeDocument.partner), selectinload(ExchangeDocument.outbox))
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
