"""Forms of the home pages: marking notifications read, the e-mail digest choice."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from caseapp.core.fields import CheckedForm
from caseapp.core.i18n import lazy_gettext as _l


class NotificationReadForm(CheckedForm):
    """A button that marks notifications read (CSRF only)."""

    def values(self) -> dict[str, Any]:
        return {}


class DigestForm(CheckedForm):
    """Whether the user wants the daily e-mail digest."""

    digest = BooleanField(_l("Send me a daily e-mail digest (counts and a link, no names)"))
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        return {"wanted": bool(self.digest.data)}


class NotificationOpenForm(CheckedForm):
    """Open one notification (its id posted, never in the URL)."""

    notification = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
