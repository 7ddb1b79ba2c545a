"""Family forms; each carries the version of the case the page is about."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from caseapp.core.enums import choices
from caseapp.core.forms import VersionedForm
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.families.models import PartyActKind
from caseapp.families.operations import PARTY_RELATIONS


class CreateFamilyForm(VersionedForm):
    VALUES = ("notes",)
    notes = TextAreaField(_l("Notes"), validators=[Optional()])


class LinkSiblingForm(VersionedForm):
    VALUES = ("case_number",)
    case_number = StringField(
        _l("Case number of the sibling"), validators=[InputRequired(), Length(max=20)]
    )


class PartyForm(VersionedForm):
    VALUES = ("name", "relation", "legal_custodian", "with_the_children")
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    relation = SelectField(_l("Relation to the children"), choices=choices(PARTY_RELATIONS))
    legal_custodian = BooleanField(_l("Holds legal custody"))
    with_the_children = BooleanField(_l("Is with the children"))


class PartyActForm(VersionedForm):
    VALUES = ("kind", "on_date", "language", "notes")
    party_id = SelectField(_l("Parent or caregiver"), coerce=int, choices=[])
    kind = SelectField(_l("What"), choices=choices(PartyActKind))
    on_date = DateField(_l("On"), validators=[InputRequired()])
    language = StringField(_l("Language"), validators=[Optional(), Length(max=60)])
    notes = TextAreaField(_l("Notes"), validators=[Optional()])


class PartyAppealForm(VersionedForm):
    VALUES = ("lodged_on", "body", "grounds")
    party_id = SelectField(_l("Parent or caregiver"), coerce=int, choices=[])
    lodged_on = DateField(_l("Lodged on"), validators=[InputRequired()])
    body = StringField(_l("With (court or body)"), validators=[InputRequired(), Length(max=200)])
    grounds = TextAreaField(_l("Grounds"), validators=[Optional()])


def with_parties(form: Any, parties: list) -> Any:
    """Offer the family's parties in ``form.party_id``."""
    form.party_id.choices = [(p.id, f"{p.name} ({p.relation.label})") for p in parties]
    return form
