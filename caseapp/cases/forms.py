"""Forms to open a case (search before create) and to filter the case list."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from caseapp.cases.models import Stage
from caseapp.children.forms import country_field, enum_select, fill_country_choices
from caseapp.children.models import AgeMethod, CareStatus, IdentifiedBy, Sex
from caseapp.core.enums import choices
from caseapp.core.fields import CheckedForm
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.validators import MAX_PAGE

# Fields of the open-case form handed to ``open_case`` as the child's record.
OPEN_CHILD_FIELDS = (
    "sex",
    "age_min",
    "age_max",
    "age_method",
    "country_of_origin",
    "care_status",
    "identified_by",
    "identified_on",
    "identified_place",
)


class OpenCaseForm(CheckedForm):
    """What is known when a child is identified; the rest is recorded on the case."""

    family_name = StringField(_l("Family name"), validators=[Length(max=120)])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=120)])
    patronymic = StringField(_l("Patronymic"), validators=[Length(max=120)])
    sex = enum_select(_l("Sex"), Sex, default=Sex.UNKNOWN)
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    age_min = IntegerField(_l("Lowest age"), validators=[Optional(), NumberRange(0, 25)])
    age_max = IntegerField(_l("Highest age"), validators=[Optional(), NumberRange(0, 25)])
    age_method = enum_select(
        _l("How the age was established"), AgeMethod, default=AgeMethod.UNKNOWN
    )
    country_of_origin = country_field(_l("Country of origin"))
    care_status = enum_select(
        _l("Accompanied, separated or unaccompanied"), CareStatus, blank=_l("choose")
    )
    identified_by = enum_select(_l("Identified by"), IdentifiedBy, blank=_l("choose"))
    identified_on = DateField(_l("Date of identification"), validators=[Optional()])
    identified_place = StringField(_l("Place of identification"), validators=[Length(max=200)])
    # The "age disputed" path (issue 15; 002, Rec 1): the records say 18 or over, the person
    # says they are a child. An age assessment opens; presumed a minor meanwhile.
    age_disputed = BooleanField(_l("Age disputed: the person says they are under 18"))
    age_dispute_reason = TextAreaField(
        _l("Why the age is disputed"), validators=[Optional(), Length(max=2000)]
    )
    # Set once the user has seen the likely matches and chosen to open a new case anyway.
    confirmed = HiddenField(default="")
    submit = SubmitField(_l("Check for existing cases and open"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fill_country_choices(self.country_of_origin, blank=_l("not known"))

    def values(self) -> dict[str, Any]:
        """``open_case``'s arguments: the names and what is known of the child."""
        data = {
            name: self[name].data
            for name in ("given_name", "family_name", "patronymic", "date_of_birth")
        }
        data.update({name: self[name].data for name in OPEN_CHILD_FIELDS})
        data["age_disputed"] = bool(self.age_disputed.data)
        data["age_dispute_reason"] = self.age_dispute_reason.data
        data["country_of_origin"] = data["country_of_origin"] or None
        return data


class CaseFilterForm(CheckedForm):
    """Filters, name search and page of the case list (sent by POST: names stay out of URLs)."""

    name = StringField(_l("Case number, name or alias (any script)"), validators=[Length(max=200)])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    stage = SelectField(_l("Stage"), choices=[], validators=[Optional()])
    caseworker = SelectField(_l("Caseworker"), choices=[], validators=[Optional()])
    country_of_origin = country_field(_l("Country of origin"), validators=[Optional()])
    unaccompanied = BooleanField(_l("Unaccompanied"))
    trafficking = BooleanField(_l("Trafficking indicators"))
    presumed_minor = BooleanField(_l("Presumed minor"))
    charged = BooleanField(_l("Charged for irregular entry"))
    page = IntegerField(
        _l("Page"), default=1, validators=[Optional(), NumberRange(min=1, max=MAX_PAGE)]
    )
    submit = SubmitField(_l("Search"))

    def __init__(self, *args, caseworkers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        any_ = _l("any")
        self.stage.choices = [SelectChoice("", any_), *choices(Stage)]
        self.caseworker.choices = [
            SelectChoice("", any_),
            *(SelectChoice(str(u.id), u.name) for u in caseworkers),
        ]
        fill_country_choices(self.country_of_origin, blank=any_)


class ReassignForm(VersionedForm):
    """Give the case to another caseworker or supervisor of the lead agency."""

    caseworker = SelectField(_l("New caseworker"), choices=[], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (kept in the audit trail)"), [Optional(), Length(max=500)])
    submit = SubmitField(_l("Reassign"))

    def __init__(self, *args, staff=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._staff = {str(u.id): u for u in staff}
        self.caseworker.choices = [
            SelectChoice("", _l("choose")),
            *(SelectChoice(str(u.id), f"{u.name} ({u.role.label})") for u in staff),
        ]

    def values(self) -> dict[str, Any]:
        """``reassign_case``'s arguments (the person, one of those offered)."""
        return {
            "caseworker": self._staff.get(self.caseworker.data or ""),
            "reason": self.reason.data,
            "expected_version": self.version.data,
        }
