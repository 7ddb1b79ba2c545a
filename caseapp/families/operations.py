"""Family operations: create the family record, link a sibling's case, add a parent or
caregiver as a party, record a party's consent, refusal or notification, and a party's
appeal (002, Rec 1: heard, informed, able to appeal; Rec 2: children with families; Rec 4
and fn 12 (iii): families are not separated).

Each writes one audit entry (``family:*``) in the caller's transaction, naming the case the
user acted through, and bumps that case's version (checked first).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Stage
from caseapp.cases.records import require_filled
from caseapp.children.models import Relation
from caseapp.core import clock
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.decision.models import Appeal
from caseapp.decision.queries import current_notice
from caseapp.families.models import Family, FamilyParty, PartyAct, PartyActKind

if TYPE_CHECKING:
    from caseapp.auth.models import User

# The people who can be parties to a child's procedure: parents and caregivers.
PARTY_RELATIONS = (
    Relation.MOTHER,
    Relation.FATHER,
    Relation.LEGAL_GUARDIAN,
    Relation.GRANDPARENT,
    Relation.AUNT_UNCLE,
    Relation.OTHER_RELATIVE,
    Relation.SIGNIFICANT_PERSON,
)


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _open(case: Case) -> None:
    if not case.takes_records:
        raise InvalidTransition(_("The case must be registered and open."))


def family_of(case: Case) -> Family | None:
    """The family record ``case`` belongs to, if any."""
    return db.session.get(Family, case.family_id) if case.family_id is not None else None


def siblings_of(case: Case) -> list[Case]:
    """The other cases of the family, by number."""
    if case.family_id is None:
        return []
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.family_id == case.family_id, Case.id != case.id)
            .order_by(Case.number)
        )
    )


def create_family(
    actor: User, case: Case, *, notes: str | None = None, expected_version: int | None
) -> Family:
    """Open a family record with ``case`` as its first child."""
    versioning.check_editable(actor, case, expected_version)
    _open(case)
    if case.family_id is not None:
        raise ValidationFailed(_("This case is already part of a family."))
    family = Family(lead_agency_id=case.lead_agency_id, notes=_text(notes), created_by_id=actor.id)
    db.session.add(family)
    db.session.flush()
    case.family_id = family.id
    diff = diff_of(family)
    diff["cases"] = [None, [case.number]]
    versioning.touch_case(case)
    record(actor, AuditAction.FAMILY_CREATE, family, case=case, diff=diff)
    return family


def link_sibling(
    actor: User, case: Case, *, case_number: str | None, expected_version: int | None
) -> Case:
    """Link a sibling's case (by its number) into the family of ``case``. Each child keeps
    their own case, assessment, hearing and determination; the sibling's case must be led by
    the same agency and not belong to another family."""
    versioning.check_editable(actor, case, expected_version)
    _open(case)
    family = family_of(case)
    if family is None:
        raise ValidationFailed(_("Open the family record first."))
    number = (case_number or "").strip().upper()
    sibling = db.session.scalar(select(Case).where(Case.number == number)) if number else None
    # Another agency's case answers like a missing one (its existence is not revealed).
    if sibling is None or not sibling.can_edit(actor):
        raise ValidationFailed(_("No open case of your agency has this number."))
    if sibling.id == case.id:
        raise ValidationFailed(_("A case cannot be its own sibling."))
    if sibling.family_id == family.id:
        raise ValidationFailed(_("This case is already part of this family."))
    if sibling.family_id is not None:
        raise ValidationFailed(_("This case is already part of another family."))
    if sibling.stage is Stage.CLOSED:
        raise ValidationFailed(_("No open case of your agency has this number."))
    sibling.family_id = family.id
    versioning.touch_case(sibling)
    versioning.touch_case(case)
    record(
        actor,
        AuditAction.FAMILY_LINK,
        family,
        case=case,
        diff={"cases": [None, [sibling.number]]},
    )
    record(
        actor,
        AuditAction.FAMILY_LINK,
        family,
        case=sibling,
        diff={"cases": [None, [case.number]]},
    )
    return sibling


def add_party(
    actor: User,
    case: Case,
    *,
    name: str | None,
    relation: Relation | str,
    legal_custodian: bool = False,
    with_the_children: bool = False,
    expected_version: int | None,
) -> FamilyParty:
    """Add a parent or caregiver to the family of ``case`` as a party."""
    versioning.check_editable(actor, case, expected_version)
    _open(case)
    family = family_of(case)
    if family is None:
        raise ValidationFailed(_("Open the family record first."))
    relation = Relation(relation)
    if relation not in PARTY_RELATIONS:
        raise ValidationFailed(_("A party is a parent or a caregiver, not a sibling."))
    name = _text(name)
    if name is None:
        raise ValidationFailed(_("Give the person's name."))
    party = FamilyParty(
        family=family,
        name=name,
        relation=relation,
        legal_custodian=bool(legal_custodian),
        with_the_children=bool(with_the_children),
    )
    db.session.add(party)
    diff = diff_of(party)
    versioning.touch_case(case)
    record(actor, AuditAction.FAMILY_PARTY_ADD, party, case=case, diff=diff)
    return party


def _party_on(case: Case, party: FamilyParty) -> None:
    if case.family_id is None or party.family_id != case.family_id:
        raise ValidationFailed(_("This person is not a party to this child's case."))


def record_party_act(
    actor: User,
    party: FamilyParty,
    case: Case,
    *,
    kind: PartyActKind | str,
    on_date: date,
    language: str | None = None,
    notes: str | None = None,
    expected_version: int | None,
) -> PartyAct:
    """A party consents, does not consent, or is notified of the decision on one child's
    case. Consent and notification concern a decision in force (002, Rec 1)."""
    versioning.check_editable(actor, case, expected_version)
    _open(case)
    _party_on(case, party)
    kind = PartyActKind(kind)
    require_filled(on_date=on_date)
    if on_date > clock.today():
        raise ValidationFailed(_("The date cannot be in the future."))
    notice = current_notice(case)
    if notice is None:
        raise ValidationFailed(_("There is no decision in force on this child's case."))
    if on_date < notice.decided_on:
        raise ValidationFailed(_("This cannot be recorded before the decision."))
    language = _text(language)
    if kind is PartyActKind.NOTIFIED and language is None:
        raise ValidationFailed(_("Say in which language the person was notified."))
    act = PartyAct(
        party=party,
        case=case,
        kind=kind,
        on_date=on_date,
        language=language,
        notes=_text(notes),
        recorded_by_id=actor.id,
    )
    db.session.add(act)
    diff = diff_of(act)
    versioning.touch_case(case)
    record(actor, AuditAction.FAMILY_PARTY_ACT, act, case=case, diff=diff)
    return act


def lodge_party_appeal(
    actor: User,
    party: FamilyParty,
    case: Case,
    *,
    lodged_on: date,
    body: str | None,
    grounds: str | None = None,
    expected_version: int | None,
) -> Appeal:
    """A parent or caregiver appeals the decision on one child's case: an ordinary appeal of
    that case in the party's name, which suspends execution while pending (S16)."""
    from caseapp.decision.operations import lodge_appeal

    _party_on(case, party)
    return lodge_appeal(
        actor,
        case,
        lodged_on=lodged_on,
        lodged_by=f"{party.name} ({party.relation.label})",
        body=body or "",
        grounds=grounds,
        expected_version=expected_version,
    )
