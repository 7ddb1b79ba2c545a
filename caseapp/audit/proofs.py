"""Proofs that one case's entries belong to a signed checkpoint (RFC 9162 inclusion proofs).

An ombudsperson (or a court) can be shown a case's entries without the rest of the chain:
each entry comes with its predecessor's hash and its Merkle audit path to the root of a
freshly signed checkpoint; consistency proofs tie that checkpoint to every earlier one.
``tools/verify_export.py --proof FILE`` checks them (002, Rec 2).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.audit import checkpoints, keys
from caseapp.audit.bundle_verifier import GENESIS_HASH, PROOF_FORMAT
from caseapp.audit.merkle import Tree
from caseapp.audit.pseudonyms import Pseudonymiser
from caseapp.audit.verify import ChainStatus, Walk, entry_rows, snapshot
from caseapp.core.errors import DomainError, ValidationFailed
from caseapp.core.extensions import db


class ChainNotVerified(DomainError):
    """The chain does not verify; no proof is signed over it."""


def case_proof(case_number: str, recipient: str = "ombudsperson") -> dict:
    """Sign a checkpoint of the head and prove the case's entries in it (caller commits)."""
    from caseapp.cases.models import Case

    case_id = db.session.scalar(select(Case.id).where(Case.number == case_number.strip()))
    if case_id is None:
        raise ValidationFailed(_("No case with this number."))
    pseudonyms = Pseudonymiser(keys.pseudonym_master_secret(), recipient)
    hashes: list[str] = []
    chosen: list[tuple] = []
    with snapshot() as conn:
        walk = Walk(checkpoints.references(conn))

        def on_entry(row, occurred_at, personal) -> None:
            hashes.append(row[11])
            if row[5] == case_id:
                entry = {
                    "seq": row[0],
                    "occurred_at": occurred_at,
                    "action": row[2],
                    "object_type": row[3],
                    "object_id": row[4],
                    "case_id": row[5],
                    "actor_agency_id": row[6],
                    "personal": personal,
                    **({} if row[12] is None else {"request_id": row[12]}),
                    "hash": row[11],
                    "actor": pseudonyms.staff(row[7]),
                    "diff": pseudonyms.diff(row[8]),
                    "reason": row[9],
                    "case_number": case_number,
                }
                chosen.append((entry, hashes[-2] if len(hashes) > 1 else GENESIS_HASH))

        result = entry_rows(conn)
        try:
            walk.run(result, on_entry)
        finally:
            result.close()
        walk.finish()
        status: ChainStatus = walk.status()
        earlier = checkpoints.stored_lines(conn)
    if not status.ok:
        raise ChainNotVerified(status.problem or "")
    tree = Tree(hashes)
    made = checkpoints.record_checkpoint(status.count, status.head_hash, tree.root())
    return {
        "format": PROOF_FORMAT,
        "checkpoint": checkpoints.line_of(made),
        "public_key": keys.public_key_pem().decode(),
        "entries": [
            {
                "entry": entry,
                "prev_hash": prev,
                "path": [p.hex() for p in tree.inclusion(entry["seq"] - 1)],
            }
            for entry, prev in chosen
        ],
        "consistency": [
            {"from": line, "proof": [p.hex() for p in tree.consistency(line["tree_size"])]}
            for line in earlier
            if 0 < line["tree_size"] <= status.count
        ],
    }
