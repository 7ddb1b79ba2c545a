"""The audit tables. Entries are only ever inserted; the database refuses UPDATE and DELETE.

``audit_entry`` rows form a hash chain and a Merkle tree (see ``caseapp.audit.bundle_verifier``
for the canonical form); ``audit_chain_head`` is the one-row lock that serialises writers so
the chain never forks; ``audit_export`` lists every export made (DESIGN.md section 6);
``audit_checkpoint`` holds the signed checkpoints and ``audit_countersignature`` the
ombudspersons' countersignatures of them. All but the head are append-only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.extensions import db


class AuditEntry(db.Model):
    """Who did what to which object of which case, when, and why (DESIGN.md section 6)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_case_id_occurred_at", "case_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Position in the chain: 1, 2, 3, ... without gaps (unique, so the chain cannot fork).
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Plain ids, not foreign keys: the trail must outlive any row it mentions.
    actor_id: Mapped[int | None] = mapped_column(index=True)
    actor_agency_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="RESTRICT"))
    diff: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    # Random salt of the personal digest, and hash_i of the chain (hex).
    salt: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(64))
    # The web request that recorded the entry (``caseapp.core.web.request_id``): the audit log
    # groups by it. None for the command line, background jobs and entries made before it
    # existed. Sealed into the hash when present (``bundle_verifier``, canonical form).
    request_id: Mapped[str | None] = mapped_column(String(32), index=True)

    def __repr__(self) -> str:
        return f"<AuditEntry {self.seq} {self.action} {self.object_type}:{self.object_id}>"


class AuditChainHead(db.Model):
    """The last link of the chain, one row; locked by every writer of an audit entry."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditExport(db.Model):
    """One export bundle handed out: to whom, which range, and the chain head it ended at."""

    __tablename__ = "audit_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    identified: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seq: Mapped[int | None]
    last_seq: Mapped[int | None]
    count: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    filters: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


class AuditCheckpoint(db.Model):
    """A signed statement of the chain head: size, hash, Merkle root, time (append-only).

    Kept apart from ``audit_entry`` (and in ``instance/audit_checkpoints.jsonl`` too), carried
    by every export and remembered by the ombudsperson's verifier, so a later rewrite of the
    chain contradicts a checkpoint someone outside the authority has seen.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    instance_id: Mapped[str] = mapped_column(String(64))
    tree_size: Mapped[int] = mapped_column(index=True)
    chain_hash: Mapped[str] = mapped_column(String(64))
    merkle_root: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64))
    # Base64 Ed25519 signature of the canonical body (bundle_verifier.checkpoint_body).
    signature: Mapped[str] = mapped_column(String(100))


class AuditWitnessKey(db.Model):
    """An ombudsperson's public key, registered to countersign checkpoints (append-only)."""

    __tablename__ = "audit_witness_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    public_key: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditCountersignature(db.Model):
    """A witness's signature of a checkpoint, verified before it is stored (append-only)."""

    __tablename__ = "audit_countersignature"
    __table_args__ = (
        Index("uq_audit_countersignature_pair", "checkpoint_id", "witness_key_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(
        ForeignKey("audit_checkpoint.id", ondelete="RESTRICT")
    )
    witness_key_id: Mapped[int] = mapped_column(
        ForeignKey("audit_witness_key.id", ondelete="RESTRICT")
    )
    signature: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
