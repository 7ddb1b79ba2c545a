"""Writing the bundle's entry files: JSON Lines and CSV, hashed while written.

Each entry becomes one canonical JSON line and one CSV row; people are pseudonymised per
recipient unless the export is identified (``caseapp.audit.pseudonyms``), and the case summary
is fed on the way (``caseapp.audit.summary``).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import encode_canonical
from caseapp.audit.pseudonyms import Pseudonymiser
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
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class HashingFile:
    """A binary file that counts and hashes what is written to it."""

    def __init__(self, path: Path) -> None:
        """Open ``path`` for writing."""
        self.path = path
        self.fh = open(path, "wb", buffering=1 << 20)  # noqa: SIM115 -- closed in close()
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


class _TextBuffer:
    """Text gathered in memory and handed to a ``HashingFile`` in large pieces."""

    LIMIT = 1 << 18

    def __init__(self, target: HashingFile) -> None:
        self.target, self.parts, self.size = target, [], 0

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= self.LIMIT:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            self.target.write("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class EntryWriter:
    """Turns stored rows into JSON Lines, CSV rows and the case summary.

    ``row`` is a tuple in ``caseapp.audit.verify.COLUMNS`` order followed by the case number.
    """

    def __init__(self, workdir: Path, options, case_id, users: dict) -> None:
        """Open both files in ``workdir``; ``users`` maps ids to names (identified only)."""
        self.options, self.case_id, self.users = options, case_id, users
        self.pseudonyms = Pseudonymiser(keys.pseudonym_master_secret(), options.recipient)
        self.jsonl = HashingFile(workdir / "entries.jsonl")
        self.csv = HashingFile(workdir / "entries.csv")
        self._jsonl_text = _TextBuffer(self.jsonl)
        self._csv_text = _TextBuffer(self.csv)
        self.csv_writer = csv.writer(self._csv_text, lineterminator="\r\n")
        self.summaries = CaseSummaries(workdir / "summary.sqlite3")
        self.csv_writer.writerow(CSV_COLUMNS)

    def _actor(self, actor_id):
        if self.options.identified:
            name = self.users.get(actor_id)
            return f"{name} (#{actor_id})" if name else actor_id
        return self.pseudonyms.staff(actor_id)

    def add(self, row, sealed: dict) -> None:
        """Write one entry to both files and the summary."""
        line = {**sealed, "hash": row[11]}
        withheld = self.case_id is not None and row[5] != self.case_id
        diff_text = None
        if withheld:
            line["withheld"] = True
        else:
            line["case_number"] = row[12]
            line["actor"] = self._actor(row[7])
            line["reason"] = row[9]
            if self.options.identified:
                line.update(actor_id=row[7], salt=row[10], diff=row[8])
            else:
                line["diff"] = self.pseudonyms.diff(row[8])
            if line["diff"] is not None:
                diff_text = encode_canonical(line["diff"])
            self.summaries.add(line)
        self._jsonl_text.write(encode_canonical(line) + "\n")
        self.csv_writer.writerow(
            [
                sealed["seq"],
                sealed["occurred_at"],
                safe_cell(line.get("case_number")),
                sealed["case_id"],
                safe_cell(sealed["action"]),
                safe_cell(sealed["object_type"]),
                sealed["object_id"],
                sealed["actor_agency_id"],
                safe_cell(line.get("actor")),
                safe_cell(diff_text),
                safe_cell(line.get("reason")),
                "yes" if withheld else "",
                sealed["personal"],
                row[11],
            ]
        )

    def close(self) -> dict:
        """Finish both entry files; return their manifest entries."""
        self._jsonl_text.flush()
        self._csv_text.flush()
        return {"entries.jsonl": self.jsonl.close(), "entries.csv": self.csv.close()}

    def release(self) -> None:
        """Close whatever is still open (also after a failed export)."""
        self.jsonl.fh.close()
        self.csv.fh.close()
        self.summaries.close()
