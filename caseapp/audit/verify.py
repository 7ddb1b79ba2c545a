"""Checking the live chain in the database (``flask --app caseapp audit verify``).

Recomputes every entry's personal digest, chain hash and Merkle leaf from the stored columns,
in sequence order, and names the first entry that does not fit: a gap or duplicate in the
sequence, a time that goes backwards, a changed column, or a head that does not match the
last entry. It also compares the chain with every state recorded *outside* it -- the signed
checkpoints (table and instance file) and the heads of past exports -- so a chain rewritten
with all its hashes recomputed no longer passes (issue 14, finding 6); given an earlier
bundle, it names the first entry whose hash differs from it. The same walk re-checks the
chain during an export (``caseapp.audit.export``).
Bundles are checked by ``caseapp.audit.bundle_verifier`` (the standalone verifier).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, String, TypeDecorator, select, type_coerce

from caseapp.audit.bundle_verifier import (
    GENESIS_HASH,
    Frontier,
    canonical_value,
    encode_canonical,
    format_time,
)
from caseapp.audit.checkpoints import Reference, references
from caseapp.audit.models import AuditChainHead, AuditEntry
from caseapp.core.extensions import db

# Rows fetched at a time (a server-side cursor on PostgreSQL): small, so the rows in flight
# (each with its parsed diff) stay under a megabyte (issue 16 item 6: peak memory).
BATCH = 500
# Progress is reported every this many entries (a background job writes it to its row).
PROGRESS_EVERY = 5000
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
    "hash",
    "request_id",
)

# The sealed fields' canonical texts, as the walk wrote them into the sealed form: action,
# actor_agency_id, case_id, object_id, object_type, and '"request_id":...,' or ""; then the
# canonical text of the stored diff, as the personal digest took it in.
SealedParts = tuple[str, str, str, str, str, str, str]
_encode_str = json.encoder.encode_basestring
# How SQLite holds a UTC time (``UTCDateTime``, SQLAlchemy's storage format): read as text, it
# becomes the canonical time by two small changes instead of a datetime made and formatted.
_SQLITE_TIME = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}"
)

_CHECKED_DATES: set[str] = set()
# The decoder's scanner (C where there is one; typeshed does not declare the attribute).
_SCAN = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


class StoredJSON(TypeDecorator):
    """An entry's ``diff`` as the walk reads it: on SQLite the stored text goes straight to
    the JSON scanner, one call per entry instead of five (SQLAlchemy's two processors,
    ``json.loads`` and the decoder's two methods; issue 16 item 6). Text the scanner does not
    take whole goes to ``json.loads``, which decodes it or raises as before. Other databases
    decode JSON in their driver, as for the plain ``JSON`` type."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect, coltype):
        """The scanner on SQLite; otherwise SQLAlchemy's own."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        scan, loads = _SCAN, json.loads

        def process(value):
            if type(value) is str:
                try:
                    decoded, end = scan(value, 0)
                except StopIteration:
                    return loads(value)
                return decoded if end == len(value) else loads(value)
            if isinstance(value, bytes | bytearray):
                return loads(value)
            return value  # NULL, or a number (SQLite's JSON functions)

        return process


def time_text(value) -> str:
    """The canonical text of a stored ``occurred_at`` (``format_time`` of it as a UTC time).

    SQLite gives the stored text (``entry_rows`` reads it unconverted); PostgreSQL an aware
    datetime. Text that is not in the storage format is parsed as SQLAlchemy would."""
    if type(value) is str:
        stored = _SQLITE_TIME.fullmatch(value)
        # Every month has days 1 to 28; a later day is checked once per date.
        if stored and (value[8:10] <= "28" or value[:10] in _CHECKED_DATES):
            return f"{value[:10]}T{value[11:]}Z"
        moment = datetime.fromisoformat(value)
        if stored and len(_CHECKED_DATES) < 100_000:
            _CHECKED_DATES.add(value[:10])
        value = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return format_time(value)


@dataclass
class ChainStatus:
    """The outcome of a chain check."""

    count: int
    head_hash: str
    problem: str | None = None
    broken_seq: int | None = None
    merkle_root: str = ""
    references_checked: int = 0

    @property
    def ok(self) -> bool:
        """True when the whole chain verifies."""
        return self.problem is None


def snapshot():
    """A read-only connection with a consistent snapshot that does not block writers."""
    conn = db.engine.connect()
    if conn.dialect.name == "sqlite":
        return conn.execution_options(sqlite_read_only=True)
    return conn.execution_options(isolation_level="REPEATABLE READ")


def entry_rows(conn, first: int = 1, last: int | None = None, extra=()):
    """The stored entries ``first..last`` as tuples in ``COLUMNS`` order (+ ``extra``)."""
    t = AuditEntry.__table__
    # ``occurred_at`` unconverted (``time_text``): SQLite's text, PostgreSQL's datetime.
    coerce = {"occurred_at": String, "diff": StoredJSON}
    columns = [type_coerce(c, coerce[c.key]) if c.key in coerce else c for c in t.c[COLUMNS]]
    query = select(*columns, *extra).where(t.c.seq >= first).order_by(t.c.seq)
    if extra:
        from caseapp.cases.models import Case

        c = Case.__table__
        query = query.select_from(t.outerjoin(c, t.c.case_id == c.c.id))
    if last is not None:
        query = query.where(t.c.seq <= last)
    return conn.execution_options(yield_per=BATCH).execute(query)


class Walk:
    """Recomputes the chain entry by entry; stops at the first entry that does not fit."""

    def __init__(
        self, points: dict[int, list[Reference]] | None = None, *, parts: bool = False
    ) -> None:
        """Start at the genesis; ``points`` are the states recorded outside the chain."""
        self.points = points or {}
        self.with_parts = parts
        self.prev, self.count = bytes.fromhex(GENESIS_HASH), 0
        self.prev_time: str | None = None  # canonical text
        self.frontier = Frontier()
        self.problem: str | None = None
        self.broken_seq: int | None = None
        self.matched = (0, "the start of the chain")
        self.references_checked = 0

    def _broken(self, seq: int, problem: str) -> bool:
        self.problem, self.broken_seq = problem, seq
        return False

    def run(self, rows: Iterator, on_entry=None, progress: Callable[[int], None] | None = None):
        """Walk ``rows``; call ``on_entry(row, occurred_at, personal)`` for each entry that fits
        (its canonical time and personal digest, the two sealed fields not stored as such).
        With ``parts=True`` at construction, ``on_entry`` gets a fourth argument: the sealed
        fields' canonical texts (``SealedParts``), so a writer need not encode them again.

        ``on_entry`` may return False to stop (having set ``problem``).
        """
        sha, add, points, fromhex = hashlib.sha256, self.frontier.add, self.points, bytes.fromhex
        value, encode, time_of = canonical_value, encode_canonical, time_text
        # The canonical text of the few short strings that repeat on every entry (actions,
        # object types), computed once per export rather than once per entry.
        known: dict[str, str] = {}
        with_parts = self.with_parts
        prev, expected = self.prev, self.count + 1
        prev_time = "" if self.prev_time is None else self.prev_time
        for row in rows:
            seq = row[0]
            if seq != expected:
                what = "missing" if seq > expected else "duplicated"
                return self._broken(
                    expected, f"entry {expected} is {what} (found sequence number {seq})"
                )
            # Canonical times have one fixed width: as text they sort as the times do.
            occurred_at = time_of(row[1])
            if occurred_at < prev_time:
                return self._broken(seq, f"entry {seq}: time goes backwards")
            # ``canonical_value`` of each field, its shortcuts written out (same text: exact
            # int and str as the C encoder writes them, anything else through the encoder).
            actor, diff, reason = row[7], row[8], row[9]
            diff_text = "null" if diff is None else encode(diff)
            text = (
                '{"actor_id":'
                + (str(actor) if type(actor) is int else value(actor))
                + ',"diff":'
                + diff_text
                + ',"reason":'
                + (_encode_str(reason) if type(reason) is str else value(reason))
                + "}"
            )
            personal_hex = sha(fromhex(row[10]) + text.encode()).hexdigest()
            action, object_type = row[2], row[3]
            if type(action) is str:
                a = known.get(action)
                if a is None:
                    a = known[action] = _encode_str(action)
            else:
                a = value(action)
            if type(object_type) is str:
                ot = known.get(object_type)
                if ot is None:
                    ot = known[object_type] = _encode_str(object_type)
            else:
                ot = value(object_type)
            oi, ci, ag, request_id = row[4], row[5], row[6], row[12]
            oi = str(oi) if type(oi) is int else value(oi)
            ci = str(ci) if type(ci) is int else value(ci)
            ag = str(ag) if type(ag) is int else value(ag)
            rq = "" if request_id is None else f'"request_id":{value(request_id)},'
            sealed = (
                f'{{"action":{a},"actor_agency_id":{ag},"case_id":{ci},"object_id":{oi},'
                f'"object_type":{ot},"occurred_at":"{occurred_at}","personal":"{personal_hex}",'
                f'{rq}"seq":{str(seq) if type(seq) is int else value(seq)}}}'
            )
            digest = sha(prev + sealed.encode()).digest()
            hex_digest = digest.hex()
            if hex_digest != row[11]:
                return self._broken(
                    seq,
                    f"entry {seq}: stored hash does not match its content "
                    "(the entry was altered, or an earlier one was)",
                )
            add(sha(b"\x00" + digest).digest())
            self.prev, self.prev_time, self.count = digest, occurred_at, seq
            prev, prev_time = digest, occurred_at
            if seq in points and not self._compare(seq, hex_digest):
                return False
            if on_entry is not None:
                if with_parts:
                    goes_on = on_entry(
                        row, occurred_at, personal_hex, (a, ag, ci, oi, ot, rq, diff_text)
                    )
                else:
                    goes_on = on_entry(row, occurred_at, personal_hex)
                if goes_on is False:
                    return False
            expected += 1
            if progress is not None and seq % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        return True

    def _compare(self, seq: int, hex_digest: str) -> bool:
        root = self.frontier.root()
        for ref in self.points[seq]:
            self.references_checked += 1
            if ref.chain_hash != hex_digest or ref.merkle_root not in (None, root):
                after, what = self.matched
                return self._broken(
                    after + 1,
                    f"entry {seq} no longer matches the {ref.label}: the chain was rewritten "
                    f"between entry {after + 1} and entry {seq} (up to entry {after} it "
                    f"matches {what})",
                )
        self.matched = (seq, f"the {self.points[seq][-1].label}")
        return True

    def finish(self) -> None:
        """After the last entry: a recorded state beyond it means entries were removed."""
        if self.problem is None:
            beyond = [ref for seq, refs in self.points.items() if seq > self.count for ref in refs]
            if beyond:
                ref = min(beyond, key=lambda r: r.seq)
                self._broken(
                    self.count + 1,
                    f"the chain ends at entry {self.count}, but the {ref.label} records entry "
                    f"{ref.seq}: entries were removed at the end",
                )

    def status(self) -> ChainStatus:
        """The outcome so far."""
        return ChainStatus(
            self.count,
            self.prev.hex(),
            self.problem,
            self.broken_seq,
            self.frontier.root(),
            self.references_checked,
        )


def verify_chain(
    progress: Callable[[int], None] | None = None, against: Iterator | None = None
) -> ChainStatus:
    """Walk the chain from entry 1 and report the first broken entry, if any.

    ``against`` (``(seq, hash)`` pairs of an earlier bundle, in order) names the first entry
    whose hash differs from what was exported then.
    """
    with snapshot() as conn:
        walk = Walk(references(conn))
        result = entry_rows(conn)
        try:
            on_entry = _comparer(walk, against) if against is not None else None
            walk.run(result, on_entry, progress)
        finally:
            result.close()  # also when stopping early: release the server-side cursor
        walk.finish()
        status = walk.status()
        if not status.ok:
            return status
        head = conn.execute(select(AuditChainHead.seq, AuditChainHead.hash)).first()
    if head is not None and (head[0], head[1]) != (status.count, status.head_hash):
        status.problem = (
            f"the chain head says entry {head[0]} but the table ends at entry {status.count} "
            "(entries removed at the end, or the head was altered)"
        )
        status.broken_seq = status.count + 1
    return status


def _comparer(walk: Walk, against: Iterator):
    """An ``on_entry`` that compares each hash with an earlier bundle's."""
    pending = iter(against)
    current = next(pending, None)

    def compare(row, _occurred_at, _personal) -> bool:
        nonlocal current
        while current is not None and current[0] < row[0]:
            current = next(pending, None)
        if current is not None and current[0] == row[0] and current[1] != row[11]:
            walk.problem = (
                f"entry {row[0]} differs from the earlier bundle (hash {current[1]} then, "
                f"{row[11]} now): entry {row[0]} is the first rewritten entry"
            )
            walk.broken_seq = row[0]
            return False
        return True

    return compare
