"""The ombudsperson's export form (the log filters are a plain GET form in the template)."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Length, Optional, ValidationError

from caseapp.core.fields import CheckedForm, MayBeFuture
from caseapp.core.i18n import lazy_gettext as _l


class ExportForm(CheckedForm):
    """Date range and case of an export bundle (all optional)."""

    date_from = DateField(_l("From (UTC)"), validators=[Optional()])
    date_to = DateField(_l("To (UTC, inclusive)"), validators=[Optional(), MayBeFuture()])
    case_number = StringField(_l("Case number"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Prepare the export bundle"))

    def validate_date_to(self, field) -> None:
        """A reversed range is refused with a message, not exported empty (issue 13)."""
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The range ends before it begins: check the two dates."))
