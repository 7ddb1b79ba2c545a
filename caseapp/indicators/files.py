"""The indicators as files: ``indicators.json`` and ``indicators.csv`` (export bundle and
downloads) and the rows of the spreadsheet.

The JSON names each indicator with its definition and source (in English, the language of the
signed record) and lists every figure; the CSV holds the same figures, one per row, so the
verifier can check that the two agree figure by figure.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from caseapp.audit.entry_files import safe_cell
from caseapp.indicators.catalogue import BY_KEY, CATALOGUE, Measure
from caseapp.indicators.labels import label_for
from caseapp.indicators.queries import Figure, Period

FORMAT = "caseapp-indicators/1"
CSV_COLUMNS = ("indicator", "measure", "dimension", "category", "value")


def value_text(value) -> str:
    """A figure as CSV text (the verifier formats the JSON value the same way)."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def document(figures: list[Figure], period: Period, scope: str, computed_on: date) -> dict:
    """The ``indicators.json`` document."""
    with force_locale("en"):
        catalogue = [
            {
                "key": i.key,
                "label": str(i.label),
                "definition": str(i.definition),
                "source": i.source,
                "unit": str(i.unit),
                "measures": [str(m) for m in i.measures],
                "dimensions": [str(d) for d in i.dimensions],
            }
            for i in CATALOGUE
        ]
    return {
        "format": FORMAT,
        "period": period.as_dict(),
        "scope": scope,
        "computed_on": computed_on.isoformat(),
        "indicators": catalogue,
        "figures": [f.as_dict() for f in figures],
    }


def json_bytes(doc: dict) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def csv_bytes(figures: list[Figure]) -> bytes:
    """One row per figure, cells safe against formula injection (the audit CSV's rule)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in figures:
        writer.writerow(
            [
                safe_cell(f.indicator),
                f.measure,
                f.dimension,
                safe_cell(f.category),
                value_text(f.value),
            ]
        )
    return out.getvalue().encode("utf-8")


READABLE_HEADER = ("indicator", "figure", "breakdown", "category", "value", "definition", "source")


def readable_header() -> list[str]:
    """The column titles of ``readable_rows``, in the user's language."""
    return [
        _("Indicator"),
        _("Figure"),
        _("Breakdown"),
        _("Category"),
        _("Value"),
        _("Definition"),
        _("Source"),
    ]


def readable_rows(figures: list[Figure]):
    """Rows for people (spreadsheet downloads): labels in the user's language."""
    for f in figures:
        indicator = BY_KEY[f.indicator]
        breakdown = ""
        if f.dimension:
            from caseapp.indicators.catalogue import Dimension

            breakdown = str(Dimension(f.dimension).label)
        yield (
            str(indicator.label),
            str(Measure(f.measure).label),
            breakdown,
            label_for(f.dimension, f.category) if f.dimension else "",
            f.value,
            str(indicator.definition),
            indicator.source,
        )
