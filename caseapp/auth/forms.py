"""Login and preference forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    submit = SubmitField(_l("Log in"))


class LanguageForm(FlaskForm):
    """The user's interface language."""

    locale = SelectField(
        _l("Language"), choices=[("en", "English"), ("ru", "Русский")], validators=[DataRequired()]
    )
    submit = SubmitField(_l("Save"))
