"""Request ids (issue 13 item 6): every entry a web request records carries the request's one
random id, sealed into the chain; the audit pages group entries by it and guess nothing."""

from __future__ import annotations

import json
import re

from sqlalchemy import select, text

from caseapp.audit import keys
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.audit.chain import sealed_of_entry
from caseapp.audit.models import AuditEntry
from caseapp.audit.pages import group_by_request
from caseapp.audit.recorder import record
from caseapp.audit.verify import verify_chain
from caseapp.core.permissions import Role
from tests.audit.bundles import join, lines, populate, read, resign, write
from tests.audit.helpers import drop_triggers, recreate_triggers


def _entries(db):
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_each_web_request_gives_its_entries_one_new_id(client, factory, login, db):
    user = factory.user(Role.OMBUDSPERSON)
    login(user)
    before = len(_entries(db))
    assert client.get("/audit/").status_code == 200
    assert client.get("/audit/").status_code == 200
    first, second = [e for e in _entries(db)[before:] if e.action == "audit:log:view"]
    assert re.fullmatch(r"[0-9a-f]{32}", first.request_id)
    assert first.request_id != second.request_id


def test_entries_outside_a_request_have_none_and_keep_the_old_sealed_form(db, factory):
    case = factory.case()
    entry = record(None, AuditAction.CASE_STAGE_CHANGE, case, diff={"stage": ["a", "b"]})
    db.session.commit()
    assert entry.request_id is None
    assert "request_id" not in sealed_of_entry(entry)
    assert verify_chain().ok


def test_the_request_id_is_sealed_into_the_chain(db, factory):
    populate(factory)
    with_id = [e for e in _entries(db) if e.request_id is not None]
    assert len(with_id) == 4 and len({e.request_id for e in with_id}) == 2
    assert verify_chain().ok
    drop_triggers()
    db.session.execute(
        text("UPDATE audit_entry SET request_id = :r WHERE seq = :s"),
        {"r": "f" * 32, "s": with_id[0].seq},
    )
    db.session.commit()
    recreate_triggers()
    status = verify_chain()
    assert not status.ok and status.broken_seq == with_id[0].seq


def test_an_altered_or_removed_request_id_in_a_bundle_fails(db, factory, runner, tmp_path):
    populate(factory)
    out = tmp_path / "export.zip"
    result = runner.invoke(args=["audit", "export", "--out", str(out), "--recipient", "ombud-md"])
    assert result.exit_code == 0, result.output
    assert verify_bundle(out).ok
    members = read(out)
    items = lines(members)
    n = next(i for i, item in enumerate(items) if b'"request_id"' in item)
    for change in ("altered", "removed"):
        entry = json.loads(items[n])
        if change == "altered":
            entry["request_id"] = "0" * 32
        else:
            del entry["request_id"]
        edited = [*items[:n], json.dumps(entry).encode(), *items[n + 1 :]]
        forged = {**members, "entries.jsonl": join(edited)}
        path = write(tmp_path / f"{change}.zip", resign(forged, keys.signing_key()))
        found = verify_bundle(path).failures
        assert any(f"line {n + 1} (seq" in f and "hash does not follow" in f for f in found), found


def test_the_log_groups_by_request_id_and_guesses_nothing(client, factory, login, db):
    case, supervisor = populate(factory)
    # Same actor, same case, the same moment, but no request: each stands alone.
    record(supervisor, AuditAction.CASE_STAGE_CHANGE, case, diff={"stage": ["x", "y"]})
    record(supervisor, AuditAction.CASE_STAGE_CHANGE, case, diff={"stage": ["y", "z"]})
    db.session.commit()
    entries = list(reversed(_entries(db)))
    groups = group_by_request(entries)
    assert [len(g) for g in groups[:4]] == [1, 1, 2, 2]
    assert all(len(g) == 1 for g in groups[4:])
    login(factory.user(Role.OMBUDSPERSON))
    page = client.get("/audit/").get_data(as_text=True)
    assert page.count("2 entries of one request") == 2
    timeline = client.get(f"/audit/cases/{case.id}").get_data(as_text=True)
    assert timeline.count("2 entries of one request") == 2
