"""Writing the bundle's entry files: JSON Lines and CSV, hashed while written.

Each entry becomes one canonical JSON line and one CSV row; people are pseudonymised per
recipient unless the export is identified (``caseapp.audit.pseudonyms``), and the case summary
is fed on the way (``caseapp.audit.summary``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import canonical_value, encode_canonical
from caseapp.audit.pseudonyms import CACHE_SIZE, Pseudonymiser
from caseapp.audit.summary import CaseSummaries

CSV_COLUMNS = (
    "seq",
    "occurred_at",
    "case_number",
    "case_id",
    "action",
    "object_type",
    "object_id",
    "actor_agency_id",
    "actor",
    "diff",
    "reason",
    "withheld",
    "personal",
    "hash",
    "request_id",
)
# Text gathered before it is handed to the files: 64 KB of JSON Lines (and their CSV rows,
# a little less), however long an entry's texts are.
FLUSH_AT = 1 << 16
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)


class HashingFile:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path) -> None:
        """Open ``path`` for writing."""
        self.path = path
        # A small io buffer: the entry files arrive in ~64 KB pieces (``EntryWriter``), which
        # go straight through; a 1 MB buffer per open file was resident memory for nothing.
        self.fh = open(path, "wb", buffering=1 << 16)  # noqa: SIM115 -- closed in close()
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        """Write and hash ``data``."""
        self.fh.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def close(self) -> dict:
        """Close; return the manifest entry for this file."""
        self.fh.close()
        return {"sha256": self.sha256.hexdigest(), "bytes": self.size}

    def release(self) -> None:
        """Close the file (also after a failure)."""
        self.fh.close()


def csv_text(text: str) -> str:
    """``text`` as ``csv.writer`` writes a field (minimal quoting, quotes doubled): the entry
    rows are written without it, which cost 7 us per row, a sixth of the export (issue 16
    item 6; a test compares the two on every kind of value)."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_field(value) -> str:
    """Any value as ``csv.writer`` writes it: None empty, anything else by ``str`` (a
    float's ``repr``), quoted where needed."""
    if value is None:
        return ""
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return csv_text(value)
    return csv_text(str(value))


def _safe_json(text: str) -> str:
    """``safe_cell`` of a JSON text (only a number can start with a formula character)."""
    return "'" + text if text[0] in _FORMULA_FIRST else text


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text and text[0] in _FORMULA_FIRST:
        return "'" + text
    return text


class EntryWriter:
    """Turns stored rows into JSON Lines, CSV rows and the case summary.

    ``row`` is a tuple in ``caseapp.audit.verify.COLUMNS`` order followed by the case number
    (index 13).
    """

    def __init__(
        self, workdir: Path, options, case_id, users: dict, *, jsonl=None, csv_file=None
    ) -> None:
        """Open both files in ``workdir``, unless given as ``jsonl`` and ``csv_file`` (the
        export's, written by its zip's thread: ``caseapp.audit.bundle_zip``); ``users`` maps
        ids to names (identified only)."""
        self.options, self.case_id, self.users = options, case_id, users
        self.pseudonyms = Pseudonymiser(keys.pseudonym_master_secret(), options.recipient)
        self.jsonl = jsonl or HashingFile(workdir / "entries.jsonl")
        self.csv = csv_file or HashingFile(workdir / "entries.csv")
        # Lines and rows gathered in memory (C-level appends, no call of ours per entry) and
        # handed on in pieces of ``FLUSH_AT`` characters (issue 16 item 6).
        self._lines: list[str] = []
        self._size = 0
        self._rows: list[str] = [",".join(CSV_COLUMNS) + "\r\n"]
        self.summaries = CaseSummaries(workdir / "summary.sqlite3")
        # Staff pseudonyms and the CSV cells of actions and object types, per export.
        self._staff: dict[int, str | None] = {}
        self._cells: dict[str, str] = {}

    def _actor(self, actor_id):
        if self.options.identified:
            name = self.users.get(actor_id)
            return f"{name} (#{actor_id})" if name else actor_id
        return self.pseudonyms.staff(actor_id)

    def add(self, row, occurred_at: str, personal: str, parts=None) -> None:
        """Write one entry to both files and the summary (the walk gave its sealed time and
        personal digest, and may give the sealed fields' canonical texts and the stored diff's,
        ``parts``: ``SealedParts``). The JSON line is written out field by field in sorted key
        order, as ``encode_canonical`` of the line's dictionary would be (a test compares
        them)."""
        v = canonical_value
        seq, action, object_type, object_id, case_id, agency = (
            row[0],
            row[2],
            row[3],
            row[4],
            row[5],
            row[6],
        )
        if parts is None:
            request_id = row[12]
            parts = (
                v(action),
                v(agency),
                v(case_id),
                v(object_id),
                v(object_type),
                "" if request_id is None else f'"request_id":{v(request_id)},',
                None,
            )
        a, ag, ci, oi, ot, sealed_request, stored_diff_text = parts
        withheld = self.case_id is not None and case_id != self.case_id
        tail = (
            f'"hash":"{row[11]}","object_id":{oi},"object_type":{ot},'
            f'"occurred_at":"{occurred_at}","personal":"{personal}",'
        )
        if withheld:
            actor = reason = diff_text = number = None
            text = (
                f'{{"action":{a},"actor_agency_id":{ag},"case_id":{ci},{tail}{sealed_request}'
                f'"seq":{seq},"withheld":true}}\n'
            )
        else:
            number, reason = row[13], row[9]
            if self.options.identified:
                actor = self._actor(row[7])
                diff = row[8]
                diff_text = None if diff is None else (stored_diff_text or encode_canonical(diff))
                middle = f'"actor_agency_id":{ag},"actor_id":{v(row[7])},'
                salt = f'"salt":{v(row[10])},'
            else:
                actor_id = row[7]
                actor = self._staff.get(actor_id) if type(actor_id) is int else None
                if actor is None:
                    actor = self._actor(actor_id)
                    if type(actor_id) is int and len(self._staff) < CACHE_SIZE:
                        self._staff[actor_id] = actor
                diff, diff_text = self.pseudonyms.diff_and_text(row[8], stored_diff_text)
                middle = f'"actor_agency_id":{ag},'
                salt = ""
            text = (
                f'{{"action":{a},"actor":{v(actor)},{middle}"case_id":{ci},'
                f'"case_number":{v(number)},"diff":{diff_text or "null"},{tail}'
                f'"reason":{v(reason)},{sealed_request}{salt}"seq":{seq}}}\n'
            )
            self.summaries.add_fields(
                case_id, seq, occurred_at, action, actor, reason, diff, diff_text=diff_text
            )
        self._lines.append(text)
        self._size += len(text)
        # The row in ``CSV_COLUMNS`` order, each field as ``csv.writer`` writes it. The time,
        # the digest and the hash are canonical hex or time text (the walk checked them), and
        # need no quoting.
        f = csv_field
        self._rows.append(
            f"{f(seq)},{occurred_at},{csv_text(safe_cell(number))},{f(case_id)},"
            f"{self._cell(action)},{self._cell(object_type)},{f(object_id)},{f(agency)},"
            f"{csv_text(safe_cell(actor))},"
            f"{'' if diff_text is None else csv_text(_safe_json(diff_text))},"
            f"{csv_text(safe_cell(reason))},{'yes' if withheld else ''},{personal},{row[11]},"
            f"{f(row[12])}\r\n"
        )
        if self._size >= FLUSH_AT:
            self._flush()

    def _flush(self) -> None:
        """Hand the gathered lines and rows to their files."""
        if self._lines:
            self.jsonl.write("".join(self._lines).encode("utf-8"))
            self._lines, self._size = [], 0
        if self._rows:
            self.csv.write("".join(self._rows).encode("utf-8"))
            self._rows = []

    def _cell(self, value) -> str:
        """The CSV field of an action or object type (``safe_cell``, quoted as ``csv_text``),
        remembered (a few per export)."""
        if type(value) is not str:
            return csv_text(safe_cell(value))
        cell = self._cells.get(value)
        if cell is None:
            cell = csv_text(safe_cell(value))
            if len(self._cells) < CACHE_SIZE:
                self._cells[value] = cell
        return cell

    def close(self) -> dict:
        """Finish both entry files; return their manifest entries."""
        self._flush()
        return {"entries.jsonl": self.jsonl.close(), "entries.csv": self.csv.close()}

    def release(self) -> None:
        """Close whatever is still open (also after a failed export)."""
        self.jsonl.release()
        self.csv.release()
        self.summaries.close()
