"""Building and tampering with export bundles in tests."""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

from flask import current_app

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.core.extensions import db
from caseapp.core.permissions import Role

GATE = {
    "policy_version": "2026-1",
    "safeguards": [
        {"id": "S1", "met": True, "reason": "identity verified", "source": "002, Moldova"},
        {"id": "S7", "met": False, "reason": "no guarantee of care", "source": "002, Moldova"},
    ],
}


def populate(factory):
    """A case with a named child, stage changes, a gate refusal and an approval.

    The four entries are recorded by two web requests (two each), so they carry request ids
    (sealed into their hashes) like the entries of the running app; the factory's own entries
    have none, like those of the command line."""
    supervisor = factory.user(Role.SUPERVISOR)
    case = factory.case(agency=None, given="Ivan", family="Ivanov")
    with current_app.test_request_context("/"):
        record(
            supervisor,
            AuditAction.CASE_STAGE_CHANGE,
            case,
            diff={"stage": ["identified", "registered"]},
        )
        record(supervisor, AuditAction.GATE_REFUSE, case, diff={"gate": GATE}, reason="S7 unmet")
    with current_app.test_request_context("/"):
        record(
            supervisor,
            AuditAction.PLACEMENT_RECORD,
            case,
            diff={
                "child_can_leave_at_will": [None, False],
                "placement_type": [None, "transit_centre"],
            },
        )
        record(
            supervisor,
            AuditAction.RETURN_APPROVE,
            case,
            diff={"gate": {**GATE, "safeguards": [{**GATE["safeguards"][0]}]}},
            reason='=HYPERLINK("http://evil")',
        )
    db.session.commit()
    return case, supervisor


def read(path) -> dict[str, bytes]:
    """Every member of a zip."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write(path, members: dict[str, bytes]) -> Path:
    """Write members into a new zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return Path(path)


def resign(members: dict[str, bytes], key, **manifest_changes) -> dict[str, bytes]:
    """Recompute the file hashes in the manifest and sign it with ``key``.

    Shows that the chain checks catch tampering even by someone able to sign.
    """
    manifest = json.loads(members["manifest.json"])
    for name in manifest["files"]:
        data = members[name]
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    manifest.update(manifest_changes)
    raw = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return {
        **members,
        "manifest.json": raw,
        "manifest.sig": base64.b64encode(key.sign(raw)),
    }


def lines(members) -> list[bytes]:
    """The JSON Lines of entries.jsonl, without line ends."""
    return members["entries.jsonl"].splitlines()


def join(items: list[bytes]) -> bytes:
    """JSON Lines back into file content."""
    return b"".join(item + b"\n" for item in items)
