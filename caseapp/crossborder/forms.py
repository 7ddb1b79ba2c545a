"""Forms of the return-preparation pages (labels translated, sources in help texts).

Every form carries the case version it was loaded at (hidden ``version``), passed to the
operation as ``expected_version`` (DESIGN.md section 3 item 8: a conflicting edit gets a clear
message, not a silent overwrite)."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from caseapp.agencies.models import AgencyKind
from caseapp.agencies.register import register_choices
from caseapp.assessment.models import PlacementType
from caseapp.core.confirm import Confirmed
from caseapp.core.countries import CountryField
from caseapp.core.enums import LabelledEnum, choices
from caseapp.core.fields import MayBeFuture, MonthsField
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.crossborder.models import (
    EscortKind,
    GuarantorKind,
    LegalBasis,
    MessageDirection,
    MessageKind,
    ReceivingKind,
    WithdrawalKind,
)

# What the withdrawal form offers (a guarantee is withdrawn from the guarantee itself).
WITHDRAWN_HERE = (
    WithdrawalKind.CHILD_CONSENT,
    WithdrawalKind.GUARDIAN_CONSENT,
    WithdrawalKind.OBJECTION,
    WithdrawalKind.READINESS,
)
CHILD_PROTECTION = (AgencyKind.CHILD_PROTECTION, AgencyKind.COUNTERPART_ABROAD)


def _choices(options) -> list[SelectChoice]:
    """Select options from enum members (the labels on the enum)."""
    return choices(options)


def _enum_of(options) -> type[LabelledEnum]:
    return options if isinstance(options, type) else type(next(iter(options)))


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class AgencySelect(SelectField):
    """An agency chosen from the register (issue 9, principle 1: not typed as free text);
    ``kinds`` limits the choice. Gives back the agency id, or None for "not chosen"."""

    def __init__(self, label=None, kinds=None, **kwargs):
        super().__init__(label, coerce=_int_or_none, validate_choice=False, **kwargs)
        # Fields are built with each form: the register is read then, in the request.
        self.choices = [("", _l("— not chosen —")), *register_choices(kinds)]


class OptionalEnumSelect(SelectField):
    """A select over a StrEnum with a "not recorded" choice (None)."""

    def __init__(self, label, options, **kwargs):
        enum_cls = _enum_of(options)
        super().__init__(
            label,
            choices=[SelectChoice("", _l("— not recorded —")), *_choices(options)],
            coerce=lambda v: enum_cls(v) if v not in (None, "", "None") else None,
            **kwargs,
        )


class EnumSelect(SelectField):
    """A select over a StrEnum that gives back the enum member."""

    def __init__(self, label, options, **kwargs):
        enum_cls = _enum_of(options)
        super().__init__(label, choices=_choices(options), coerce=lambda v: enum_cls(v), **kwargs)


_CODE = Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code."))
_CODES = Regexp(
    r"^\s*[A-Za-z]{2}\s*(,\s*[A-Za-z]{2}\s*)*$",
    message=_l("Enter two-letter country codes separated by commas."),
)
_TEXT = [DataRequired(), Length(max=200)]


class CoordinationForm(VersionedForm):
    """Counterpart authority, consulate and legal basis (002, Rec 2; Rec 6)."""

    VALUES = (
        "destination_country",
        "counterpart_name",
        "consulate_contact",
        "legal_basis",
        "legal_basis_reference",
        "counterpart_agency_id",
    )

    destination_country = CountryField(_l("Destination country"), [DataRequired()], blank="")
    counterpart_agency_id = AgencySelect(
        _l("Counterpart child-protection authority (agency register)"),
        CHILD_PROTECTION,
        description=_l("S12 needs its confirmation of readiness (002, Rec 2; Rec 6)."),
    )
    counterpart_name = StringField(_l("Contact person or office at the counterpart"), _TEXT)
    consulate_contact = StringField(_l("Consulate contact"), [Optional(), Length(max=200)])
    legal_basis = EnumSelect(_l("Legal basis"), LegalBasis)
    legal_basis_reference = StringField(
        _l("Reference of the agreement"), [Optional(), Length(max=200)]
    )
    transit = StringField(
        _l("Transit countries on the return route (two-letter codes, comma-separated)"),
        [Optional(), Length(max=60), _CODES],
        description=_l(
            "A suspension of returns to or through any of them stops the return (S18; "
            "002, Rec 2: origin, transit and destination)."
        ),
    )
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """``save_coordination``'s arguments (the transit countries as a list)."""
        raw = (self.transit.data or "").replace(" ", "")
        return {**super().values(), "transit_countries": [x for x in raw.split(",") if x]}


class MessageForm(VersionedForm):
    """One message in the log."""

    VALUES = (
        "direction",
        "kind",
        "counterpart",
        "subject",
        "on_date",
        "documents",
        "agency_id",
    )

    direction = EnumSelect(_l("Direction"), MessageDirection)
    kind = EnumSelect(_l("Kind"), MessageKind)
    agency_id = AgencySelect(_l("Sent to or received from (agency register)"))
    counterpart = StringField(_l("Contact person"), _TEXT)
    subject = StringField(_l("Subject"), [DataRequired(), Length(max=300)])
    on_date = DateField(_l("Date"), [DataRequired()])
    documents = TextAreaField(_l("Documents"), [Optional()])
    submit = SubmitField(_l("Add to the log"))


class HomeStudyForm(VersionedForm):
    """The counterpart's home study."""

    VALUES = (
        "received_on",
        "conducted_by",
        "favourable",
        "summary",
        "agency_id",
    )

    received_on = DateField(_l("Received on"), [DataRequired()])
    agency_id = AgencySelect(_l("Authority that conducted it (agency register)"))
    conducted_by = StringField(_l("Conducted by"), _TEXT)
    favourable = BooleanField(_l("Favourable"))
    summary = TextAreaField(_l("Summary"), [DataRequired()])
    submit = SubmitField(_l("Save"))


class GuaranteeForm(VersionedForm):
    """The guarantee of care (002, Moldova)."""

    VALUES = (
        "guarantor_kind",
        "guarantor_name",
        "given_on",
        "written",
        "document_reference",
        "guarantor_agency_id",
    )

    guarantor_kind = EnumSelect(_l("Guarantor"), GuarantorKind)
    guarantor_name = StringField(_l("Guarantor's name"), _TEXT)
    guarantor_agency_id = AgencySelect(
        _l("Foreign authority that guarantees (agency register)"),
        description=_l("Attach the signed guarantee on the documents page (S7)."),
    )
    given_on = DateField(_l("Given on"), [DataRequired()])
    written = BooleanField(_l("Given in writing"))
    document_reference = StringField(_l("Document reference"), [Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class CentralApprovalForm(VersionedForm):
    """The Central Authority approval (002, Moldova)."""

    VALUES = ("authority_agency_id", "reference", "approved_on")

    authority_agency_id = AgencySelect(
        _l("Central Authority (agency register)"),
        [AgencyKind.CENTRAL_AUTHORITY],
        validators=[DataRequired()],
        description=_l("Attach the approval on the documents page (S11)."),
    )
    reference = StringField(_l("Reference"), [DataRequired(), Length(max=120)])
    approved_on = DateField(_l("Approved on"), [DataRequired()])
    submit = SubmitField(_l("Save"))


class ReintegrationForm(VersionedForm):
    """The individual reintegration plan (002, Rec 2)."""

    VALUES = (
        "education",
        "health",
        "psychosocial",
        "family_support",
        "responsible_agency",
        "starts_on",
        "resources_confirmed",
        "resources_confirmed_by",
        "resources_confirmed_on",
        "education_agency_id",
        "education_not_needed",
        "health_agency_id",
        "health_not_needed",
        "psychosocial_agency_id",
        "psychosocial_not_needed",
        "family_support_agency_id",
        "family_support_not_needed",
        "responsible_agency_id",
        "resources_confirmed_by_agency_id",
    )

    education = TextAreaField(_l("Education"), [Optional()])
    education_agency_id = AgencySelect(_l("Education: responsible agency"))
    education_not_needed = TextAreaField(_l("Education: not needed because"), [Optional()])
    health = TextAreaField(_l("Health"), [Optional()])
    health_agency_id = AgencySelect(_l("Health: responsible agency"))
    health_not_needed = TextAreaField(_l("Health: not needed because"), [Optional()])
    psychosocial = TextAreaField(_l("Psychosocial support"), [Optional()])
    psychosocial_agency_id = AgencySelect(_l("Psychosocial support: responsible agency"))
    psychosocial_not_needed = TextAreaField(
        _l("Psychosocial support: not needed because"), [Optional()]
    )
    family_support = TextAreaField(_l("Family support"), [Optional()])
    family_support_agency_id = AgencySelect(_l("Family support: responsible agency"))
    family_support_not_needed = TextAreaField(
        _l("Family support: not needed because"), [Optional()]
    )
    responsible_agency = StringField(_l("Responsible agency"), _TEXT)
    responsible_agency_id = AgencySelect(_l("Lead agency of the plan (agency register)"))
    starts_on = DateField(_l("Starts on"), [Optional(), MayBeFuture()])
    resources_confirmed = BooleanField(_l("Resources confirmed"))
    resources_confirmed_by = StringField(_l("Confirmed by"), [Optional(), Length(max=200)])
    resources_confirmed_by_agency_id = AgencySelect(_l("Confirmed by (agency register)"))
    resources_confirmed_on = DateField(_l("Confirmed on"), [Optional()])
    submit = SubmitField(_l("Save"))


class TravelForm(VersionedForm):
    """Travel and handover plan (002, fn 12 (v))."""

    VALUES = (
        "travel_on",
        "route",
        "escort_name",
        "escort_kind",
        "receiving_official",
        "handover_place",
        "handover_at_border",
        "escort_agency_id",
        "receiving_kind",
        "receiving_agency_id",
        "receiving_family_member_id",
        "arrival_placement_type",
        "arrival_placement_name",
        "arrival_can_leave_at_will",
        "arrival_run_by_law_enforcement",
    )

    travel_on = DateField(_l("Travel date"), [DataRequired(), MayBeFuture()])
    route = TextAreaField(_l("Route"), [DataRequired()])
    escort_name = StringField(_l("Escort"), _TEXT)
    escort_kind = EnumSelect(_l("Escort is"), EscortKind)
    escort_agency_id = AgencySelect(_l("Escort's agency (agency register)"))
    receiving_kind = OptionalEnumSelect(_l("Who receives the child"), ReceivingKind)
    receiving_official = StringField(_l("Receiving person"), _TEXT)
    receiving_agency_id = AgencySelect(_l("Receiving agency (agency register)"))
    receiving_family_member_id = SelectField(
        _l("Receiving parent, relative or legal guardian"),
        coerce=_int_or_none,
        validate_choice=False,
        choices=[],
    )
    handover_place = StringField(_l("Handover place"), _TEXT)
    handover_at_border = BooleanField(_l("Handover at the border"))
    arrival_placement_type = OptionalEnumSelect(
        _l("Where the child will live on arrival"), PlacementType
    )
    arrival_placement_name = StringField(_l("Name of the place"), [Optional(), Length(max=200)])
    arrival_can_leave_at_will = BooleanField(_l("The child can leave it at will"), default=True)
    arrival_run_by_law_enforcement = BooleanField(_l("Run by law enforcement"))
    submit = SubmitField(_l("Save"))

    def for_case(self, case):
        """The family members of ``case`` as the receiving person's choices."""
        self.receiving_family_member_id.choices = [
            ("", _l("— not chosen —")),
            *((m.id, m.name) for m in case.family_members),
        ]
        return self


class ConsentForm(VersionedForm):
    """Consent, or a non-voluntary return as a documented last resort."""

    VALUES = (
        "child_consents",
        "child_consent_on",
        "child_consent_how",
        "guardian_consents",
        "guardian_consent_on",
        "non_voluntary",
        "last_resort_justification",
    )

    child_consents = BooleanField(_l("The child consents voluntarily"))
    child_consent_on = DateField(_l("Date of the child's consent"), [Optional()])
    child_consent_how = TextAreaField(_l("How the consent was obtained"), [Optional()])
    guardian_consents = BooleanField(_l("The guardian consents"))
    guardian_consent_on = DateField(_l("Date of the guardian's consent"), [Optional()])
    non_voluntary = BooleanField(_l("Non-voluntary return as a last resort"))
    last_resort_justification = TextAreaField(_l("Justification of the last resort"), [Optional()])
    submit = SubmitField(_l("Save"))


class MonitoringPlanForm(VersionedForm):
    """Independent post-return monitoring (002, Rec 2)."""

    VALUES = ("monitor_agency_id", "monitor_name", "first_visit_on")

    monitor_agency_id = AgencySelect(
        _l("Monitoring organisation (agency register)"),
        description=_l(
            "Independence is derived: not the lead (returning) agency, not law enforcement "
            "(S17; 002, Rec 2)."
        ),
    )
    monitor_name = StringField(_l("Monitor (person)"), _TEXT)
    schedule = MonthsField(_l("Visits, months after return (e.g. 1, 3, 6, 12, 18)"))
    first_visit_on = DateField(_l("First visit"), [Optional(), MayBeFuture()])
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """``save_monitoring_plan``'s arguments (the schedule as months; none: the policy's)."""
        return {**super().values(), "schedule_months": self.schedule.data or None}


class ConfirmForm(VersionedForm):
    """A bare button (CSRF and the case version)."""

    submit = SubmitField(_l("Confirm"))


class LastResortForm(Confirmed, VersionedForm):
    """A second supervisor approves a last resort, after a confirmation step with a comment."""

    submit = SubmitField(_l("Approve the last resort"))


class WithdrawForm(VersionedForm):
    """Withdraw a guarantee on a date."""

    VALUES = ("withdrawn_on",)

    withdrawn_on = DateField(_l("Withdrawn on"), [DataRequired()])
    submit = SubmitField(_l("Withdraw"))


class WithdrawalForm(VersionedForm):
    """A withdrawal of consent or readiness, or an objection (a record of its own)."""

    VALUES = ("kind", "on_date", "made_by", "agency_id", "reason")

    kind = EnumSelect(_l("What"), WITHDRAWN_HERE)
    on_date = DateField(_l("On"), [DataRequired()])
    made_by = StringField(_l("By whom"), [Optional(), Length(max=200)])
    agency_id = AgencySelect(_l("Agency, when an agency withdraws (agency register)"))
    reason = TextAreaField(_l("Reason or what was said"), [Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record"))
