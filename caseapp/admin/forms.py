"""Forms for managing users and agencies."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from caseapp.agencies.models import AgencyKind
from caseapp.children.forms import country_field, fill_country_choices
from caseapp.core.enums import choices
from caseapp.core.fields import CheckedForm
from caseapp.core.i18n import language_choices
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import PARTICIPANT_ROLES, Role


class UserForm(CheckedForm):
    """A new user account."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[], coerce=Role)
    agency = SelectField(_l("Agency"), choices=[], validators=[Optional()])
    locale = SelectField(_l("Language"), choices=language_choices, validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    password_again = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create the user"))

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Participants come by invitation (a one-time link; /participants/invite; issue 10).
        self.role.choices = choices([r for r in Role if r not in PARTICIPANT_ROLES])
        self._agencies = {str(a.id): a for a in agencies}
        self.agency.choices = [
            SelectChoice("", _l("none")),
            *(SelectChoice(str(a.id), a.name) for a in agencies),
        ]

    def values(self) -> dict[str, Any]:
        """``create_user``'s arguments (the agency itself, one of those offered)."""
        data = {name: self[name].data for name in ("email", "name", "role", "password", "locale")}
        return {**data, "agency": self._agencies.get(self.agency.data or "")}


class AgencyForm(CheckedForm):
    """A new agency."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = country_field(_l("Country"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=choices(AgencyKind), coerce=AgencyKind)
    submit = SubmitField(_l("Create the agency"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fill_country_choices(self.country, blank="")

    def values(self) -> dict[str, Any]:
        """``create_agency``'s arguments."""
        return {name: self[name].data for name in ("code", "name", "country", "kind")}


class ReasonForm(CheckedForm):
    """A button that changes an account, with an optional reason for the audit trail."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])

    def values(self) -> dict[str, Any]:
        """The reason for the audit trail (none when left empty)."""
        return {"reason": self.reason.data or None}


class UserEditForm(CheckedForm):
    """Change a user's name, role, agency and language."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[], coerce=Role)
    agency = SelectField(_l("Agency"), choices=[], validators=[Optional()])
    locale = SelectField(_l("Language"), choices=language_choices, validators=[DataRequired()])
    reason = StringField(_l("Reason (kept in the audit trail)"), [Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = choices(Role)
        self._agencies = {str(a.id): a for a in agencies}
        self.agency.choices = [
            SelectChoice("", _l("none")),
            *(SelectChoice(str(a.id), a.name) for a in agencies),
        ]

    def load(self, user) -> UserEditForm:
        """Fill a fresh (GET) form from ``user``."""
        if not self.is_submitted():
            self.name.data, self.role.data, self.locale.data = user.name, user.role, user.locale
            self.agency.data = str(user.agency_id) if user.agency_id else ""
        return self

    def values(self) -> dict[str, Any]:
        """``update_user``'s arguments (the agency itself, one of those offered)."""
        return {
            "name": self.name.data,
            "role": self.role.data,
            "agency": self._agencies.get(self.agency.data or ""),
            "locale": self.locale.data,
            "reason": self.reason.data or None,
        }


class AgencyEditForm(CheckedForm):
    """Change an agency (its code stays)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    country = country_field(_l("Country"), validators=[DataRequired()])
    kind = SelectField(_l("Kind"), choices=choices(AgencyKind), coerce=AgencyKind)
    active = BooleanField(_l("Active"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fill_country_choices(self.country, blank="")

    def load(self, agency) -> AgencyEditForm:
        if not self.is_submitted():
            self.name.data, self.country.data = agency.name, agency.country
            self.kind.data, self.active.data = agency.kind, agency.active
        return self

    def values(self) -> dict[str, Any]:
        """``update_agency``'s arguments."""
        data = {name: self[name].data for name in ("name", "country", "kind")}
        return {**data, "active": bool(self.active.data)}
