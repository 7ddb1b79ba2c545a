"""Assessment forms. Every form carries the case version it was loaded at (hidden
``version``), passed to the operation as ``expected_version``."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from caseapp.assessment.models import (
    FamilyAssessmentOutcome,
    PlacementType,
    RiskLevel,
    ServiceKind,
    Weight,
)
from caseapp.cases.models import Outcome
from caseapp.children.models import ContactStatus, TracingStatus
from caseapp.core.countries import CountryField
from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm, VersionForm  # noqa: F401  (shared forms)
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.forms import AgencySelect


def not_assessed() -> SelectChoice:
    """The empty choice of a question not answered yet."""
    return SelectChoice("", _l("Not yet assessed"))


YES_NO_UNKNOWN = [not_assessed(), SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


def choice_label(field) -> str | None:
    """The label of a select field's chosen value (for read-only display)."""
    for choice in field.choices or []:
        if choice.value == field.data:
            return str(choice.label)
    return None


def tri_state(value: str | None) -> bool | None:
    """'yes'/'no'/'' from a select to True/False/None."""
    return {"yes": True, "no": False}.get(value or "")


class GuardianForm(VersionedForm):
    VALUES = (
        "guardian_name",
        "appointing_authority",
        "appointed_on",
        "declared_independent",
        "independence_statement",
        "organisation_id",
    )
    guardian_name = StringField(_l("Guardian"), validators=[InputRequired(), Length(max=200)])
    appointing_authority = StringField(
        _l("Appointing authority"), validators=[InputRequired(), Length(max=200)]
    )
    appointed_on = DateField(_l("Appointed on"), validators=[InputRequired()])
    organisation_id = AgencySelect(
        _l("Guardian's organisation (agency register)"),
        description=_l(
            "Independence is derived from it: not the lead agency, not a decision-maker on "
            "the case (S3; 002, Rec 3)."
        ),
    )
    declared_independent = BooleanField(
        _l("Declared independent of the authorities deciding on the child")
    )
    independence_statement = TextAreaField(_l("Independence statement"), validators=[Optional()])


class EndForm(VersionedForm):
    VALUES: ClassVar[tuple[str, ...]] = ("ended_on",)
    ended_on = DateField(_l("Ended on"), validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class EndGuardianForm(EndForm):
    """Ending a guardianship names the reason (002, Rec 3)."""

    VALUES = ("ended_on", "reason")


class LegalRepresentativeForm(VersionedForm):
    VALUES = ("name", "organisation", "assigned_on", "free_of_charge")
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    assigned_on = DateField(_l("Assigned on"), validators=[InputRequired()])
    free_of_charge = BooleanField(_l("Free of charge"), default=True)


class PlacementForm(VersionedForm):
    VALUES = (
        "placement_type",
        "name",
        "responsible_authority",
        "started_on",
        "child_can_leave_at_will",
        "run_by_law_enforcement",
        "separated_from_family",
    )
    placement_type = SelectField(_l("Type"), choices=choices(PlacementType))
    name = StringField(_l("Name of the place"), validators=[Optional(), Length(max=200)])
    responsible_authority = StringField(
        _l("Responsible authority"), validators=[InputRequired(), Length(max=200)]
    )
    started_on = DateField(_l("Started on"), validators=[InputRequired()])
    child_can_leave_at_will = BooleanField(_l("The child can leave at will"), default=True)
    run_by_law_enforcement = BooleanField(_l("Run by law enforcement"))
    separated_from_family = BooleanField(_l("Separates the child from family in the country"))


class ServiceForm(VersionedForm):
    VALUES = ("kind", "provider", "started_on", "mainstream", "notes")
    kind = SelectField(_l("Service"), choices=choices(ServiceKind))
    provider = StringField(_l("Provider"), validators=[InputRequired(), Length(max=200)])
    started_on = DateField(_l("Started on"), validators=[InputRequired()])
    mainstream = BooleanField(_l("Mainstream (not inside a centre)"), default=True)
    notes = TextAreaField(_l("Notes"), validators=[Optional()])


class HearingForm(VersionedForm):
    VALUES = (
        "held_on",
        "language",
        "child_understands_language",
        "interpreter",
        "interpreter_agency_id",
        "child_friendly_information_given",
        "seen_alone",
        "options_discussed",
        "views_summary",
        "weight",
        "weight_reasons",
    )
    held_on = DateField(_l("Held on"), validators=[InputRequired()])
    language = StringField(_l("Language"), validators=[InputRequired(), Length(max=60)])
    child_understands_language = BooleanField(_l("The child understands this language"))
    interpreter = StringField(_l("Interpreter"), validators=[Optional(), Length(max=200)])
    interpreter_agency_id = AgencySelect(_l("Interpreter's organisation (agency register)"))
    child_friendly_information_given = BooleanField(_l("Child-friendly information given"))
    seen_alone = BooleanField(_l("Child seen alone"))
    options_discussed = BooleanField(_l("Options and plans discussed with the child"))
    view_local_integration = TextAreaField(_l("Views on local integration"))
    view_tolerated_stay = TextAreaField(_l("Views on regularisation or tolerated stay"))
    view_return = TextAreaField(_l("Views on return"))
    view_third_country = TextAreaField(_l("Views on a third country"))
    views_summary = TextAreaField(_l("Summary of the child's views"), validators=[InputRequired()])
    weight = SelectField(_l("Weight given to the views"), choices=choices(Weight))
    weight_reasons = TextAreaField(
        _l("Reasons for the weight (age and maturity)"), validators=[InputRequired()]
    )

    def views_by_option(self) -> dict[str, str]:
        """The per-option views as the operation expects them."""
        return {o.value: getattr(self, f"view_{o.value}").data or "" for o in Outcome}

    def values(self) -> dict[str, Any]:
        """``record_hearing``'s arguments (the four views as one mapping)."""
        return {**super().values(), "views_by_option": self.views_by_option()}


class TracingForm(VersionedForm):
    VALUES = ("tracing_status", "contact_status", "whereabouts")
    member_id = HiddenField()
    tracing_status = SelectField(_l("Tracing"), choices=choices(TracingStatus))
    contact_status = SelectField(_l("Contact"), choices=choices(ContactStatus))
    whereabouts = StringField(_l("Whereabouts"), validators=[Optional(), Length(max=200)])


class FamilyAssessmentForm(VersionedForm):
    VALUES = ("assessed_on", "assessed_by", "outcome", "summary")
    family_member_id = SelectField(_l("Family member"), coerce=int, choices=[])
    assessed_on = DateField(_l("Assessed on"), validators=[InputRequired()])
    assessed_by = StringField(_l("Assessed by"), validators=[InputRequired(), Length(max=200)])
    outcome = SelectField(_l("Outcome"), choices=choices(FamilyAssessmentOutcome))
    summary = TextAreaField(_l("Summary"), validators=[InputRequired()])

    def for_case(self, case) -> Self:
        """Offer the case's own family members (any other id is refused by validation)."""
        self._members = {m.id: m for m in case.family_members}
        self.family_member_id.choices = [SelectChoice(m.id, m.name) for m in self._members.values()]
        return self

    def values(self) -> dict[str, Any]:
        """``record_family_assessment``'s arguments: the member itself, of this case."""
        return {**super().values(), "family_member": self._members[self.family_member_id.data]}


class BiaForm(VersionedForm):
    views = TextAreaField(_l("The child's views"))
    identity = TextAreaField(_l("The child's identity"))
    family_environment = TextAreaField(_l("Family environment and relations"))
    care_and_safety = TextAreaField(_l("Care, protection and safety"))
    vulnerability = TextAreaField(_l("Situation of vulnerability"))
    health = TextAreaField(_l("Health"))
    education = TextAreaField(_l("Education"))
    return_country = CountryField(
        _l("Country of return"), [Optional()], blank=_l("not known")
    )  # from the CLDR list: a typed "Uk" meant as Ukraine can no longer be stored (issue 12)
    non_refoulement_risk = SelectField(
        _l("Non-refoulement risk"),
        choices=[not_assessed(), *choices(RiskLevel)],
        validators=[Optional()],
    )
    armed_conflict = SelectField(
        _l("Armed conflict in the country of return"),
        choices=YES_NO_UNKNOWN,
        validators=[Optional()],
    )
    violence_risk = SelectField(
        _l("Risk of violence"),
        choices=[not_assessed(), *choices(RiskLevel)],
        validators=[Optional()],
    )
    trafficking_risk = SelectField(
        _l("Risk of trafficking"),
        choices=[not_assessed(), *choices(RiskLevel)],
        validators=[Optional()],
    )
    family_capacity = TextAreaField(_l("Family's capacity to care"))
    human_rights_impact = TextAreaField(_l("Human-rights impact assessment"))
    risk_summary = TextAreaField(_l("Risk summary"))
    return_safe = SelectField(
        _l("Conclusion: return would be safe"), choices=YES_NO_UNKNOWN, validators=[Optional()]
    )

    TRI_STATE = ("armed_conflict", "return_safe")

    def values(self) -> dict[str, Any]:
        """Field values for ``save_bia`` and the version."""
        from caseapp.assessment.bia import EDITABLE_FIELDS

        out = super().values()
        for name in EDITABLE_FIELDS:
            data = getattr(self, name).data
            out[name] = tri_state(data) if name in self.TRI_STATE else data
        return out

    def restore(self, data: dict[str, str]) -> None:
        """Put a draft's text back into the fields it has (never the version)."""
        for name in _bia_fields():
            if name in data:
                field = self[name]
                field.process(MultiDict({field.name: data[name]}))

    def load(self, bia) -> None:
        """Fill the form from a BIA."""
        from caseapp.assessment.bia import EDITABLE_FIELDS

        for name in EDITABLE_FIELDS:
            value = getattr(bia, name)
            if name in self.TRI_STATE:
                value = "" if value is None else ("yes" if value else "no")
            elif hasattr(value, "value"):
                value = value.value
            getattr(self, name).data = value or ""


def _bia_fields() -> tuple[str, ...]:
    from caseapp.assessment.bia import EDITABLE_FIELDS

    return EDITABLE_FIELDS
