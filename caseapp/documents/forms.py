"""The upload form: one file, nothing else the user could set (ASVS 5.0 V15.3.3)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from caseapp.core.fields import CheckedForm


class UploadForm(CheckedForm):
    """A document to attach to the case."""

    file = FileField(_l("File (PDF, PNG, JPEG, ODT or DOCX)"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))
