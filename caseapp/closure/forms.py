"""Forms: close and reopen a case."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from caseapp.closure.operations import REASON_LABELS
from caseapp.core.fields import CheckedForm


class CloseForm(CheckedForm):
    """Close with a reason."""

    version = HiddenField(validators=[DataRequired()])
    reason = SelectField(
        _l("Reason"),
        choices=[SelectChoice(k.value, v) for k, v in REASON_LABELS.items()],
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note"), [Optional(), Length(max=2000)])
    submit = SubmitField(_l("Close the case"))


class ReopenForm(CheckedForm):
    """Reopen with a reason."""

    version = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Why is the case reopened?"), [DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reopen the case"))
