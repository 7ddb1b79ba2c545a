"""Checking the live chain in the database (``flask --app caseapp audit verify``).

Recomputes every entry's personal digest and chain hash from the stored columns, in sequence
order, and names the first entry that does not fit: a gap or duplicate in the sequence, a
time that goes backwards, a changed column, or a head that does not match the last entry.
Bundles are checked by ``caseapp.audit.bundle_verifier`` (the standalone verifier).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from caseapp.audit.bundle_verifier import GENESIS_HASH, chain_hash
from caseapp.audit.chain import sealed_of
from caseapp.audit.models import AuditChainHead, AuditEntry
from caseapp.core.extensions import db

BATCH = 2000
COLUMNS = (
    "seq",
    "occurred_at",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "actor_agency_id",
    "actor_id",
    "diff",
    "reason",
    "salt",
)


@dataclass
class ChainStatus:
    """The outcome of a chain check."""

    count: int
    head_hash: str
    problem: str | None = None
    broken_seq: int | None = None

    @property
    def ok(self) -> bool:
        """True when the whole chain verifies."""
        return self.problem is None


def verify_chain(progress: Callable[[int], None] | None = None) -> ChainStatus:
    """Walk the chain from entry 1 and report the first broken entry, if any."""
    t = AuditEntry.__table__
    conn = db.engine.connect()
    if conn.dialect.name == "sqlite":
        conn = conn.execution_options(sqlite_read_only=True)
    else:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    with conn:
        result = conn.execution_options(yield_per=BATCH).execute(
            select(*t.c[COLUMNS], t.c.hash).order_by(t.c.seq)
        )
        try:
            status = _walk(result.mappings(), progress)
        finally:
            result.close()  # also when stopping early: release the server-side cursor
        if status.problem is not None:
            return status
        head = conn.execute(select(AuditChainHead.seq, AuditChainHead.hash)).first()
    count, prev_hash = status.count, status.head_hash
    if head is not None and (head[0], head[1]) != (count, prev_hash):
        return ChainStatus(
            count,
            prev_hash,
            f"the chain head says entry {head[0]} but the table ends at entry {count} "
            "(entries removed at the end, or the head was altered)",
            count + 1,
        )
    return ChainStatus(count, prev_hash)


def _walk(rows, progress) -> ChainStatus:
    """Recompute the chain over ``rows`` (in sequence order)."""
    prev_hash, prev_time, expected, count = GENESIS_HASH, None, 1, 0
    for row in rows:
        seq = row["seq"]
        if seq != expected:
            what = "missing" if seq > expected else "duplicated"
            problem = f"entry {expected} is {what} (found sequence number {seq})"
            return ChainStatus(count, prev_hash, problem, expected)
        if prev_time is not None and row["occurred_at"] < prev_time:
            return ChainStatus(count, prev_hash, f"entry {seq}: time goes backwards", seq)
        recomputed = chain_hash(prev_hash, sealed_of(**{k: row[k] for k in COLUMNS}))
        if recomputed != row["hash"]:
            problem = (
                f"entry {seq}: stored hash does not match its content "
                "(the entry was altered, or an earlier one was)"
            )
            return ChainStatus(count, prev_hash, problem, seq)
        prev_hash, prev_time = recomputed, row["occurred_at"]
        expected += 1
        count += 1
        if progress is not None and count % BATCH == 0:
            progress(BATCH)
    return ChainStatus(count, prev_hash)
