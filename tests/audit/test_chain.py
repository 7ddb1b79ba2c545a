"""The chain: contiguous sequence numbers, linked hashes, append-only table, atomicity."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask_login import login_user
from sqlalchemy import func, select, text
from werkzeug.exceptions import NotFound

from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import GENESIS_HASH, chain_hash
from caseapp.audit.chain import sealed_of_entry
from caseapp.audit.models import AuditChainHead, AuditEntry
from caseapp.audit.recorder import pending, record
from caseapp.audit.verify import verify_chain
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core import web
from caseapp.core.permissions import Role
from tests.audit.helpers import drop_triggers, seqs


def _entries(db):
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()


def test_entries_are_chained_from_genesis(db, factory):
    factory.case()
    record(None, "test:thing:do", diff={"n": [1, 2]}, reason="why")
    db.session.commit()
    entries = _entries(db)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    prev = GENESIS_HASH
    for entry in entries:
        assert entry.hash == chain_hash(prev, sealed_of_entry(entry))
        prev = entry.hash
    head = db.session.get(AuditChainHead, 1)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    assert verify_chain().ok


def test_canonical_time_has_microseconds_and_z(db):
    entry = record(None, "test:thing:do", diff={})
    db.session.commit()
    assert sealed_of_entry(entry)["occurred_at"].endswith("Z")
    assert len(sealed_of_entry(entry)["occurred_at"]) == len("2026-01-01T00:00:00.000000Z")


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entry SET reason = 'x'", "DELETE FROM audit_entry"]
)
def test_database_refuses_update_and_delete(db, statement):
    record(None, "test:thing:do", diff={})
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert len(_entries(db)) == 1


def test_database_refuses_truncate_on_postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    record(None, "test:thing:do", diff={})
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(text("TRUNCATE audit_entry"))
    db.session.rollback()
    assert len(_entries(db)) == 1


def test_orm_update_is_refused_too(db):
    entry = record(None, "test:thing:do", diff={})
    db.session.commit()
    entry.reason = "rewritten"
    with pytest.raises(sa.exc.DBAPIError):
        db.session.commit()
    db.session.rollback()


def _three_entries(db):
    for n in range(3):
        record(None, "test:thing:do", diff={"n": n}, reason=f"r{n}")
    db.session.commit()


def test_verify_passes_on_intact_chain(db, runner):
    _three_entries(db)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 entries" in result.output


def test_verify_names_an_entry_altered_behind_the_triggers_back(db, runner):
    _three_entries(db)
    drop_triggers()
    db.session.execute(text("UPDATE audit_entry SET reason = 'nothing happened' WHERE seq = 2"))
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 2" in result.output
    assert "does not match its content" in result.output


def test_verify_detects_a_rehashed_entry_by_the_next_link(db, runner):
    """An attacker who also recomputes the altered entry's own hash breaks the next link."""
    _three_entries(db)
    drop_triggers()
    db.session.execute(text("UPDATE audit_entry SET action = 'test:thing:undo' WHERE seq = 2"))
    db.session.commit()
    entries = _entries(db)
    forged = chain_hash(entries[0].hash, sealed_of_entry(entries[1]))
    db.session.execute(text("UPDATE audit_entry SET hash = :h WHERE seq = 2"), {"h": forged})
    db.session.commit()
    status = verify_chain()
    assert (status.ok, status.broken_seq) == (False, 3)


@pytest.mark.parametrize(("seq", "where"), [(2, "entry 2 is missing"), (3, "head says entry 3")])
def test_verify_detects_a_deleted_entry(db, runner, seq, where):
    _three_entries(db)
    drop_triggers()
    db.session.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": seq})
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert where in result.output


def test_failed_operation_leaves_neither_change_nor_entry(db, factory):
    """A change and its entry share one transaction: a failure half-way removes both."""
    from caseapp.auth import operations

    before = (seqs(), db.session.get(AuditChainHead, 1).hash)
    existing = factory.user(Role.OMBUDSPERSON)
    operations.create_user(
        None,
        email="new@example.org",
        name="New",
        role=Role.OMBUDSPERSON,
        agency=None,
        password="quiet river stones 71",
    )
    assert len(seqs()) == len(before[0]) + 1  # the entry was written (flushed) ...
    db.session.add(
        User(email=existing.email, name="Dup", role=Role.OMBUDSPERSON, password_hash="x")
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()  # ... then the operation fails half-way
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(User.email == "new@example.org")) == 0
    assert (seqs(), db.session.get(AuditChainHead, 1).hash) == before
    record(None, "test:thing:do", diff={})
    db.session.commit()
    assert seqs() == list(range(1, len(before[0]) + 2))
    assert verify_chain().ok


def test_concurrent_writers_do_not_fork_the_chain(app, db):
    """Several threads, each with its own connection, commit entries at once."""
    threads, per_thread, errors = 4, 15, []
    barrier = threading.Barrier(threads)

    def work(n: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                for i in range(per_thread):
                    record(None, "test:concurrent:write", diff={"thread": n, "i": i})
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert seqs() == list(range(1, threads * per_thread + 1))
    status = verify_chain()
    assert status.ok, status.problem
    assert status.count == threads * per_thread


def _end_request(app) -> None:
    """What the request layer does after a view: write the pending entries and commit."""
    app.process_response(app.response_class())


def test_refused_access_is_chained(app, db, factory):
    case = factory.case()
    outsider = factory.user(Role.CASEWORKER)
    with app.test_request_context():
        login_user(outsider)
        with pytest.raises(NotFound):
            web.load(Case, case.id)
        _end_request(app)
    last = _entries(db)[-1]
    assert (last.action, last.actor_id, last.case_id) == (
        "access:object:refuse",
        outsider.id,
        case.id,
    )
    assert verify_chain().ok


def test_record_view_commits_a_view_entry(app, db, factory):
    case = factory.case()
    ombudsperson = factory.user(Role.OMBUDSPERSON)
    with app.test_request_context():
        web.audit_read(pending(ombudsperson, AuditAction.CASE_VIEW, case, diff={}))
        _end_request(app)
    db.session.rollback()  # already committed: a rollback does not lose it
    last = _entries(db)[-1]
    assert (last.action, last.case_id, last.actor_id) == (
        "case:record:view",
        case.id,
        ombudsperson.id,
    )


def test_record_download_commits_a_download_entry(app, db, factory):
    case = factory.case()
    user = factory.user(Role.OMBUDSPERSON)
    with app.test_request_context():
        web.audit_read(pending(user, AuditAction.CASE_DOWNLOAD, case, diff={"file": "bundle.zip"}))
        _end_request(app)
    db.session.rollback()
    last = _entries(db)[-1]
    assert (last.action, last.diff) == ("case:file:download", {"file": "bundle.zip"})


def test_failed_login_is_chained(client, db, factory):
    user = factory.user(Role.CASEWORKER)
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 200
    last = _entries(db)[-1]
    assert (last.action, last.actor_id) == ("auth:login:fail", None)
    assert verify_chain().ok
