"""Login, second-factor, password and preference forms.

Each form declares only the fields its action may set; views read only those fields, so
extra posted fields (``role``, ``agency_id``, ...) are ignored (ASVS 5.0 V15.3.3).
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from caseapp.core.fields import CheckedForm
from caseapp.core.i18n import language_choices
from caseapp.core.i18n import lazy_gettext as _l


class LoginForm(CheckedForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    submit = SubmitField(_l("Log in"))


class LanguageForm(CheckedForm):
    """The user's interface language."""

    locale = SelectField(_l("Language"), choices=language_choices, validators=[DataRequired()])
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """``set_locale``'s arguments."""
        return {"locale": self.locale.data}


class LanguageSwitchForm(CheckedForm):
    """The language switch in every page's header: a button per language and the page to
    return to (a path on this site only)."""

    locale = SelectField(choices=language_choices, validators=[DataRequired()])
    back = HiddenField(validators=[Optional(), Length(max=2000)])

    def back_path(self) -> str:
        """The page to go back to: a local path, never another site ("//x", "\\x")."""
        back = self.back.data or "/"
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            return "/"
        return back


class CodeForm(CheckedForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )
    submit = SubmitField(_l("Continue"))


class PasswordChangeForm(CheckedForm):
    """Current password and the new one, twice (ASVS 5.0 V6.2.3)."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))

    def values(self) -> dict[str, Any]:
        """The password change's arguments (the confirmation is checked by the form)."""
        return {"current": self.current_password.data, "new": self.new_password.data}


class ForgotPasswordForm(CheckedForm):
    """The e-mail address to send a reset link to."""

    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(CheckedForm):
    """A new password, twice; the link's token travels in the form, not in the URL."""

    token = HiddenField(validators=[DataRequired(), Length(max=100)])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Set the new password"))

    def values(self) -> dict[str, Any]:
        """The token and the new password (the confirmation is checked by the form)."""
        return {"token": self.token.data, "new_password": self.new_password.data}
