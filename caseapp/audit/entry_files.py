"""Writing the bundle's entry files: JSON Lines and CSV, hashed while written.

Each entry becomes one canonical JSON line and one CSV row; people are pseudonymised per
recipient unless the export is identified (``caseapp.audit.pseudonyms``), and the case summary
is fed on the way (``caseapp.audit.summary``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from caseapp.audit import keys
from caseapp.audit.bundle_verifier import canonical
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


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


class EntryWriter:
    """Turns stored rows into JSON Lines, CSV rows and the case summary."""

    def __init__(self, workdir: Path, options, case_id, users: dict) -> None:
        """Open both files in ``workdir``; ``users`` maps ids to names (identified only)."""
        self.options, self.case_id, self.users = options, case_id, users
        self.pseudonyms = Pseudonymiser(keys.pseudonym_master_secret(), options.recipient)
        self.jsonl = HashingFile(workdir / "entries.jsonl")
        self.csv = HashingFile(workdir / "entries.csv")
        self.buffer = io.StringIO()
        self.csv_writer = csv.writer(self.buffer, lineterminator="\r\n")
        self.summaries = CaseSummaries()
        self._csv_row(CSV_COLUMNS, header=True)

    def _csv_row(self, values, header=False) -> None:
        self.csv_writer.writerow(values if header else [safe_cell(v) for v in values])
        self.csv.write(self.buffer.getvalue().encode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()

    def _actor(self, actor_id):
        if self.options.identified:
            name = self.users.get(actor_id)
            return f"{name} (#{actor_id})" if name else actor_id
        return self.pseudonyms.staff(actor_id)

    def add(self, row, sealed: dict) -> None:
        """Write one entry to both files and the summary."""
        line = {**sealed, "hash": row["hash"]}
        withheld = self.case_id is not None and row["case_id"] != self.case_id
        if withheld:
            line["withheld"] = True
        else:
            line["case_number"] = row["case_number"]
            line["actor"] = self._actor(row["actor_id"])
            line["reason"] = row["reason"]
            if self.options.identified:
                line.update(actor_id=row["actor_id"], salt=row["salt"], diff=row["diff"])
            else:
                line["diff"] = self.pseudonyms.diff(row["diff"])
            self.summaries.add(line)
        self.jsonl.write(canonical(line) + b"\n")
        diff = line.get("diff")
        self._csv_row(
            [
                line["seq"],
                line["occurred_at"],
                line.get("case_number"),
                line["case_id"],
                line["action"],
                line["object_type"],
                line["object_id"],
                line["actor_agency_id"],
                line.get("actor"),
                None if diff is None else json.dumps(diff, ensure_ascii=False),
                line.get("reason"),
                "yes" if withheld else "",
                line["personal"],
                line["hash"],
            ]
        )
