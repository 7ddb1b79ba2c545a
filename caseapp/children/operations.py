"""Recording the child, their names and aliases, and family members (DESIGN.md section 2).

One function per change. Each checks the user may edit the case and that the case is the
version the user loaded (optimistic lock), changes the rows, bumps the case's version and
writes exactly one audit entry in the same transaction. Operations only flush.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.cases.versioning import check_editable, touch_case
from caseapp.children.models import (
    ChildName,
    ContactStatus,
    FamilyMember,
    Relation,
    TracingStatus,
)
from caseapp.children.names import search_key
from caseapp.children.validation import (
    Errors,
    check_countries,
    check_length,
    check_names,
    clean_text,
    validate_child,
)
from caseapp.core.clock import today
from caseapp.core.errors import ValidationFailed
from caseapp.core.extensions import db

# Fields of the child's record a caseworker edits on the record form.
CHILD_FIELDS = (
    "sex",
    "date_of_birth",
    "age_min",
    "age_max",
    "age_method",
    "nationality_status",
    "nationalities",
    "languages",
    "interpreter_needed",
    "country_of_origin",
    "transit_countries",
    "current_location",
    "identified_by",
    "identified_by_name",
    "identified_on",
    "identified_place",
    "care_status",
    "identity_verification",
    "legal_status",
    "parents_identity_verified",
    "trafficking_indicators",
    "disability",
    "health_needs",
    "violence_victim",
    "hate_crime_victim",
    "charged_irregular_entry",
    "notes",
)


def update_child(actor: User, case: Case, *, expected_version: int, **changes: Any) -> bool:
    """Change fields of the child's record; returns False (and records nothing) if none changed.

    Validated as a whole, so a new age range is checked against the stored date of birth.
    """
    assessed_on = changes.pop("age_assessed_on", None)
    unknown = set(changes) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"not a field of the child's record: {sorted(unknown)}")
    check_editable(actor, case, expected_version)
    if assessed_on is not None and assessed_on > today():
        raise ValidationFailed(_("The date of the age assessment cannot be in the future."))
    child = case.child
    current = {name: getattr(child, name) for name in CHILD_FIELDS}
    cleaned = validate_child({**current, **changes}, today=today())
    range_changed = any(
        name in changes and cleaned[name] != current[name] for name in ("age_min", "age_max")
    )
    for name in changes:
        setattr(child, name, cleaned[name])
    # When victim indicators were first recorded: a referral must follow within the
    # policy's days (issue 15; caseapp.referrals).
    for flag, since in (
        ("trafficking_indicators", "trafficking_indicators_on"),
        ("hate_crime_victim", "hate_crime_victim_on"),
    ):
        if not getattr(child, flag):
            setattr(child, since, None)
        elif getattr(child, since) is None:
            setattr(child, since, today())
    # An age range is true on the day it was assessed and advances from there (DESIGN.md
    # section 2; issue 9, principle 5): a new range is anchored today unless a day is given.
    if assessed_on is not None or (range_changed and child.age_min is not None):
        child.age_assessed_on = assessed_on or today()
    diff = diff_of(child)
    if not diff:
        return False
    touch_case(case)
    record(actor, AuditAction.CHILD_UPDATE, child, case=case, diff=diff)
    return True


def _clean_name_parts(
    given_name: str | None, family_name: str | None, patronymic: str | None
) -> tuple[str, str | None, str | None]:
    given, family, patr = (clean_text(v) for v in (given_name, family_name, patronymic))
    errors = Errors()
    check_names(errors, given, ("family_name", family), ("patronymic", patr))
    errors.raise_if_any()
    return given or "", family, patr


def _set_primary(case: Case, name: ChildName) -> None:
    """Make ``name`` the one the child is known by; the others become aliases."""
    for other in case.child.names:
        if other is not name and other.is_primary:
            other.is_primary = False
    name.is_primary = True


def add_name(
    actor: User,
    case: Case,
    *,
    expected_version: int,
    given_name: str,
    family_name: str | None = None,
    patronymic: str | None = None,
    is_primary: bool = False,
) -> ChildName:
    """Add a name or alias, in any script; it is searchable in every script at once."""
    check_editable(actor, case, expected_version)
    given, family, patr = _clean_name_parts(given_name, family_name, patronymic)
    name = ChildName(
        given_name=given,
        family_name=family,
        patronymic=patr,
        is_primary=False,
        search_key=search_key(family, given, patr),
    )
    case.child.names.append(name)
    if is_primary:
        _set_primary(case, name)
    diff = diff_of(name)
    touch_case(case)
    record(actor, AuditAction.NAME_ADD, name, case=case, diff=diff)
    return name


def update_name(
    actor: User,
    name: ChildName,
    *,
    expected_version: int,
    given_name: str,
    family_name: str | None = None,
    patronymic: str | None = None,
    is_primary: bool = False,
) -> bool:
    """Correct a name or alias, or make it the primary name."""
    case = name.child.case
    check_editable(actor, case, expected_version)
    given, family, patr = _clean_name_parts(given_name, family_name, patronymic)
    if name.is_primary and not is_primary:
        raise ValidationFailed(
            _("Make another name the primary one instead."),
            details={"is_primary": [_("Make another name the primary one instead.")]},
        )
    name.given_name, name.family_name, name.patronymic = given, family, patr
    name.search_key = search_key(family, given, patr)
    demoted = [n.id for n in case.child.names if n is not name and n.is_primary]
    if is_primary:
        _set_primary(case, name)
    diff = diff_of(name)
    if not diff:
        return False
    if is_primary and demoted:
        diff["demoted_name_ids"] = [None, demoted]
    touch_case(case)
    record(actor, AuditAction.NAME_UPDATE, name, case=case, diff=diff)
    return True


def remove_name(actor: User, name: ChildName, *, expected_version: int) -> None:
    """Remove an alias recorded by mistake (the primary name stays)."""
    case = name.child.case
    check_editable(actor, case, expected_version)
    if name.is_primary:
        raise ValidationFailed(_("The primary name cannot be removed; make another one primary."))
    diff = {
        "given_name": [name.given_name, None],
        "family_name": [name.family_name, None],
        "patronymic": [name.patronymic, None],
    }
    name_id = name.id
    case.child.names.remove(name)
    touch_case(case)
    record(
        actor, AuditAction.NAME_REMOVE, name, case=case, diff={"name_id": [name_id, None], **diff}
    )


FAMILY_FIELDS = (
    "name",
    "relation",
    "whereabouts",
    "country",
    "contact_status",
    "tracing_status",
    "assessment_result",
    "legal_custodian",
    "with_the_child",
)


def _validate_family(fields: dict) -> dict:
    """Normalise and check a family member's fields (ADC principle iii: a broad family)."""
    errors = Errors()
    cleaned = dict(fields)
    cleaned["name"] = clean_text(fields.get("name"))
    if not cleaned["name"]:
        errors.add("name", _("Enter the person's name."))
    check_length(errors, "name", cleaned["name"], 200)
    cleaned["whereabouts"] = clean_text(fields.get("whereabouts"))
    check_length(errors, "whereabouts", cleaned["whereabouts"], 200)
    cleaned["legal_custodian"] = bool(fields.get("legal_custodian"))
    cleaned["with_the_child"] = bool(fields.get("with_the_child"))
    cleaned["assessment_result"] = clean_text(fields.get("assessment_result"), limit=5000)
    check_length(errors, "assessment_result", cleaned["assessment_result"], 5000)
    country = (fields.get("country") or "").strip()
    codes = check_countries(errors, "country", [country] if country else [])
    cleaned["country"] = codes[0] if codes else None
    if fields.get("relation") is None:
        errors.add("relation", _("Choose the relation to the child."))
    if (
        fields.get("tracing_status") is TracingStatus.DECEASED
        and fields.get("contact_status") is ContactStatus.IN_CONTACT
    ):
        errors.add("contact_status", _("A deceased person cannot be in contact."))
    errors.raise_if_any()
    return cleaned


def add_family_member(
    actor: User,
    case: Case,
    *,
    expected_version: int,
    name: str,
    relation: Relation,
    whereabouts: str | None = None,
    country: str | None = None,
    contact_status: ContactStatus = ContactStatus.NOT_CONTACTED,
    tracing_status: TracingStatus = TracingStatus.NOT_STARTED,
    assessment_result: str | None = None,
    legal_custodian: bool = False,
    with_the_child: bool = False,
) -> FamilyMember:
    """Record a family member or another person significant to the child (002, fn 12 iii).

    ``legal_custodian`` and ``with_the_child``: only a legal custodian who is with the child
    makes the child accompanied; anyone else leaves the child separated (issue 9, principle
    7; the gate's S3)."""
    check_editable(actor, case, expected_version)
    cleaned = _validate_family(
        {
            "name": name,
            "relation": relation,
            "whereabouts": whereabouts,
            "country": country,
            "contact_status": contact_status,
            "tracing_status": tracing_status,
            "assessment_result": assessment_result,
            "legal_custodian": legal_custodian,
            "with_the_child": with_the_child,
        }
    )
    member = FamilyMember(**cleaned)
    case.family_members.append(member)
    diff = diff_of(member)
    touch_case(case)
    record(actor, AuditAction.FAMILY_ADD, member, case=case, diff=diff)
    return member


def update_family_member(
    actor: User, member: FamilyMember, *, expected_version: int, **changes: Any
) -> bool:
    """Update a family member's whereabouts, contact, tracing or assessment."""
    unknown = set(changes) - set(FAMILY_FIELDS)
    if unknown:
        raise TypeError(f"not a field of a family member: {sorted(unknown)}")
    case = member.case
    check_editable(actor, case, expected_version)
    current = {f: getattr(member, f) for f in FAMILY_FIELDS}
    cleaned = _validate_family({**current, **changes})
    for field in changes:
        setattr(member, field, cleaned[field])
    diff = diff_of(member)
    if not diff:
        return False
    touch_case(case)
    record(actor, AuditAction.FAMILY_UPDATE, member, case=case, diff=diff)
    return True


def remove_family_member(actor: User, member: FamilyMember, *, expected_version: int) -> None:
    """Remove a family member recorded by mistake; not one the assessment relies on.

    A family assessment of the member is evidence for the determination (002, fn 12 iii): the
    member stays while one exists (found by the property test: the delete broke the foreign
    key and gave a 500).
    """
    from caseapp.assessment.models import FamilyAssessment

    case = member.case
    check_editable(actor, case, expected_version)
    assessed = db.session.scalar(
        select(func.count())
        .select_from(FamilyAssessment)
        .where(FamilyAssessment.family_member_id == member.id)
    )
    if assessed:
        raise ValidationFailed(
            _("This family member has been assessed; the record stays with the assessment.")
        )
    diff = {"member_id": [member.id, None], "name": [member.name, None]}
    diff["relation"] = [member.relation.value, None]
    case.family_members.remove(member)
    touch_case(case)
    record(actor, AuditAction.FAMILY_REMOVE, member, case=case, diff=diff)
