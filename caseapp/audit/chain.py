"""Linking audit entries into the hash chain, inside the writer's own transaction.

The canonical form and the hash function live in ``caseapp.audit.bundle_verifier`` (the
standalone verifier handed to ombudspersons), so the app and the verifier cannot disagree.

Writers are serialised on the one-row ``audit_chain_head`` table: ``SELECT ... FOR UPDATE``
on PostgreSQL; on SQLite every transaction already starts with ``BEGIN IMMEDIATE``
(``caseapp.core.db``), so only one writer runs at a time. The unique ``seq`` column is the
last line of defence: two entries can never claim the same place in the chain.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlalchemy import select

from caseapp.audit.bundle_verifier import (
    GENESIS_HASH,
    chain_hash,
    format_time,
    personal_digest,
)
from caseapp.audit.models import AuditChainHead, AuditEntry
from caseapp.core.db import utcnow
from caseapp.core.extensions import db

HEAD_ID = 1
# The fields hashed into the chain, in this order (``request_id`` follows when present): the
# one definition. The standalone verifier keeps its own copy, which a test holds equal to it.
SEALED_FIELDS = (
    "seq",
    "occurred_at",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "actor_agency_id",
    "personal",
)


def normalise(value):
    """The value as it will read back from the JSON column (tuples become lists, etc.)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))


def sealed_of(
    *,
    seq: int,
    occurred_at: datetime,
    action: str,
    object_type: str | None,
    object_id: int | None,
    case_id: int | None,
    actor_agency_id: int | None,
    actor_id: int | None,
    diff,
    reason: str | None,
    salt: str,
    request_id: str | None = None,
) -> dict:
    """The sealed form of one entry (the dictionary that is hashed into the chain).

    ``request_id`` is sealed only when there is one, so entries without it (all of them
    before it existed) keep the sealed form they were hashed with."""
    sealed = {
        "seq": seq,
        "occurred_at": format_time(occurred_at),
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "case_id": case_id,
        "actor_agency_id": actor_agency_id,
        "personal": personal_digest(salt, actor_id, diff, reason),
    }
    assert tuple(sealed) == SEALED_FIELDS
    if request_id is not None:
        sealed["request_id"] = request_id
    return sealed


def sealed_of_entry(entry: AuditEntry) -> dict:
    """The sealed form of a stored entry."""
    return sealed_of(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        case_id=entry.case_id,
        actor_agency_id=entry.actor_agency_id,
        actor_id=entry.actor_id,
        diff=entry.diff,
        reason=entry.reason,
        salt=entry.salt,
        request_id=entry.request_id,
    )


def lock_head() -> AuditChainHead:
    """Lock and return the chain head (created on first use if the row is missing)."""
    stmt = (
        select(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    head = db.session.scalar(stmt)
    if head is None:
        head = AuditChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH, occurred_at=None)
        db.session.add(head)
        db.session.flush()
    return head


def append(entry: AuditEntry) -> AuditEntry:
    """Give ``entry`` the next sequence number, its time, salt and hash; add it to the session.

    Runs in the caller's transaction: if that transaction rolls back, neither the change nor
    its entry nor the head update remain.
    """
    head = lock_head()
    now = utcnow()
    # Times never go backwards along the chain, even if a server clock does.
    if head.occurred_at is not None and now < head.occurred_at:
        now = head.occurred_at
    entry.seq = head.seq + 1
    entry.occurred_at = now
    entry.salt = secrets.token_hex(16)
    entry.diff = normalise(entry.diff)
    entry.hash = chain_hash(head.hash, sealed_of_entry(entry))
    head.seq, head.hash, head.occurred_at = entry.seq, entry.hash, now
    db.session.add(entry)
    db.session.flush()
    return entry
