"""Finding a TrueType font that covers Latin and Cyrillic for the PDF summaries.

DejaVu Sans (Debian's ``fonts-dejavu-core``, installed by ``make`` and ``.ci/run``) is looked
for in the configured ``PDF_FONT_DIR`` first, then in the usual system folders. No font found
is a clear refusal ("install fonts-dejavu-core"), never a PDF with missing letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from caseapp.core.errors import DomainError

REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
SEARCH = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
)


class FontMissing(DomainError):
    """No font covering Cyrillic is installed."""

    status_code = 503


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path


def find_fonts() -> FontFiles:
    """The DejaVu Sans regular and bold files (raises ``FontMissing``)."""
    folders = [current_app.config.get("PDF_FONT_DIR"), *SEARCH]
    for folder in folders:
        if not folder:
            continue
        regular, bold = Path(folder) / REGULAR, Path(folder) / BOLD
        if regular.is_file():
            return FontFiles(regular, bold if bold.is_file() else regular)
    raise FontMissing(
        _("The PDF font is not installed on the server (Debian package fonts-dejavu-core).")
    )
