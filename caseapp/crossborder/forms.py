"""Forms of the return-preparation pages (labels translated, sources in help texts).

Every form carries the case version it was loaded at (hidden ``version``), passed to the
operation as ``expected_version`` (DESIGN.md section 3 item 8: a conflicting edit gets a clear
message, not a silent overwrite)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
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

from caseapp.core.forms import VersionedForm
from caseapp.crossborder.models import (
    EscortKind,
    GuarantorKind,
    LegalBasis,
    MessageDirection,
    MessageKind,
)

LEGAL_BASIS_LABELS = {
    LegalBasis.BILATERAL_AGREEMENT: _l("Bilateral agreement"),
    LegalBasis.CHISINAU_2002: _l("Chisinau Agreement 2002 (outdated)"),
    LegalBasis.HAGUE_1996: _l("Hague Convention 1996"),
    LegalBasis.NATIONAL_LAW: _l("National law"),
    LegalBasis.OTHER: _l("Other"),
}
DIRECTION_LABELS = {MessageDirection.SENT: _l("Sent"), MessageDirection.RECEIVED: _l("Received")}
KIND_LABELS = {
    MessageKind.REQUEST: _l("Request"),
    MessageKind.INFORMATION: _l("Information"),
    MessageKind.HOME_STUDY: _l("Home study"),
    MessageKind.GUARANTEE: _l("Guarantee"),
    MessageKind.CONFIRMATION_OF_READINESS: _l("Confirmation of readiness"),
    MessageKind.OTHER: _l("Other"),
}
GUARANTOR_LABELS = {
    GuarantorKind.FAMILY: _l("Family"),
    GuarantorKind.FOREIGN_AUTHORITY: _l("Foreign authority"),
}
ESCORT_LABELS = {
    EscortKind.CHILD_PROTECTION: _l("Child-protection official"),
    EscortKind.LAW_ENFORCEMENT: _l("Law enforcement"),
    EscortKind.FAMILY: _l("Family"),
    EscortKind.OTHER: _l("Other"),
}


def _choices(labels):
    return [SelectChoice(k.value, v) for k, v in labels.items()]


class EnumSelect(SelectField):
    """A select over a StrEnum that gives back the enum member."""

    def __init__(self, label, labels, **kwargs):
        enum_cls = type(next(iter(labels)))
        super().__init__(label, choices=_choices(labels), coerce=lambda v: enum_cls(v), **kwargs)


_CODE = Regexp(r"^[A-Za-z]{2}$", message=_l("Enter a two-letter country code."))
_TEXT = [DataRequired(), Length(max=200)]


class CoordinationForm(VersionedForm):
    """Counterpart authority, consulate and legal basis (002, Rec 2; Rec 6)."""

    VALUES = (
        "destination_country",
        "counterpart_name",
        "consulate_contact",
        "legal_basis",
        "legal_basis_reference",
    )

    destination_country = StringField(
        _l("Destination country (two letters)"), [DataRequired(), _CODE]
    )
    counterpart_name = StringField(_l("Counterpart child-protection authority"), _TEXT)
    consulate_contact = StringField(_l("Consulate contact"), [Optional(), Length(max=200)])
    legal_basis = EnumSelect(_l("Legal basis"), LEGAL_BASIS_LABELS)
    legal_basis_reference = StringField(
        _l("Reference of the agreement"), [Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Save"))


class MessageForm(VersionedForm):
    """One message in the log."""

    VALUES = (
        "direction",
        "kind",
        "counterpart",
        "counterpart_is_child_protection",
        "subject",
        "on_date",
        "documents",
    )

    direction = EnumSelect(_l("Direction"), DIRECTION_LABELS)
    kind = EnumSelect(_l("Kind"), KIND_LABELS)
    counterpart = StringField(_l("Counterpart"), _TEXT)
    counterpart_is_child_protection = BooleanField(
        _l("The counterpart is the child-protection authority")
    )
    subject = StringField(_l("Subject"), [DataRequired(), Length(max=300)])
    on_date = DateField(_l("Date"), [DataRequired()])
    documents = TextAreaField(_l("Documents"), [Optional()])
    submit = SubmitField(_l("Add to the log"))


class HomeStudyForm(VersionedForm):
    """The counterpart's home study."""

    VALUES = ("received_on", "conducted_by", "favourable", "summary")

    received_on = DateField(_l("Received on"), [DataRequired()])
    conducted_by = StringField(_l("Conducted by"), _TEXT)
    favourable = BooleanField(_l("Favourable"))
    summary = TextAreaField(_l("Summary"), [DataRequired()])
    submit = SubmitField(_l("Save"))


class GuaranteeForm(VersionedForm):
    """The guarantee of care (002, Moldova)."""

    VALUES = ("guarantor_kind", "guarantor_name", "given_on", "written", "document_reference")

    guarantor_kind = EnumSelect(_l("Guarantor"), GUARANTOR_LABELS)
    guarantor_name = StringField(_l("Guarantor's name"), _TEXT)
    given_on = DateField(_l("Given on"), [DataRequired()])
    written = BooleanField(_l("Given in writing"))
    document_reference = StringField(_l("Document reference"), [Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class CentralApprovalForm(VersionedForm):
    """The Central Authority approval (002, Moldova)."""

    VALUES = ("authority_name", "reference", "approved_on")

    authority_name = StringField(_l("Central Authority"), _TEXT)
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
    )

    education = TextAreaField(_l("Education"), [Optional()])
    health = TextAreaField(_l("Health"), [Optional()])
    psychosocial = TextAreaField(_l("Psychosocial support"), [Optional()])
    family_support = TextAreaField(_l("Family support"), [Optional()])
    responsible_agency = StringField(_l("Responsible agency"), _TEXT)
    starts_on = DateField(_l("Starts on"), [Optional()])
    resources_confirmed = BooleanField(_l("Resources confirmed"))
    resources_confirmed_by = StringField(_l("Confirmed by"), [Optional(), Length(max=200)])
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
        "receiving_is_child_protection",
        "handover_place",
        "handover_at_border",
    )

    travel_on = DateField(_l("Travel date"), [DataRequired()])
    route = TextAreaField(_l("Route"), [DataRequired()])
    escort_name = StringField(_l("Escort"), _TEXT)
    escort_kind = EnumSelect(_l("Escort is"), ESCORT_LABELS)
    receiving_official = StringField(_l("Receiving official"), _TEXT)
    receiving_is_child_protection = BooleanField(_l("The receiving official is child protection"))
    handover_place = StringField(_l("Handover place"), _TEXT)
    handover_at_border = BooleanField(_l("Handover at the border"))
    submit = SubmitField(_l("Save"))


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

    VALUES = ("monitor_name", "independent", "first_visit_on")

    monitor_name = StringField(_l("Independent monitor"), _TEXT)
    independent = BooleanField(_l("Independent of the returning authority"))
    schedule = StringField(
        _l("Visits, months after return (e.g. 1, 3, 6, 12, 18)"),
        [Optional(), Regexp(r"^[\d ,]*$", message=_l("Numbers separated by commas."))],
    )
    first_visit_on = DateField(_l("First visit"), [Optional()])
    submit = SubmitField(_l("Save"))

    def values(self) -> dict[str, Any]:
        """``save_monitoring_plan``'s arguments (the schedule as months; none: the policy's)."""
        months = [int(x) for x in (self.schedule.data or "").replace(" ", "").split(",") if x]
        return {**super().values(), "schedule_months": months or None}


class ConfirmForm(VersionedForm):
    """A bare button (CSRF and the case version)."""

    submit = SubmitField(_l("Confirm"))


class WithdrawForm(VersionedForm):
    """Withdraw a guarantee on a date."""

    VALUES = ("withdrawn_on",)

    withdrawn_on = DateField(_l("Withdrawn on"), [DataRequired()])
    submit = SubmitField(_l("Withdraw"))
