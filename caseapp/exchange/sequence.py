"""The order of a return's documents: which a side may send, and what must come before each
(issue 11; 002, Rec 6: "cross-border case management procedures"). Reads only."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.core.extensions import db
from caseapp.exchange.documents import SENT_BY_RECEIVING, SENT_BY_SENDING, DocumentType
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink


def sendable(link: ExchangeLink) -> list[DocumentType]:
    """The types this side of ``link``'s exchange writes, in the order of the return."""
    allowed = SENT_BY_RECEIVING if link.incoming else SENT_BY_SENDING
    return [t for t in DocumentType if t in allowed and t is not DocumentType.HOME_STUDY_REQUEST]


def exchanged_types(exchange_id: str) -> dict[tuple[Direction, DocumentType], int]:
    """How many documents of each direction and type the exchange holds."""
    rows = db.session.execute(
        select(ExchangeDocument.direction, ExchangeDocument.doc_type, func.count())
        .where(ExchangeDocument.exchange_id == exchange_id)
        .group_by(ExchangeDocument.direction, ExchangeDocument.doc_type)
    )
    return {(direction, doc_type): count for direction, doc_type, count in rows}


def sequence_problem(
    link: ExchangeLink,
    doc_type: DocumentType,
    held: dict[tuple[Direction, DocumentType], int] | None = None,
) -> str | None:
    """Why ``doc_type`` cannot be sent on the exchange now, or None.

    - a closure notice (from either side) closes the exchange: nothing more is sent on it,
      except the other side's own closure notice;
    - a withdrawal withdraws something this side sent (a guarantee, a readiness);
    - monitoring visits are reported after the return: after this side's handover receipt
      (002, Rec 2: "independent monitoring and follow-up" of the returned child).
    """
    held = exchanged_types(link.exchange_id) if held is None else held

    def has(direction: Direction, kind: DocumentType) -> bool:
        return held.get((direction, kind), 0) > 0

    closed = has(Direction.SENT, DocumentType.CLOSURE_NOTICE) or has(
        Direction.RECEIVED, DocumentType.CLOSURE_NOTICE
    )
    if closed and (
        doc_type is not DocumentType.CLOSURE_NOTICE
        or has(Direction.SENT, DocumentType.CLOSURE_NOTICE)
    ):
        return _("The exchange is closed: a closure notice was sent or received.")
    needs = {
        DocumentType.GUARANTEE_WITHDRAWAL: (
            DocumentType.GUARANTEE,
            _("No guarantee of care was sent on this exchange, so none can be withdrawn."),
        ),
        DocumentType.READINESS_WITHDRAWAL: (
            DocumentType.READINESS,
            _("No confirmation of readiness was sent on this exchange, so none can be withdrawn."),
        ),
        DocumentType.MONITORING_VISIT_REPORT: (
            DocumentType.HANDOVER_RECEIPT,
            _("Visits are reported after the return: send the handover receipt first."),
        ),
    }
    if doc_type in needs and not has(Direction.SENT, needs[doc_type][0]):
        return needs[doc_type][1]
    return None


def next_documents(link: ExchangeLink) -> list[tuple[DocumentType, str | None]]:
    """Each type this side may send, with what stops it now (None: it may be sent)."""
    held = exchanged_types(link.exchange_id)
    return [(t, sequence_problem(link, t, held)) for t in sendable(link)]
