"""The solution plan form and the "implemented" form (case version hidden)."""

from __future__ import annotations

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from caseapp.core.countries import CountryField
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.forms import OptionalEnumSelect
from caseapp.solutions.models import ResidenceKind
from caseapp.solutions.operations import PLAN_FIELDS


class PlanForm(VersionedForm):
    VALUES = PLAN_FIELDS
    residence_kind = OptionalEnumSelect(_l("Residence status"), ResidenceKind)
    residence_applied_on = DateField(_l("Applied for on"), validators=[Optional()])
    residence_granted_on = DateField(_l("Granted on"), validators=[Optional()])
    residence_expires_on = DateField(_l("Expires on"), validators=[Optional()])
    renewal_due_on = DateField(_l("Renewal due on"), validators=[Optional()])
    school = TextAreaField(_l("School (where, since when)"), validators=[Optional()])
    health = TextAreaField(_l("Healthcare (registered with)"), validators=[Optional()])
    language_support = TextAreaField(_l("Language support"), validators=[Optional()])
    care_arrangement = TextAreaField(_l("Care arrangement"), validators=[Optional()])
    receiving_state = CountryField(_l("Receiving state"), blank=_l("— not chosen —"))
    receiving_agreement_on = DateField(_l("Agreement given on"), validators=[Optional()])
    receiving_agreement_by = StringField(
        _l("Agreement given by"), validators=[Optional(), Length(max=200)]
    )
    family_evidence = TextAreaField(
        _l("Evidence of the family link or the resettlement basis"), validators=[Optional()]
    )
    travel_on = DateField(_l("Travel on"), validators=[Optional()])
    travel_arrangements = TextAreaField(_l("Travel arrangements"), validators=[Optional()])


STAY_FIELDS = (
    "residence_kind",
    "residence_applied_on",
    "residence_granted_on",
    "residence_expires_on",
    "renewal_due_on",
    "school",
    "health",
    "language_support",
    "care_arrangement",
)
THIRD_COUNTRY_FIELDS = (
    "receiving_state",
    "receiving_agreement_on",
    "receiving_agreement_by",
    "family_evidence",
    "travel_on",
    "travel_arrangements",
)


class ImplementedForm(VersionedForm):
    VALUES = ("implemented_on",)
    implemented_on = DateField(_l("Implemented on"), validators=[InputRequired()])
