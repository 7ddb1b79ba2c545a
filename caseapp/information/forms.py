"""The form recording information given to the child."""

from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.information.models import Means, Step


class InformationForm(VersionedForm):
    VALUES = (
        "step",
        "given_on",
        "what",
        "language",
        "means",
        "given_by",
        "interpreter",
        "understood",
    )
    step = SelectField(_l("Step"), choices=choices(Step))
    given_on = DateField(_l("Given on"), validators=[InputRequired()])
    what = TextAreaField(_l("What was explained"), validators=[InputRequired()])
    language = StringField(_l("Language"), validators=[InputRequired(), Length(max=60)])
    means = SelectField(_l("How"), choices=choices(Means))
    given_by = StringField(_l("Given by"), validators=[InputRequired(), Length(max=200)])
    interpreter = BooleanField(_l("With an interpreter"))
    understood = BooleanField(_l("The child said they understood"))
