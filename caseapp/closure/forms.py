"""Forms: close and reopen a case."""

from __future__ import annotations

from typing import Any

from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from caseapp.closure.operations import ClosureReason
from caseapp.core.confirm import Confirmed
from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l


class CloseForm(Confirmed, VersionedForm):
    """Close with a reason."""

    reason = SelectField(
        _l("Reason"),
        choices=choices(ClosureReason),
        validators=[DataRequired()],
    )
    note = TextAreaField(_l("Note"), [Optional(), Length(max=2000)])
    submit = SubmitField(_l("Close the case"))

    def values(self) -> dict[str, Any]:
        """``close_case``'s arguments (the reason as the enum)."""
        return {
            "reason": ClosureReason(self.reason.data),
            "note": self.note.data,
            "expected_version": self.version.data,
            "comment": self.comment_value(),
        }


class ReopenForm(VersionedForm):
    """Reopen with a reason."""

    VALUES = ("reason",)
    reason = TextAreaField(_l("Why is the case reopened?"), [DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Reopen the case"))
