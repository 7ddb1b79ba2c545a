"""The ombudsperson's export bundle: entries (JSON Lines and CSV), case summary, signed manifest.

Streams from the database with bounded memory: a read-only snapshot connection with
``yield_per`` (a server-side cursor on PostgreSQL); the entries' JSON Lines go straight into
the zip and the other files to temporary files, each hashed as it is written, by the zip's
own thread, which compresses beside the walk (``caseapp.audit.bundle_zip``). Each entry's chain link
is re-checked on the way out, so a broken chain is never exported as if it were sound.
Memory is flat in entries and cases: the case summary is spilled to a scratch SQLite file
(``caseapp.audit.summary``). Every export walks the whole chain (re-checking it against the
signed checkpoints and earlier exports), signs a new checkpoint of the head and carries all
checkpoints (``checkpoints.jsonl``) and the Merkle roots, so the ombudsperson's verifier can
tell a rewritten chain from an extended one (issue 14, finding 6).
The format is described in ``caseapp.audit.bundle_verifier`` (002, Rec 2: independent
monitoring; DESIGN.md section 6).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, type_coerce

from caseapp.audit import checkpoints, keys
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import FORMAT, GENESIS_HASH, canonical, format_time
from caseapp.audit.bundle_zip import BundleZip
from caseapp.audit.entry_files import EntryWriter, HashingFile
from caseapp.audit.models import AuditChainHead, AuditEntry, AuditExport
from caseapp.audit.recorder import record
from caseapp.audit.summary import SMALL_CACHE_KB
from caseapp.audit.verify import Walk, entry_rows, snapshot
from caseapp.core import clock
from caseapp.core.db import UTCDateTime, utcnow
from caseapp.core.errors import DomainError, PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.indicators.bundle import write_indicator_files

BATCH = 2000


class ChainBroken(DomainError):
    """The stored chain does not verify; nothing is exported until it is investigated."""


@dataclass
class ExportOptions:
    """What to export, and for whom."""

    recipient: str
    date_from: date | None = None
    date_to: date | None = None
    case_number: str | None = None
    identified: bool = False
    note: str | None = None

    def filters(self) -> dict:
        """The filters as plain values (for the manifest and the audit entry)."""
        return {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "case": self.case_number,
        }


@dataclass
class ExportResult:
    """A finished bundle, written to ``temp_path`` until the caller commits and publishes."""

    temp_path: Path
    manifest: dict
    files: dict = field(default_factory=dict)

    def publish(self, out_path: str | os.PathLike) -> None:
        """Move the bundle to its final place (after the export's audit entry is committed)."""
        os.replace(self.temp_path, out_path)

    def discard(self) -> None:
        """Remove the unpublished bundle."""
        self.temp_path.unlink(missing_ok=True)


def may_receive_identities(recipient: str) -> bool:
    """Whether ``recipient`` is listed in ``AUDIT_IDENTIFIED_RECIPIENTS`` (instance config)."""
    return recipient in (current_app.config.get("AUDIT_IDENTIFIED_RECIPIENTS") or ())


def _bounds(options: ExportOptions):
    start = datetime.combine(options.date_from, time(), UTC) if options.date_from else None
    end = (
        datetime.combine(options.date_to + timedelta(days=1), time(), UTC)
        if options.date_to
        else None
    )
    return start, end


def _range(conn, options: ExportOptions, case_id: int | None):
    t = AuditEntry.__table__
    query = select(func.min(t.c.seq), func.max(t.c.seq))
    start, end = _bounds(options)
    if start is not None:
        query = query.where(t.c.occurred_at >= start)
    if end is not None:
        query = query.where(t.c.occurred_at < end)
    if case_id is not None:
        query = query.where(t.c.case_id == case_id)
    return conn.execute(query).one()


def _previous_export(conn) -> dict | None:
    t = AuditExport.__table__
    row = conn.execute(select(t).order_by(t.c.id.desc()).limit(1)).mappings().first()
    if row is None:
        return None
    return {
        "id": row["id"],
        "made_at": format_time(row["made_at"]),
        "last_seq": row["last_seq"],
        "head_hash": row["head_hash"],
        "manifest_sha256": row["manifest_sha256"],
    }


def _case_id(case_number: str | None) -> int | None:
    if not case_number:
        return None
    from caseapp.cases.models import Case

    case_id = db.session.scalar(select(Case.id).where(Case.number == case_number.strip()))
    if case_id is None:
        raise ValidationFailed(_("No case with this number."))
    return case_id


@contextmanager
def _small_cache(conn):
    """On SQLite, a small page cache for ``conn`` while the block runs (``SMALL_CACHE_KB``),
    then the size it had (issue 16 item 6: the peak)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{SMALL_CACHE_KB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _walk_and_write(conn, first, last, writer, progress) -> tuple[Walk, dict]:
    """Walk the whole chain, writing entries ``first..last``; the Merkle roots on the way.

    Raises ``ChainBroken`` when an entry does not fit, or the chain no longer matches a
    checkpoint or an earlier export.
    """
    from caseapp.cases.models import Case

    walk = Walk(checkpoints.references(conn), parts=True)
    marks: dict = {"first_frontier": walk.frontier.to_json(), "first_prev_hash": GENESIS_HASH}

    add = writer.add

    def on_entry(row, occurred_at, personal, parts) -> None:
        seq = row[0]
        if first is not None and first <= seq <= last:
            add(row, occurred_at, personal, parts)
        if seq == (first or 0) - 1:
            marks["first_frontier"] = walk.frontier.to_json()
            marks["first_prev_hash"] = row[11]
        if seq == last:
            marks["root"] = walk.frontier.root()
            marks["last_hash"] = row[11]

    result = entry_rows(conn, extra=(Case.__table__.c.number,))
    try:
        walk.run(result, on_entry, progress)
    finally:
        result.close()  # also on a broken chain: release the server-side cursor
    walk.finish()
    if walk.problem is not None:
        raise ChainBroken(
            _(
                "The audit chain is broken at entry %(seq)d; run 'audit verify'. %(problem)s",
                seq=walk.broken_seq,
                problem=walk.problem,
            )
        )
    return walk, marks


def _case_counts(conn, first: int, last: int, case_id: int | None, whole: bool):
    """Entries, first and last time per case of the exported range (one aggregate query in
    the export's snapshot; the summary's counts, issue 16 item 6). In no particular order:
    the summary orders the cases itself.

    ``whole``: the range is every entry of the snapshot (no date filter), so the counts need
    no sequence bounds and read the ``(case_id, occurred_at)`` index alone, already grouped
    (no sort: less time and memory)."""
    from caseapp.cases.models import Case

    t, c = AuditEntry.__table__, Case.__table__
    grouped = select(
        t.c.case_id,
        func.count().label("entries"),
        func.min(t.c.occurred_at).label("first_at"),
        func.max(t.c.occurred_at).label("last_at"),
    ).where(t.c.case_id.is_not(None))
    if not whole:
        grouped = grouped.where(t.c.seq.between(first, last))
    if case_id is not None:
        grouped = grouped.where(t.c.case_id == case_id)
    g = grouped.group_by(t.c.case_id).subquery()
    query = select(
        g.c.case_id,
        c.c.number,
        g.c.entries,
        type_coerce(g.c.first_at, UTCDateTime),
        type_coerce(g.c.last_at, UTCDateTime),
    ).select_from(g.outerjoin(c, g.c.case_id == c.c.id))
    for row in conn.execution_options(yield_per=BATCH).execute(query):
        yield row[0], row[1], row[2], format_time(row[3]), format_time(row[4])


def _data_members(
    scratch: Path, writer: EntryWriter, bundle: BundleZip, now, lines: list[dict], walk, root
):
    """Write the bundle's data files; return ``{name: {"sha256", "bytes"}}`` in zip order.

    The one list of the bundle's members: a new file (indicators, ...) is written into
    ``scratch``, queued for the zip and added to ``files`` here; the manifest and the verifier
    follow. The entries' CSV is compressed by the zip's thread while the summary is written.
    A checkpoint of the head is signed and stored once the summary's scratch file is closed
    (its line appended to ``lines``): the ORM work it needs then adds nothing to the peak.
    """
    files = writer.close()
    bundle.add_file(scratch / "entries.csv", "entries.csv")
    summary = HashingFile(scratch / "cases.json")
    writer.summaries.write(summary, format_time(now))
    files["cases.json"] = summary.close()
    bundle.add_file(scratch / "cases.json", "cases.json")
    writer.summaries.close()
    checkpoint = checkpoints.record_checkpoint(walk.count, walk.prev.hex(), root, made_at=now)
    lines.append(checkpoints.line_of(checkpoint))
    checkpoint_file = HashingFile(scratch / "checkpoints.jsonl")
    for line in lines:
        checkpoint_file.write(canonical(line) + b"\n")
    files["checkpoints.jsonl"] = checkpoint_file.close()
    bundle.add_file(scratch / "checkpoints.jsonl", "checkpoints.jsonl")
    return files


def export_bundle(
    actor,
    options: ExportOptions,
    *,
    workdir: str | os.PathLike | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write a signed bundle to a temporary file and record the export (caller commits).

    Identities are included only with ``options.identified`` for a recipient entitled to
    them (``AUDIT_IDENTIFIED_RECIPIENTS``); that choice is audited as
    ``audit:export:identified``. A checkpoint of the chain head is signed and stored with it.
    """
    if options.identified and not may_receive_identities(options.recipient):
        raise PermissionDenied(_("This recipient is not entitled to an export with identities."))
    case_id = _case_id(options.case_number)
    # Release the request's (write-locking on SQLite) transaction during the long read.
    if not (db.session.new or db.session.dirty or db.session.deleted):
        db.session.rollback()
    workdir = Path(workdir or tempfile.gettempdir())
    scratch = Path(tempfile.mkdtemp(prefix="caseapp-export-", dir=workdir))
    fd, name = tempfile.mkstemp(prefix="caseapp-export-", suffix=".zip", dir=workdir)
    os.close(fd)
    bundle: BundleZip | None = None
    writer = None
    finished = False
    try:
        bundle = BundleZip(Path(name))
        with snapshot() as conn, _small_cache(conn):
            first, last = _range(conn, options, case_id)
            count = 0 if first is None else last - first + 1
            if on_total is not None:
                on_total(count)
            # Table columns, not the mapped class: the ORM's mappers are configured (~5 MB)
            # only after the walk, when the checkpoint and the export's entry are recorded.
            heads = AuditChainHead.__table__.c
            head = conn.execute(select(heads.seq, heads.hash)).first()
            previous = _previous_export(conn)
            users = {}
            if options.identified:
                from caseapp.auth.models import User

                people = User.__table__.c
                users = dict(conn.execute(select(people.id, people.name)).all())
            writer = EntryWriter(
                scratch,
                options,
                case_id,
                users,
                jsonl=bundle.stream("entries.jsonl"),
                csv_file=bundle.to_disk(scratch / "entries.csv"),
            )
            walk, marks = _walk_and_write(conn, first, last, writer, progress)
            if head is not None and (head[0], head[1]) != (walk.count, walk.prev.hex()):
                raise ChainBroken(_("The audit chain head does not match its last entry."))
            if count:
                whole = options.date_from is None and options.date_to is None
                writer.summaries.add_counts(_case_counts(conn, first, last, case_id, whole))
            lines = checkpoints.stored_lines(conn)
            conn.rollback()
        head_root = walk.frontier.root()
        now = utcnow()
        created = format_time(now)
        files = _data_members(scratch, writer, bundle, now, lines, walk, head_root)
        checkpoint = lines[-1]
        with _small_cache(db.session.connection()):
            indicator_files = write_indicator_files(scratch, options, case_id, clock.today())
        for member in indicator_files:
            bundle.add_file(scratch / member, member)
        files.update(indicator_files)
        head_hash = marks["last_hash"] if count else marks["first_prev_hash"]
        manifest = {
            "format": FORMAT,
            "instance_id": keys.instance_id(),
            "created_at": created,
            "recipient": options.recipient,
            "identified": options.identified,
            "filters": options.filters(),
            "first_seq": first,
            "last_seq": last,
            "count": count,
            "first_prev_hash": marks["first_prev_hash"],
            "chain_head_hash": head_hash,
            "merkle": {
                "tree_size": last,
                "root": marks.get("root"),
                "first_frontier": marks["first_frontier"],
            },
            "live_chain_head": {
                "seq": walk.count,
                "hash": walk.prev.hex(),
                "merkle_root": head_root,
            },
            "checkpoint": checkpoint,
            "previous_export": previous,
            "files": files,
            "key_id": keys.key_id(),
        }
        manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode()
        signature = base64.b64encode(keys.signing_key().sign(manifest_bytes))
        bundle.add_bytes("manifest.json", manifest_bytes)
        bundle.add_bytes("manifest.sig", signature)
        bundle.add_bytes("public_key.pem", keys.public_key_pem())
        bundle.close()
        finished = True
    finally:
        if not finished:
            if bundle is not None:
                bundle.abort()
            Path(name).unlink(missing_ok=True)
        if writer is not None:
            writer.release()
        for leftover in scratch.iterdir():
            leftover.unlink()
        scratch.rmdir()
    try:
        _record_export(
            actor, options, case_id, manifest, hashlib.sha256(manifest_bytes).hexdigest()
        )
    except BaseException:
        # Not recorded (the database too busy, say): the bundle is not left on disk.
        Path(name).unlink(missing_ok=True)
        raise
    return ExportResult(temp_path=Path(name), manifest=manifest, files=files)


def _record_export(actor, options, case_id, manifest, manifest_sha256) -> None:
    from caseapp.cases.models import Case

    action = AuditAction.AUDIT_EXPORT_IDENTIFIED if options.identified else AuditAction.AUDIT_EXPORT
    details = {
        "recipient": options.recipient,
        "identified": options.identified,
        "filters": options.filters(),
        "first_seq": manifest["first_seq"],
        "last_seq": manifest["last_seq"],
        "count": manifest["count"],
        "manifest_sha256": manifest_sha256,
    }
    case = db.session.get(Case, case_id) if case_id is not None else None
    record(actor, action, case=case, diff=details, reason=options.note)
    db.session.add(
        AuditExport(
            made_by_id=actor.id if actor is not None else None,
            recipient=options.recipient,
            identified=options.identified,
            first_seq=manifest["first_seq"],
            last_seq=manifest["last_seq"],
            count=manifest["count"],
            head_hash=manifest["chain_head_hash"],
            manifest_sha256=manifest_sha256,
            filters=options.filters(),
            note=options.note,
        )
    )
    db.session.flush()
