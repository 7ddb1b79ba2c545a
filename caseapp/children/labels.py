"""Translated labels for the stored enum values, and country names from the CLDR (Babel).

Enums are stored as their English values; users read these labels in their own language.
Templates call ``label(value)`` and ``country_name(code)`` (registered by the children
blueprint as template globals).
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from caseapp.agencies.models import AgencyKind
from caseapp.cases.models import Outcome, Stage
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
from caseapp.core.countries import country_choices, country_name, is_country
from caseapp.core.permissions import Role

__all__ = ["choices", "country_choices", "country_name", "is_country", "label", "register"]

_LABELS: list[tuple[StrEnum, object]] = [
    (Sex.FEMALE, _l("female")),
    (Sex.MALE, _l("male")),
    (Sex.OTHER, _l("other")),
    (Sex.UNKNOWN, _l("not known")),
    (AgeMethod.DOCUMENT, _l("identity document")),
    (AgeMethod.SELF_DECLARED, _l("declared by the child")),
    (AgeMethod.PSYCHOSOCIAL, _l("psychosocial assessment")),
    (AgeMethod.MEDICAL, _l("medical assessment")),
    (AgeMethod.MULTIDISCIPLINARY, _l("multidisciplinary assessment")),
    (AgeMethod.UNKNOWN, _l("not assessed")),
    (NationalityStatus.NATIONAL, _l("has a nationality")),
    (NationalityStatus.STATELESS, _l("stateless")),
    (NationalityStatus.AT_RISK_OF_STATELESSNESS, _l("at risk of statelessness")),
    (NationalityStatus.UNDETERMINED, _l("not yet determined")),
    (IdentifiedBy.POLICE, _l("police")),
    (IdentifiedBy.BORDER_GUARD, _l("border guard")),
    (IdentifiedBy.SOCIAL_SERVICES, _l("social services")),
    (IdentifiedBy.NGO, _l("NGO")),
    (IdentifiedBy.SELF_REFERRAL, _l("self-referral")),
    (IdentifiedBy.OTHER, _l("other")),
    (CareStatus.ACCOMPANIED, _l("accompanied")),
    (CareStatus.SEPARATED, _l("separated")),
    (CareStatus.UNACCOMPANIED, _l("unaccompanied")),
    (IdentityVerification.NOT_VERIFIED, _l("not verified")),
    (IdentityVerification.DOCUMENTS_SEEN, _l("documents seen")),
    (IdentityVerification.CONFIRMED_WITH_CONSULATE, _l("confirmed with the consulate")),
    (Relation.MOTHER, _l("mother")),
    (Relation.FATHER, _l("father")),
    (Relation.SIBLING, _l("sibling")),
    (Relation.GRANDPARENT, _l("grandparent")),
    (Relation.AUNT_UNCLE, _l("aunt or uncle")),
    (Relation.OTHER_RELATIVE, _l("other relative")),
    (Relation.LEGAL_GUARDIAN, _l("legal guardian")),
    (Relation.SIGNIFICANT_PERSON, _l("other person significant to the child")),
    (ContactStatus.NOT_CONTACTED, _l("not contacted")),
    (ContactStatus.IN_CONTACT, _l("in contact")),
    (ContactStatus.UNREACHABLE, _l("unreachable")),
    (ContactStatus.REFUSED_CONTACT, _l("refused contact")),
    (TracingStatus.NOT_STARTED, _l("not started")),
    (TracingStatus.IN_PROGRESS, _l("in progress")),
    (TracingStatus.TRACED, _l("traced")),
    (TracingStatus.NOT_FOUND, _l("not found")),
    (TracingStatus.DECEASED, _l("deceased")),
    (Stage.IDENTIFIED, _l("identified")),
    (Stage.REGISTERED, _l("registered")),
    (Stage.ASSESSMENT, _l("assessment")),
    (Stage.DETERMINATION, _l("determination")),
    (Stage.DECIDED, _l("decided")),
    (Stage.RETURN_PREPARATION, _l("return preparation")),
    (Stage.RETURN_APPROVED, _l("return approved")),
    (Stage.RETURNED, _l("returned")),
    (Stage.MONITORING, _l("monitoring")),
    (Stage.IMPLEMENTATION, _l("implementation")),
    (Stage.CLOSED, _l("closed")),
    (Outcome.LOCAL_INTEGRATION, _l("local integration")),
    (Outcome.TOLERATED_STAY, _l("tolerated stay")),
    (Outcome.RETURN, _l("return")),
    (Outcome.THIRD_COUNTRY, _l("third country")),
    (AgencyKind.CHILD_PROTECTION, _l("child protection")),
    (AgencyKind.CENTRAL_AUTHORITY, _l("central authority")),
    (AgencyKind.NGO, _l("NGO")),
    (AgencyKind.LAW_ENFORCEMENT, _l("law enforcement")),
    (AgencyKind.CONSULATE, _l("consulate")),
    (AgencyKind.COUNTERPART_ABROAD, _l("counterpart abroad")),
    (AgencyKind.OMBUDSPERSON, _l("ombudsperson institution")),
    (Role.CASEWORKER, _l("caseworker")),
    (Role.SUPERVISOR, _l("supervisor")),
    (Role.OMBUDSPERSON, _l("ombudsperson")),
    (Role.ADMIN, _l("admin")),
]

# Keyed by (enum class, value): StrEnum members of different enums with the same value
# (Sex.UNKNOWN and AgeMethod.UNKNOWN are both "unknown") are equal as dict keys.
LABELS: dict[tuple[type, str], object] = {}
for _member, _text in _LABELS:
    LABELS[(type(_member), _member.value)] = _text
del _member, _text


def register(*mappings: dict) -> None:
    """Add other domains' enum labels (``{Enum.MEMBER: _l("Label")}``), so templates show
    every stored value through ``label()`` and never the value itself (issue 12 item 6)."""
    for mapping in mappings:
        for member, text in mapping.items():
            LABELS[(type(member), member.value)] = text


def label(value: object) -> str:
    """The translated label of an enum value (the value itself when it has none)."""
    if value is None:
        return ""
    found = LABELS.get((type(value), value.value)) if isinstance(value, StrEnum) else None
    return str(found) if found is not None else str(value)


def choices(enum_cls: type[StrEnum]) -> list[SelectChoice]:
    """Options of a select field for an enum, in the enum's order, with translated labels."""
    return [
        SelectChoice(member.value, LABELS.get((enum_cls, member.value), member.value))
        for member in enum_cls
    ]
