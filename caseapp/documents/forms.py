"""The upload form: one file, nothing else the user could set (ASVS 5.0 V15.3.3)."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from caseapp.core.fields import CheckedForm
from caseapp.core.i18n import lazy_gettext as _l


class UploadForm(CheckedForm):
    """A document to attach to the case."""

    file = FileField(_l("File (PDF, PNG, JPEG, ODT or DOCX)"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def values(self) -> dict[str, Any]:
        """``store_document``'s arguments: the name and at most ``max_bytes + 1`` bytes."""
        upload = self.file.data
        data = upload.read(self.max_bytes + 1)
        return {"filename": upload.filename or "", "data": data, "max_bytes": self.max_bytes}
