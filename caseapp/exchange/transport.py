"""Moving documents: the durable outbox posted to partners' inboxes, and signed files.

``deliver_due()`` posts each undelivered document to its partner's
``POST /api/v1/exchange/inbox``. It holds no database transaction while it waits on the
network; each answer is stored in a short transaction of its own. Delivered means the partner
answered with *its signed receipt of exactly this document* (a replay refusal carrying that
receipt counts too: the first post arrived, its answer was lost). Otherwise the item waits
``BACKOFF`` (doubling, at most ``MAX_BACKOFF``) and is tried again, so nothing is lost while a
partner is down, and a document changes the partner's records once (issue 11 item 3).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.core.cli import transaction
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.exchange.inbox import check_receipt
from caseapp.exchange.models import ExchangeDocument, OutboxItem

INBOX_PATH = "/api/v1/exchange/inbox"
BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=6)
TIMEOUT_SECONDS = 15


@dataclass
class Attempt:
    """What one delivery attempt gave."""

    document_id: str
    delivered: bool
    error: str | None = None


def _post(url: str, body: bytes) -> tuple[int, dict | None]:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("only http(s) partner addresses")
    req = urllib.request.Request(  # noqa: S310 -- scheme checked above
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310  # nosec B310
            return resp.status, _json(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, _json(err.read())


def _json(data: bytes) -> dict | None:
    try:
        value = json.loads(data)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def due_items(now: datetime, *, ignore_backoff: bool = False) -> list[int]:
    """Ids of undelivered outbox items whose time has come (oldest first)."""
    query = select(OutboxItem.id).where(OutboxItem.delivered_at.is_(None))
    if not ignore_backoff:
        query = query.where(OutboxItem.next_attempt_at <= now)
    return list(db.session.scalars(query.order_by(OutboxItem.id)))


def deliver_due(*, ignore_backoff: bool = False) -> list[Attempt]:
    """Try every due outbox item once; commits each outcome on its own."""
    attempts = []
    for item_id in due_items(utcnow(), ignore_backoff=ignore_backoff):
        attempts.append(deliver_one(item_id))
    return attempts


def deliver_one(item_id: int) -> Attempt:
    """Post one outbox item and store the outcome (its own short transaction)."""
    item = db.session.get(OutboxItem, item_id)
    assert item is not None
    sent: ExchangeDocument = item.document
    partner = sent.partner
    url, envelope, document_id = partner.base_url + INBOX_PATH, sent.envelope, sent.document_id
    db.session.rollback()  # no transaction held while we wait on the partner
    error: str | None = None
    receipt = None
    try:
        status, answer = _post(url, envelope.encode())
    except (OSError, ValueError) as err:
        error = f"{type(err).__name__}: {err}"[:500]
    else:
        receipt = (answer or {}).get("receipt")
        if receipt is None:
            code = ((answer or {}).get("error") or {}).get("code", "no_receipt")
            error = f"HTTP {status}: {code}"
    with transaction():
        item = db.session.get(OutboxItem, item_id)
        if item is None or item.delivered_at is not None:
            return Attempt(document_id, True)
        sent = item.document
        if receipt is not None and check_receipt(receipt, sent.partner, sent):
            item.delivered_at = utcnow()
            item.receipt = json.dumps(receipt, sort_keys=True)
            item.last_error = None
            record(
                None,
                AuditAction.EXCHANGE_DELIVER,
                sent,
                diff={
                    "document_id": sent.document_id,
                    "partner": f"{sent.partner.name} ({sent.partner.country})",
                    "attempts": item.attempts + 1,
                },
            )
            item.attempts += 1
            return Attempt(document_id, True)
        if error is None:
            error = "the receipt is not the partner's signed receipt of this document"
        item.attempts += 1
        item.last_error = error
        item.next_attempt_at = utcnow() + min(BACKOFF * (2 ** (item.attempts - 1)), MAX_BACKOFF)
    return Attempt(document_id, False, error)


def export_file(actor, sent: ExchangeDocument) -> bytes:
    """The signed document as a file, for a partner who cannot connect (audited; no commit)."""
    record(
        actor,
        AuditAction.EXCHANGE_EXPORT,
        sent,
        diff={"document_id": sent.document_id, "partner": sent.partner.name},
    )
    return (json.dumps(json.loads(sent.envelope), ensure_ascii=False, indent=2) + "\n").encode()
