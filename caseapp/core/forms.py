"""Forms shared by every area: the versioned form and the bare version button.

A form hands its operation the arguments through ``values()``: a whitelist of fields
(``VALUES``) plus the version the user loaded as ``expected_version``, so a view reads
``ops.appoint_guardian(current_user, case, **form.values())`` and no field the operation
does not expect can slip through.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from caseapp.core.fields import CheckedForm  # every field checked for what the DB can store
from caseapp.core.i18n import lazy_gettext as _l


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


def saved_meanwhile(form: VersionedForm, record: Any) -> dict[str, str]:
    """After a save of ``form`` refused because ``record`` changed in between (its own version
    moved; ``versioning.check_own_version``): the user's text stays in the form, each field
    whose stored value differs gets ``field.meanwhile`` (what was saved in the meantime, shown
    under the field by the ``field`` macro), and the form carries the record's current
    version, so saving again puts the user's text on top (issue 12 item 2). Returns
    ``{field: stored value}``; empty for a fresh form, a form not stale, or no record.

    One mechanism for every record form with its own version (the BIA, return preparation's
    records, decision notices, appeals, complaints, monitoring visits)."""
    if record is None or not form.is_submitted() or form.version.data == record.version:
        return {}
    stored = type(form)(formdata=None, prefix=form._prefix)
    if hasattr(stored, "load"):
        stored.load(record)  # forms whose fields differ from the columns (the BIA)
    else:
        stored.process(obj=record)
    out: dict[str, str] = {}
    for name in form.VALUES or tuple(form._fields):
        if name in ("csrf_token", "version") or name not in stored._fields:
            continue
        mine, theirs = form[name].data, stored[name].data
        if (mine or "") == (theirs or "") or not hasattr(record, name):
            continue
        field = stored[name]
        if field.type == "SelectField":
            shown = _choice_label(field, theirs)
        else:
            shown = "" if theirs is None else str(theirs)
        out[name] = shown or "—"
        form[name].meanwhile = out[name]
    form.version.data = record.version
    form.version.raw_data = [str(record.version)]
    return out


def _choice_label(field: Any, value: Any) -> str:
    """The label a select field shows for ``value`` ("" when it has none)."""
    for choice in field.choices or []:
        key, label = (choice.value, choice.label) if hasattr(choice, "value") else choice[:2]
        if key == value:
            return str(label)
    return ""


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
