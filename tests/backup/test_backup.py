"""Backup while the app writes, restore onto a fresh instance, same key and pseudonyms.

Issue 14, finding 7: a file copy of the WAL database missed commits, and a restore made a new
signing key and pseudonym secret. Runs on SQLite and, with CASEAPP_TEST_DATABASE_URL, on
PostgreSQL (pg_dump/pg_restore).
"""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import sqlalchemy as sa

from caseapp import create_app
from caseapp.audit import keys
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.audit.recorder import record
from tests.audit.bundles import lines, populate, read
from tests.conftest import PG_URL, _pg_execute

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the kind under test."""
    if PG_URL:
        name = f"caseapp_restore_{uuid.uuid4().hex[:8]}"
        _pg_execute(PG_URL, f'CREATE DATABASE "{name}"')
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        _pg_execute(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"


def _writes_while(app, stop: threading.Event, done: list[int]) -> None:
    from caseapp.core.extensions import db

    with app.app_context():
        while not stop.is_set():
            record(None, "test:backup:write", diff={"n": len(done)})
            db.session.commit()
            done.append(1)
        db.session.remove()


def _actors(members) -> dict[int, str]:
    return {e["seq"]: e.get("actor") for e in map(json.loads, lines(members))}


def test_backup_during_writes_restores_with_the_same_key_and_pseudonyms(
    app, db, factory, runner, app_config, empty_database, tmp_path
):
    populate(factory)
    before = read(_export(runner, tmp_path / "before.zip"))
    original_key = keys.key_id()
    stop, done = threading.Event(), []
    writer = threading.Thread(target=_writes_while, args=(app, stop, done))
    writer.start()
    try:
        while len(done) < 5:
            threading.Event().wait(0.01)
        backup = tmp_path / "backup.zip"
        env = {"CASEAPP_BACKUP_PASSPHRASE": PASSPHRASE}
        made = runner.invoke(args=["backup", "create", "--out", str(backup)], env=env)
    finally:
        stop.set()
        writer.join()
    assert made.exit_code == 0, made.output
    assert len(done) > 5  # writes went on while the backup was made
    assert backup.stat().st_mode & 0o777 == 0o600
    assert keys.signing_key_pem() not in backup.read_bytes()

    instance = tmp_path / "restored-instance"
    restored = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": empty_database, "INSTANCE_PATH": str(instance)}
    )
    with restored.app_context():
        cli = restored.test_cli_runner()
        wrong = cli.invoke(
            args=["backup", "restore", str(backup)],
            env={"CASEAPP_BACKUP_PASSPHRASE": "not the passphrase at all"},
        )
        assert wrong.exit_code == 1 and "wrong passphrase" in wrong.output
        result = cli.invoke(args=["backup", "restore", str(backup)], env=env)
        assert result.exit_code == 0, result.output
        for check in ("audit chain", "signing key fingerprint", "pseudonyms", "rows in case"):
            assert f"ok   {check}" in result.output
        assert keys.key_id() == original_key
        assert cli.invoke(args=["audit", "verify"]).exit_code == 0
        after = _export(cli, tmp_path / "after.zip")
        report = verify_bundle(after, expected_fp=original_key)
        assert report.ok, report.failures
        old, new = _actors(before), _actors(read(after))
        assert old and all(new[seq] == actor for seq, actor in old.items())
        again = cli.invoke(args=["backup", "restore", str(backup)], env=env)
        assert again.exit_code == 1 and "not empty" in again.output
        from caseapp.core.extensions import db as restored_db

        restored_db.session.remove()
        restored_db.engine.dispose()


def _export(runner, out):
    result = runner.invoke(args=["audit", "export", "--out", str(out), "--recipient", "ombud-md"])
    assert result.exit_code == 0, result.output
    return out


def test_short_passphrase_is_refused(runner, tmp_path):
    result = runner.invoke(
        args=["backup", "create", "--out", str(tmp_path / "b.zip"), "--passphrase-stdin"],
        input="short\n",
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert not (tmp_path / "b.zip").exists()
