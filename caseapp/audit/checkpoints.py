"""Signed checkpoints of the audit chain, kept outside ``audit_entry`` (issue 14, finding 6).

A checkpoint states, under the instance's Ed25519 key, how long the chain was, its last hash
and its Merkle root at a given time (``bundle_verifier.checkpoint_body``). Each is stored in
the append-only ``audit_checkpoint`` table *and* appended to ``instance/audit_checkpoints.jsonl``;
every export carries them all, and the ombudsperson's verifier remembers those it has seen.
An ombudsperson may countersign a checkpoint with their own registered key (002, Rec 2:
independent monitoring). ``audit verify`` and every export compare the chain with all of them.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import (
    CHECKPOINT_FORMAT,
    canonical,
    checkpoint_body,
    checkpoint_label,
    checkpoint_signature_ok,
    countersignature_ok,
    format_time,
)
from caseapp.audit.models import (
    AuditCheckpoint,
    AuditCountersignature,
    AuditExport,
    AuditWitnessKey,
)
from caseapp.core.db import utcnow
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db

CHECKPOINT_FILE = "audit_checkpoints.jsonl"


def _file() -> Path:
    return Path(current_app.instance_path) / CHECKPOINT_FILE


def line_of(checkpoint: Any, countersignatures=()) -> dict:
    """A stored checkpoint (an ``AuditCheckpoint``, or a row of its table) as the signed
    line that bundles carry."""
    return {
        "format": CHECKPOINT_FORMAT,
        "instance_id": checkpoint.instance_id,
        "tree_size": checkpoint.tree_size,
        "chain_hash": checkpoint.chain_hash,
        "merkle_root": checkpoint.merkle_root,
        "made_at": format_time(checkpoint.made_at),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
        "countersignatures": list(countersignatures),
    }


def record_checkpoint(
    tree_size: int, chain_hash: str, merkle_root: str, *, made_at: datetime | None = None
) -> AuditCheckpoint:
    """Sign and store a checkpoint (table and instance file); the caller commits.

    ``made_at`` defaults to now (an export gives its own creation time)."""
    made_at = made_at or utcnow()
    checkpoint = AuditCheckpoint(
        made_at=made_at,
        instance_id=keys.instance_id(),
        tree_size=tree_size,
        chain_hash=chain_hash,
        merkle_root=merkle_root,
        key_id=keys.key_id(),
        signature="",
    )
    body = checkpoint_body(line_of(checkpoint))
    checkpoint.signature = base64.b64encode(keys.signing_key().sign(canonical(body))).decode()
    db.session.add(checkpoint)
    db.session.flush()
    _append_to_file(line_of(checkpoint))
    return checkpoint


def _append_to_file(line: dict) -> None:
    """Append one line to the instance's checkpoint file (mode 600), synced to disk."""
    line = {k: v for k, v in line.items() if k != "countersignatures"}
    fd = os.open(_file(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, canonical(line) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def stored_lines(conn) -> list[dict]:
    """Every checkpoint in the table, oldest first, with its countersignatures."""
    cp, cs, wk = (
        AuditCheckpoint.__table__,
        AuditCountersignature.__table__,
        AuditWitnessKey.__table__,
    )
    signed: dict[int, list[dict]] = {}
    for row in conn.execute(
        select(cs.c.checkpoint_id, cs.c.signature, wk.c.name, wk.c.key_id, wk.c.public_key)
        .select_from(cs.join(wk, cs.c.witness_key_id == wk.c.id))
        .order_by(cs.c.id)
    ):
        signed.setdefault(row.checkpoint_id, []).append(
            {
                "witness": row.name,
                "witness_key_id": row.key_id,
                "public_key": row.public_key,
                "signature": row.signature,
            }
        )
    # Rows, not ``AuditCheckpoint`` objects: making one configures every mapper of the app
    # (6 MB of Python objects), and an export reads these before it walks the chain, when
    # that memory would add to its peak (issue 16 item 6).
    rows = conn.execute(select(cp).order_by(cp.c.tree_size, cp.c.id))
    return [line_of(row, signed.get(row.id, ())) for row in rows]


def file_lines() -> list[dict]:
    """The checkpoints in the instance file whose signature verifies with the instance key."""
    path = _file()
    if not path.exists():
        return []
    key = keys.signing_key().public_key()
    out = []
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if isinstance(line, dict) and checkpoint_signature_ok(key, line):
                out.append(line)
    return out


@dataclass(frozen=True)
class Reference:
    """A state of the chain recorded outside it: hash (and Merkle root) after entry ``seq``."""

    seq: int
    chain_hash: str
    merkle_root: str | None
    label: str


def references(conn) -> dict[int, list[Reference]]:
    """Checkpoints (table and instance file) and the heads of past exports, by entry."""
    points: dict[int, list[Reference]] = {}

    def add(ref: Reference) -> None:
        if ref.seq and ref.seq > 0:
            points.setdefault(ref.seq, []).append(ref)

    for line in stored_lines(conn):
        add(
            Reference(
                line["tree_size"], line["chain_hash"], line["merkle_root"], checkpoint_label(line)
            )
        )
    for line in file_lines():
        label = f"{checkpoint_label(line)} (instance/{CHECKPOINT_FILE})"
        add(Reference(line["tree_size"], line["chain_hash"], line["merkle_root"], label))
    t = AuditExport.__table__
    for row in conn.execute(select(t.c.id, t.c.made_at, t.c.last_seq, t.c.head_hash)):
        label = f"export #{row.id} made {format_time(row.made_at)}"
        add(Reference(row.last_seq, row.head_hash, None, label))
    return points


def register_witness(name: str, public_key_pem: bytes) -> AuditWitnessKey:
    """Register an ombudsperson's Ed25519 public key for countersigning (caller commits)."""
    from caseapp.audit.bundle_verifier import _load_public_key, _raw, fingerprint

    try:
        key = _load_public_key(public_key_pem)
    except ValueError as err:
        raise ValidationFailed(f"not an Ed25519 public key ({err})") from err
    name, key_id = name.strip(), fingerprint(_raw(key))
    # One key per witness and one witness per key (the register's unique columns), refused
    # here with a message rather than by the database.
    if not name:
        raise ValidationFailed(_("Give the witness's name."))
    if db.session.scalar(select(AuditWitnessKey.id).where(AuditWitnessKey.name == name)):
        raise ValidationFailed(_("A witness of this name is already registered."))
    taken = db.session.scalar(select(AuditWitnessKey.name).where(AuditWitnessKey.key_id == key_id))
    if taken is not None:
        raise ValidationFailed(_("This key is already registered, for %(name)s.", name=taken))
    witness = AuditWitnessKey(name=name, key_id=key_id, public_key=public_key_pem.decode())
    db.session.add(witness)
    db.session.flush()
    return witness


def store_countersignature(document: dict) -> AuditCountersignature:
    """Check a witness's countersignature of a stored checkpoint and keep it (caller commits)."""
    try:
        body = checkpoint_body(document.get("checkpoint") or {})
    except ValueError as err:
        raise ValidationFailed(f"not a countersignature ({err})") from err
    witness = db.session.scalar(
        select(AuditWitnessKey).where(AuditWitnessKey.key_id == document.get("witness_key_id"))
    )
    if witness is None:
        raise ValidationFailed("the countersigning key is not registered (audit witness-add)")
    document = {**document, "public_key": witness.public_key}
    if countersignature_ok(document, body) != witness.key_id:
        raise ValidationFailed("the countersignature does not verify with the registered key")
    for checkpoint in db.session.scalars(
        select(AuditCheckpoint).where(AuditCheckpoint.tree_size == body["tree_size"])
    ):
        if checkpoint_body(line_of(checkpoint)) == body:
            signed = AuditCountersignature(
                checkpoint_id=checkpoint.id,
                witness_key_id=witness.id,
                signature=document["signature"],
            )
            db.session.add(signed)
            db.session.flush()
            return signed
    raise ValidationFailed("no such checkpoint on this instance")
