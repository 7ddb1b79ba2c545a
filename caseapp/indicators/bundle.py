"""The indicators in the audit export bundle: ``indicators.json`` and ``indicators.csv``,
listed in the signed manifest like every other file, so the figures an ombudsperson quotes
can be checked as the authority's own (signed statistics; 002, Rec 4; 001)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from caseapp.audit.entry_files import HashingFile
from caseapp.cases.models import Case
from caseapp.indicators import files
from caseapp.indicators.queries import Period, compute

FIRST_DAY = date(2000, 1, 1)


def export_period(date_from: date | None, date_to: date | None, today: date) -> Period:
    """The export's date range; an open end is the first possible day, or today."""
    return Period(date_from or FIRST_DAY, date_to or today)


def write_indicator_files(scratch: Path, options, case_id: int | None, today: date) -> dict:
    """Write both files into ``scratch``; return their manifest entries (SHA-256, bytes)."""
    period = export_period(options.date_from, options.date_to, today)
    scope = select(Case.id) if case_id is None else select(Case.id).where(Case.id == case_id)
    # One statement per count (``lean``): the export's peak memory (issue 16 item 6).
    figures = compute(None, period, today=today, scope=scope, lean=True)
    scope_name = "all" if case_id is None else f"case:{options.case_number}"
    written = {}
    for name, body in (
        ("indicators.json", files.json_bytes(files.document(figures, period, scope_name, today))),
        ("indicators.csv", files.csv_bytes(figures)),
    ):
        out = HashingFile(scratch / name)
        out.write(body)
        written[name] = out.close()
    return written
