"""Forms shared by every area: the versioned form and the bare version button.

A form hands its operation the arguments through ``values()``: a whitelist of fields
(``VALUES``) plus the version the user loaded as ``expected_version``, so a view reads
``ops.appoint_guardian(current_user, case, **form.values())`` and no field the operation
does not expect can slip through.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from caseapp.core.fields import CheckedForm  # every field checked for what the DB can store


class VersionedForm(CheckedForm):
    """A form that names the version (of the case, or of a BID) it was loaded at.

    The hidden ``version`` is an integer: missing or malformed (``abc``, ``²``) it is a form
    error, shown by the request layer as a 400 with the form, never a server error.
    """

    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(message=_l("This form is out of date: reload the page."))],
    )

    # The fields handed to the operation, by name (the operation's keyword arguments).
    VALUES: ClassVar[tuple[str, ...]] = ()

    def for_case(self, case: Any) -> Self:
        """Bind choices that depend on the case (e.g. its family members); returns the form."""
        return self

    def at(self, version: int) -> Self:
        """Set the hidden version on a fresh (GET) form; returns the form."""
        self.version.data = version
        return self

    def loaded_at(self, version: int) -> Self:
        """The version the page is loaded at, unless the form was posted; returns the form."""
        if not self.is_submitted():
            self.version.data = version
        return self

    def values(self) -> dict[str, Any]:
        """The operation's keyword arguments: the whitelisted fields and ``expected_version``."""
        data = {name: self[name].data for name in self.VALUES}
        data["expected_version"] = self.version.data
        return data


def place_refusal(form: FlaskForm, details: object) -> bool:
    """Put a refusal's per-field messages (``{field: [message]}``) next to those fields.

    Returns whether any was placed (otherwise the page shows the refusal's message)."""
    placed = False
    for name, messages in (details if isinstance(details, dict) else {}).items():
        if name in form._fields and isinstance(messages, list):
            field = form._fields[name]
            field.errors = [*field.errors, *messages]
            placed = True
    return placed


def with_message(form: FlaskForm, message: str | None) -> FlaskForm:
    """The form with ``message`` above it (for pages that show only the form's errors)."""
    if message:
        form.form_errors.append(message)
    return form


class VersionForm(VersionedForm):
    """A button that changes a case: only the version (start, submit, register, remove...)."""
