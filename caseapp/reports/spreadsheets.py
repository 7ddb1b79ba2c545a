"""Spreadsheets (XLSX and CSV), written row by row so a long list does not hold memory.

XLSX: XlsxWriter in ``constant_memory`` mode (each row is flushed to a temporary file as it
is written) with formulas and URLs never inferred from text. CSV: a generator of encoded
lines. Both apply the audit CSV's rule against formula injection
(``caseapp.audit.entry_files.safe_cell``, OWASP "CSV injection"): a text cell that begins
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import chain
from pathlib import Path

from caseapp.audit.entry_files import safe_cell

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | date | datetime):
        return value
    return safe_cell(str(value))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """The CSV, one encoded line at a time (with a BOM so spreadsheets read UTF-8)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff".encode()
    for values in chain([header], rows):
        writer.writerow(
            [v.isoformat() if isinstance(v, date | datetime) else _cell(v) for v in values]
        )
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], *, sheet: str) -> Path:
    """Write an XLSX to a temporary file (constant memory); the caller removes it."""
    import xlsxwriter  # here, not in every worker that imports the views (~2 MB; issue 16 item 6)

    fd, name = tempfile.mkstemp(prefix="caseapp-", suffix=".xlsx")
    os.close(fd)
    workbook = xlsxwriter.Workbook(
        name,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    try:
        bold = workbook.add_format({"bold": True})
        dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
        ws = workbook.add_worksheet(sheet[:31])
        for col, title in enumerate(header):
            ws.write_string(0, col, str(title), bold)
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                cell = _cell(value)
                if isinstance(cell, datetime):
                    ws.write_string(r, col, cell.isoformat(timespec="minutes"))
                elif isinstance(cell, date):
                    ws.write_datetime(r, col, datetime.combine(cell, datetime.min.time()), dates)
                elif isinstance(cell, int | float):
                    ws.write_number(r, col, cell)
                else:
                    ws.write_string(r, col, cell)
        ws.freeze_panes(1, 0)
    finally:
        workbook.close()
    return Path(name)


def xlsx_response(path: Path, download_name: str):
    """Send a written XLSX in chunks and remove it when the response is closed."""
    from flask import send_file

    response = send_file(
        path, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=download_name
    )
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response


def csv_response(header: Sequence[str], rows: Iterable[Sequence], download_name: str):
    """Stream a CSV as it is produced."""
    from flask import Response, stream_with_context

    return Response(
        stream_with_context(csv_lines(header, rows)),
        mimetype=CSV_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{download_name}"'},
    )
