"""Forms for the child's record, names and aliases, and family members.

The forms check types and lengths; the domain rules (dates, age ranges, nationality) are
checked again by the operations, whose messages are shown next to the same fields.
"""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
)

from caseapp.children.models import (
    AgeMethod,
    CareStatus,
    ContactStatus,
    IdentifiedBy,
    IdentityVerification,
    NationalityStatus,
    Relation,
    Sex,
    TracingStatus,
)
from caseapp.core.countries import CountryField, country_options
from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm, VersionForm  # noqa: F401  (shared forms)
from caseapp.core.i18n import lazy_gettext as _l


class ListField(StringField):
    """A comma-separated list typed in one box (e.g. "MD, UA"); its data is a list."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(self.data or [])

    def process_formdata(self, valuelist) -> None:
        """Split the typed text on commas."""
        if valuelist:
            self.data = [part.strip() for part in valuelist[0].split(",") if part.strip()]


def country_field(label, **kwargs) -> SelectField:
    """A country select; its choices are filled per request (names in the user's language)."""
    return CountryField(label, **kwargs)


def fill_country_choices(field: SelectField, *, blank) -> None:
    """Set the country choices, with a first "not known" entry."""
    field.choices = country_options(blank)


def enum_select(label, enum_cls, *, blank=None, **kwargs) -> SelectField:
    """A select of an enum's values with translated labels.

    With ``blank``, the first option is empty and the user must choose (for facts that
    have no safe default, e.g. whether a child is unaccompanied).
    """
    if blank is None:
        return SelectField(label, choices=choices(enum_cls), coerce=enum_cls, **kwargs)

    def coerce(value):
        return enum_cls(value) if value else None

    kwargs.setdefault("validators", [DataRequired()])
    return SelectField(
        label, choices=[SelectChoice("", blank), *choices(enum_cls)], coerce=coerce, **kwargs
    )


class ChildForm(VersionedForm):
    """The child's record (DESIGN.md section 2)."""

    sex = enum_select(_l("Sex"), Sex)
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional()])
    age_min = IntegerField(_l("Lowest age"), validators=[Optional(), NumberRange(0, 25)])
    age_max = IntegerField(_l("Highest age"), validators=[Optional(), NumberRange(0, 25)])
    age_method = enum_select(_l("How the age was established"), AgeMethod)
    nationality_status = enum_select(_l("Nationality status"), NationalityStatus)
    nationalities = ListField(_l("Nationalities"), validators=[Length(max=100)])
    languages = ListField(_l("Languages the child speaks"), validators=[Length(max=300)])
    interpreter_needed = BooleanField(_l("Needs an interpreter"))
    country_of_origin = country_field(_l("Country of origin"))
    transit_countries = ListField(_l("Transit countries"), validators=[Length(max=100)])
    current_location = StringField(_l("Current location"), validators=[Length(max=200)])
    identified_by = enum_select(_l("Identified by"), IdentifiedBy)
    identified_by_name = StringField(
        _l("Identifying officer or organisation"), validators=[Length(max=200)]
    )
    identified_on = DateField(_l("Date of identification"), validators=[Optional()])
    identified_place = StringField(_l("Place of identification"), validators=[Length(max=200)])
    care_status = enum_select(_l("Accompanied, separated or unaccompanied"), CareStatus)
    identity_verification = enum_select(_l("Identity verification"), IdentityVerification)
    legal_status = StringField(_l("Legal status"), validators=[Length(max=200)])
    parents_identity_verified = BooleanField(_l("Parents' identity verified"))
    trafficking_indicators = BooleanField(_l("Indicators of trafficking"))
    disability = BooleanField(_l("Disability"))
    health_needs = BooleanField(_l("Health needs"))
    violence_victim = BooleanField(_l("Victim of violence"))
    hate_crime_victim = BooleanField(_l("Victim of a hate crime"))
    charged_irregular_entry = BooleanField(_l("Charged for irregular entry or stay"))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Save the record"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fill_country_choices(self.country_of_origin, blank=_l("not known"))

    def values(self) -> dict[str, Any]:
        """``update_child``'s arguments: every field of the child's record."""
        from caseapp.children.operations import CHILD_FIELDS

        data = {name: self[name].data for name in CHILD_FIELDS}
        data["country_of_origin"] = data["country_of_origin"] or None
        return {**data, "expected_version": self.version.data}


class NameForm(VersionedForm):
    """A name or alias as written, in any script."""

    family_name = StringField(_l("Family name"), validators=[Length(max=120)])
    given_name = StringField(_l("Given name"), validators=[DataRequired(), Length(max=120)])
    patronymic = StringField(_l("Patronymic"), validators=[Length(max=120)])
    is_primary = BooleanField(_l("This is the name the child is known by (primary name)"))
    VALUES = ("given_name", "family_name", "patronymic", "is_primary")
    submit = SubmitField(_l("Save the name"))


class FamilyMemberForm(VersionedForm):
    """A family member or another person significant to the child (002, fn 12 iii)."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    relation = enum_select(_l("Relation to the child"), Relation)
    whereabouts = StringField(_l("Whereabouts"), validators=[Length(max=200)])
    country = country_field(_l("Country where the person lives"))
    contact_status = enum_select(_l("Contact"), ContactStatus)
    tracing_status = enum_select(_l("Family tracing"), TracingStatus)
    assessment_result = TextAreaField(_l("Assessment result"), validators=[Length(max=5000)])
    # Only a legal custodian with the child makes the child accompanied (the gate's S3).
    legal_custodian = BooleanField(
        _l("Holds legal custody of the child (parental responsibility or a court order)")
    )
    with_the_child = BooleanField(_l("Is in the country with the child"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fill_country_choices(self.country, blank=_l("not known"))

    def values(self) -> dict[str, Any]:
        """``add_family_member``/``update_family_member``'s arguments."""
        from caseapp.children.operations import FAMILY_FIELDS

        data = {name: self[name].data for name in FAMILY_FIELDS}
        data["country"] = data["country"] or None
        return {**data, "expected_version": self.version.data}
