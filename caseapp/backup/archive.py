"""Creating and restoring a backup: one zip with the database, the secrets and a summary.

- ``backup.json``: what was backed up (database kind, time, counts, chain head, key id, a
  pseudonym probe) -- bound to the encrypted secrets as AES-GCM associated data;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the app serves)
  or ``database.pgdump`` (``pg_dump -Fc`` inside an exported snapshot, so the summary and the
  dump see the same transaction);
- ``secrets.json.enc``: signing key, pseudonym secret, instance id, secret key
  (``caseapp.backup.secrets``);
- ``audit_checkpoints.jsonl``: the instance's checkpoint file.

Restoring needs an empty instance (no tables, no secrets); the restored instance then checks
itself: chain, checkpoints, signing fingerprint, pseudonyms and counts.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import format_time
from caseapp.audit.checkpoints import CHECKPOINT_FILE
from caseapp.audit.pseudonyms import Pseudonymiser
from caseapp.backup import secrets as sealed
from caseapp.core.db import utcnow
from caseapp.core.extensions import db

FORMAT = "caseapp-backup/1"
COUNTED = ("audit_entry", "case", "child", "user_account", "audit_checkpoint", "audit_export")
PROBE_RECIPIENT = "caseapp-backup-probe"


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why."""


@dataclass
class RestoreReport:
    """What the restored instance found when it checked itself."""

    metadata: dict
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return all(ok for _, ok, _ in self.checks)


def _probe(secret: bytes) -> str:
    """A pseudonym that changes whenever the pseudonym secret does."""
    return Pseudonymiser(secret, PROBE_RECIPIENT).staff(1) or ""


def _summary(conn) -> dict:
    """Counts and chain head, read in the same snapshot as the copy."""
    counts = {}
    for table in COUNTED:
        query = sa.select(sa.func.count()).select_from(sa.table(table))
        counts[table] = conn.execute(query).scalar_one()
    head = conn.execute(sa.text("SELECT seq, hash FROM audit_chain_head WHERE id = 1")).first()
    return {"counts": counts, "chain_head": {"seq": head[0], "hash": head[1]} if head else None}


def _libpq(url: sa.URL) -> tuple[str, dict]:
    """A libpq URL without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (package postgresql-client)")
    return path


def _check_pg_tools(conn) -> None:
    server = conn.execute(sa.text("SHOW server_version_num")).scalar_one()
    try:
        out = subprocess.run(  # noqa: S603 -- a fixed argument list
            [_tool("pg_dump"), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        raise BackupError("pg_dump is not installed (package postgresql-client)") from err
    client_major = int(out.split()[-1].split(".")[0])
    if client_major < int(server) // 10000:
        raise BackupError(
            f"pg_dump {client_major} cannot dump a PostgreSQL {int(server) // 10000} server; "
            "install the matching postgresql-client"
        )


def _dump(work: Path) -> tuple[str, dict]:
    """Copy the database into ``work``; return the member name and the summary."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        source = engine.url.database
        target = work / "database.sqlite3"
        src = sqlite3.connect(source)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # online backup: a consistent copy, WAL included
        finally:
            src.close()
            dst.close()
        copy = sa.create_engine(f"sqlite:///{target}")
        try:
            with copy.connect() as conn:
                return "database.sqlite3", _summary(conn)
        finally:
            copy.dispose()
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        _check_pg_tools(conn)
        snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        summary = _summary(conn)
        url, env = _libpq(engine.url)
        target = work / "database.pgdump"
        result = subprocess.run(  # noqa: S603
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                f"--dbname={url}",
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        conn.rollback()
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
    return "database.pgdump", summary


def create_backup(out: str | os.PathLike, passphrase: str) -> dict:
    """Write a backup of the database and the instance secrets to ``out``; return its summary."""
    out = Path(out)
    db.session.rollback()  # nothing of ours holds a lock while copying
    secret = keys.pseudonym_master_secret()
    secrets = {
        "signing_key_pem": keys.signing_key_pem().decode(),
        "pseudonym_secret": base64.b64encode(secret).decode(),
        "instance_id": keys.instance_id(),
        "secret_key": str(current_app.config["SECRET_KEY"]),
    }
    with tempfile.TemporaryDirectory(prefix="caseapp-backup-", dir=out.parent) as tmp:
        work = Path(tmp)
        member, summary = _dump(work)
        metadata = {
            "format": FORMAT,
            "created_at": format_time(utcnow()),
            "database": member,
            "dialect": db.engine.dialect.name,
            **summary,
            "key_id": keys.key_id(),
            "instance_id": keys.instance_id(),
            "pseudonym_probe": _probe(secret),
        }
        meta_bytes = json.dumps(metadata, indent=1, sort_keys=True).encode()
        partial = work / "backup.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            zf.writestr("backup.json", meta_bytes)
            zf.writestr("secrets.json.enc", sealed.seal(secrets, passphrase, meta_bytes))
            zf.write(work / member, member)
            checkpoints = Path(current_app.instance_path) / CHECKPOINT_FILE
            if checkpoints.exists():
                zf.write(checkpoints, CHECKPOINT_FILE)
        os.chmod(partial, 0o600)
        os.replace(partial, out)
    return metadata


def _read(path) -> tuple[zipfile.ZipFile, dict, bytes]:
    try:
        zf = zipfile.ZipFile(path)
        names = zf.namelist()
        if len(names) != len(set(names)):
            raise BackupError("the backup holds duplicate members")
        meta_bytes = zf.read("backup.json")
        metadata = json.loads(meta_bytes)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise BackupError(f"not a readable caseapp backup ({err})") from err
    if metadata.get("format") != FORMAT:
        raise BackupError("not a caseapp backup")
    return zf, metadata, meta_bytes


def _ensure_empty() -> None:
    """Refuse to restore over an instance that has data or secrets of its own."""
    tables = sa.inspect(db.engine).get_table_names()
    if tables:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables); restore onto a new, empty one"
        )
    instance = Path(current_app.instance_path)
    present = [
        name
        for name in (keys.SIGNING_KEY_FILE, keys.PSEUDONYM_SECRET_FILE, CHECKPOINT_FILE)
        if (instance / name).exists()
    ]
    if present:
        raise BackupError(
            f"the instance folder already has {', '.join(present)}; restore into a new one"
        )


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _load_database(zf: zipfile.ZipFile, metadata: dict, work: Path) -> None:
    member = metadata["database"]
    dialect = db.engine.dialect.name
    if dialect != metadata["dialect"]:
        raise BackupError(f"this backup is of a {metadata['dialect']} database, not {dialect}")
    zf.extract(member, work)
    db.engine.dispose()
    if dialect == "sqlite":
        target = Path(db.engine.url.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(work / member, target)
        return
    url, env = _libpq(db.engine.url)
    result = subprocess.run(  # noqa: S603
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={url}",
            str(work / member),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")


def restore_backup(path: str | os.PathLike, passphrase: str) -> RestoreReport:
    """Restore a backup onto this empty instance, then let the instance check itself."""
    zf, metadata, meta_bytes = _read(path)
    with zf:
        try:
            secrets = sealed.unseal(zf.read("secrets.json.enc"), passphrase, meta_bytes)
        except sealed.BadPassphrase as err:
            raise BackupError(str(err)) from err
        _ensure_empty()
        with tempfile.TemporaryDirectory(prefix="caseapp-restore-") as tmp:
            _load_database(zf, metadata, Path(tmp))
        instance = Path(current_app.instance_path)
        instance.mkdir(parents=True, exist_ok=True)
        _write_secret(instance / keys.SIGNING_KEY_FILE, secrets["signing_key_pem"].encode())
        _write_secret(
            instance / keys.PSEUDONYM_SECRET_FILE, base64.b64decode(secrets["pseudonym_secret"])
        )
        if not (instance / keys.INSTANCE_ID_FILE).exists():
            _write_secret(instance / keys.INSTANCE_ID_FILE, secrets["instance_id"].encode())
        if not (instance / "secret_key").exists():
            _write_secret(instance / "secret_key", secrets["secret_key"].encode())
        if CHECKPOINT_FILE in zf.namelist():
            _write_secret(instance / CHECKPOINT_FILE, zf.read(CHECKPOINT_FILE))
    return self_check(metadata)


def self_check(metadata: dict) -> RestoreReport:
    """Compare the restored instance with the backup's summary; verify the chain."""
    from caseapp.audit.verify import verify_chain

    report = RestoreReport(metadata)
    status = verify_chain()
    report.checks.append(
        ("audit chain", status.ok, status.problem or f"{status.count} entries verify")
    )
    head = metadata.get("chain_head") or {}
    same_head = (status.count, status.head_hash) == (
        head.get("seq", 0),
        head.get("hash", status.head_hash),
    )
    report.checks.append(("chain head", same_head, f"entry {status.count}, {status.head_hash}"))
    report.checks.append(
        ("signing key fingerprint", keys.key_id() == metadata["key_id"], keys.key_id())
    )
    probe = _probe(keys.pseudonym_master_secret())
    report.checks.append(("pseudonyms", probe == metadata["pseudonym_probe"], probe))
    with db.engine.connect() as conn:
        counts = _summary(conn)["counts"]
    for table, expected in metadata["counts"].items():
        report.checks.append(
            (f"rows in {table}", counts[table] == expected, f"{counts[table]} of {expected}")
        )
    return report
