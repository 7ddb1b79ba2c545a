"""Forms of the exchange pages: the partner register, the home-study request, one form per
document type (built from the type's JSON Schema, so a form cannot ask for a field the
schema would refuse, nor miss one it requires) and the file import (issue 11)."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    Field,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from caseapp.children.forms import country_field, fill_country_choices
from caseapp.core.enums import choices
from caseapp.core.fields import CheckedForm, MayBeFuture
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.exchange.documents import DocumentType, schema
from caseapp.exchange.inbox import MAX_DOCUMENT_BYTES
from caseapp.exchange.models import Transport

# The label of each body field of the document types (the schemas name the fields).
LABELS = {
    "closed_on": _l("Closed on"),
    "reason": _l("Reason"),
    "guarantor_kind": _l("Guarantor"),
    "guarantor_name": _l("Guarantor's name"),
    "given_on": _l("Given on"),
    "document_reference": _l("Document reference"),
    "withdrawn_on": _l("Withdrawn on"),
    "received_on": _l("Received on"),
    "received_by": _l("Received by"),
    "received_by_child_protection": _l("Received by a child-protection official"),
    "place": _l("Place of the handover"),
    "conducted_by": _l("Conducted by"),
    "conducted_on": _l("Conducted on"),
    "favourable": _l("Favourable"),
    "summary": _l("Summary"),
    "visited_on": _l("Visited on"),
    "monitor_name": _l("Independent monitor"),
    "wellbeing": _l("Wellbeing"),
    "family": _l("Family"),
    "school": _l("School"),
    "health": _l("Health"),
    "concerns": _l("Concerns"),
    "escalation_needed": _l("Escalation needed"),
    "confirmed_on": _l("Confirmed on"),
    "confirmed_by": _l("Confirmed by"),
    "education": _l("Education"),
    "psychosocial": _l("Psychosocial support"),
    "family_support": _l("Family support"),
    "responsible_agency": _l("Responsible agency"),
    "resources_confirmed": _l("Resources confirmed"),
    "resources_confirmed_by": _l("Resources confirmed by"),
    "resources_confirmed_on": _l("Resources confirmed on"),
    "starts_on": _l("Starts on"),
    "monitor_independent": _l("The monitor is independent of the authorities"),
    "first_visit_on": _l("First visit"),
    "travel_on": _l("Travel date"),
    "route": _l("Route"),
    "escort_name": _l("Escort"),
    "escort_is_child_protection": _l("The escort is a child-protection official"),
    "receiving_official": _l("Received by"),
    "handover_place": _l("Handover place"),
    "handover_at_border": _l("Handover at the border"),
}
GUARANTOR_KINDS = {"family": _l("Family"), "foreign_authority": _l("Foreign authority")}
# Dates of plans lie ahead (``MayBeFuture``); every other date is of something done.
FUTURE_DATES = frozenset({"starts_on", "first_visit_on", "travel_on", "reply_by"})


def transport_field() -> SelectField:
    """How the document travels: to the partner's inbox, or as a signed file to carry."""
    return SelectField(
        _l("Send"), choices=choices(Transport), coerce=Transport, default=Transport.NETWORK
    )


def _field(name: str, spec: dict[str, Any], required: bool) -> Field:
    label = LABELS[name]
    if spec.get("format") == "date":
        flags = [MayBeFuture()] if name in FUTURE_DATES else []
        return DateField(label, [InputRequired() if required else Optional(), *flags])
    if spec.get("type") == "boolean":
        return BooleanField(label)
    if "enum" in spec:
        return SelectField(
            label,
            choices=[SelectChoice(v, GUARANTOR_KINDS.get(v, v)) for v in spec["enum"]],
            validators=[DataRequired()],
        )
    length = Length(min=spec.get("minLength", 0), max=spec["maxLength"])
    presence = DataRequired() if spec.get("minLength") else Optional()
    if spec["maxLength"] > 200:
        return TextAreaField(label, [presence, length])
    return StringField(label, [presence, length])


class _DocumentBase(VersionedForm):
    FIELDS: tuple[str, ...] = ()
    transport = transport_field()
    submit = SubmitField(_l("Sign and send"))

    def values(self) -> dict[str, Any]:
        """``send``'s arguments: the body (the schema's fields only), transport, version."""
        return {
            "body": {name: self[name].data for name in self.FIELDS},
            "transport": self.transport.data,
            "expected_version": self.version.data,
        }


def _document_form(doc_type: DocumentType) -> type[_DocumentBase]:
    body = (schema(doc_type, 1) or {})["properties"]["body"]
    required = set(body.get("required", ()))
    fields = {
        name: _field(name, spec, name in required) for name, spec in body["properties"].items()
    }
    return type(
        f"{doc_type.name.title().replace('_', '')}Form",
        (_DocumentBase,),
        {**fields, "FIELDS": tuple(fields)},
    )


DOCUMENT_FORMS: dict[DocumentType, type[_DocumentBase]] = {
    doc_type: _document_form(doc_type)
    for doc_type in DocumentType
    if doc_type is not DocumentType.HOME_STUDY_REQUEST
}


class HomeStudyRequestForm(VersionedForm):
    """Ask a partner's child-protection authority for a home study (starts the exchange)."""

    partner = SelectField(_l("Partner"), choices=[], validators=[DataRequired()])
    family_member = SelectField(_l("Family member"), choices=[], validators=[DataRequired()])
    questions = TextAreaField(_l("Questions"), [DataRequired(), Length(max=4000)])
    reply_by = DateField(_l("Reply by"), [Optional(), MayBeFuture()])
    transport = transport_field()
    submit = SubmitField(_l("Sign and send"))

    def __init__(self, *args: Any, partners=(), members=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._partners = {str(p.id): p for p in partners}
        self._members = {str(m.id): m for m in members}
        self.partner.choices = [
            SelectChoice(str(p.id), f"{p.name} ({p.country})") for p in partners
        ]
        self.family_member.choices = [
            SelectChoice(str(m.id), f"{m.name} ({m.relation.label})") for m in members
        ]

    def values(self) -> dict[str, Any]:
        """``request_home_study``'s arguments (a partner and a family member offered)."""
        return {
            "partner": self._partners[self.partner.data],
            "family_member": self._members[self.family_member.data],
            "questions": self.questions.data,
            "reply_by": self.reply_by.data,
            "transport": self.transport.data,
            "expected_version": self.version.data,
        }


class PartnerForm(CheckedForm):
    """A partner instance in the register (add or edit)."""

    name = StringField(_l("Name"), [DataRequired(), Length(max=200)])
    country = country_field(_l("Country"), validators=[DataRequired()])
    base_url = StringField(_l("Address"), [DataRequired(), Length(max=300)])
    public_key = StringField(_l("Public key"), [DataRequired(), Length(max=64)])
    fingerprint_confirmed = StringField(
        _l("Fingerprint, as confirmed by another channel"), [Optional(), Length(max=120)]
    )
    confirmed_by = StringField(_l("How the fingerprint was confirmed"), [Length(max=300)])
    local_agency = SelectField(_l("Agency leading incoming returns"), choices=[])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args: Any, agencies=(), editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_country_choices(self.country, blank="")
        self._agencies = {str(a.id): a for a in agencies}
        self.local_agency.choices = [SelectChoice(str(a.id), a.name) for a in agencies]
        if not editing:
            del self.active

    def values(self) -> dict[str, Any]:
        """``add_partner``'s (or ``update_partner``'s) arguments."""
        data = {
            name: self[name].data
            for name in (
                "name",
                "country",
                "base_url",
                "public_key",
                "fingerprint_confirmed",
                "confirmed_by",
            )
        }
        data["local_agency"] = self._agencies.get(self.local_agency.data or "")
        if "active" in self:
            data["active"] = bool(self.active.data)
        return data


class ImportForm(CheckedForm):
    """A signed exchange document carried as a file."""

    file = FileField(_l("Signed document (JSON file)"), validators=[FileRequired()])
    submit = SubmitField(_l("Check and import"))

    def values(self) -> dict[str, Any]:
        """``import_file``'s argument: at most one byte over the inbox's limit."""
        return {"data": self.file.data.read(MAX_DOCUMENT_BYTES + 1)}


class OpenForm(CheckedForm):
    """The button that opens the incoming return for a request (nothing else to say)."""

    submit = SubmitField(_l("Open the incoming return"))

    def values(self) -> dict[str, Any]:
        """``open_incoming_return`` takes only the request."""
        return {}
