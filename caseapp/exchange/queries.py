"""Read-only queries of the exchange."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.cases.models import Case
from caseapp.core.extensions import db
from caseapp.core.keyset import split_page
from caseapp.core.permissions import Role
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink, Partner

# Rows per page of the incoming lists (requests waiting, incoming returns opened), each
# paginated on its own by id (keyset): a page costs the same however many the agency has
# received (issue 16: the page drew 200 rows of each, 87 KB, and hid any beyond them).
PER_PAGE = 25


def unopened_requests(
    user, *, after: int | None, limit: int
) -> tuple[list[ExchangeDocument], int | None]:
    """Received home-study requests for the user's agency without an incoming return yet,
    oldest first (the longest waiting at the top): one page after the request id ``after``,
    and the id the next page starts after (``None`` on the last page)."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return [], None
    query = (
        select(ExchangeDocument)
        .join(Partner, Partner.id == ExchangeDocument.partner_id)
        .where(
            ExchangeDocument.doc_type == DocumentType.HOME_STUDY_REQUEST,
            ExchangeDocument.direction == Direction.RECEIVED,
            ExchangeDocument.case_id.is_(None),
            Partner.local_agency_id == user.agency_id,
        )
        .options(selectinload(ExchangeDocument.partner))
    )
    if after is not None:
        query = query.where(ExchangeDocument.id > after)
    rows = list(db.session.scalars(query.order_by(ExchangeDocument.id).limit(limit + 1)))
    return split_page(rows, limit, lambda row: row.id)


def incoming_returns(
    user, *, before: int | None, limit: int
) -> tuple[list[ExchangeLink], int | None]:
    """The incoming returns led by the user's agency, newest first: one page before the link
    id ``before``, and the id the next (older) page starts before (``None`` on the last)."""
    if user.role not in (Role.CASEWORKER, Role.SUPERVISOR):
        return [], None
    query = (
        select(ExchangeLink)
        .join(Case, Case.id == ExchangeLink.case_id)
        .where(ExchangeLink.incoming.is_(True), Case.lead_agency_id == user.agency_id)
        .options(selectinload(ExchangeLink.case), selectinload(ExchangeLink.partner))
    )
    if before is not None:
        query = query.where(ExchangeLink.id < before)
    rows = list(db.session.scalars(query.order_by(ExchangeLink.id.desc()).limit(limit + 1)))
    return split_page(rows, limit, lambda row: row.id)


INCOMING_LISTS = ("requests", "returns")


def incoming_lists(user, cursors: dict[str, int | None]) -> dict[str, tuple[list[Any], int | None]]:
    """The incoming page's two lists, each one page from its cursor: ``{name: (rows, next
    cursor)}`` (``requests``: after a request id; ``returns``: before a link id)."""
    return {
        "requests": unopened_requests(user, after=cursors["requests"], limit=PER_PAGE),
        "returns": incoming_returns(user, before=cursors["returns"], limit=PER_PAGE),
    }


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
