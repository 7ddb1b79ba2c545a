"""Case operations: open a case (identification), register it. Only flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, select, update

from caseapp.agencies.models import Agency
from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseNumberCounter, Stage
from caseapp.children.models import Child, ChildName, Sex
from caseapp.children.names import query_tokens, search_key
from caseapp.core import clock
from caseapp.core.db import utcnow
from caseapp.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission


def next_case_number(country: str, year: int) -> str:
    """Hand out the next readable case number, e.g. ``MD-2026-000123``.

    The counter row is updated in place, which takes a row lock on PostgreSQL (and SQLite
    already holds the write lock), so two cases never get the same number.
    """
    row = db.session.execute(
        update(CaseNumberCounter)
        .where(CaseNumberCounter.country == country, CaseNumberCounter.year == year)
        .values(last=CaseNumberCounter.last + 1)
        .returning(CaseNumberCounter.last)
    ).first()
    if row is None:
        db.session.add(CaseNumberCounter(country=country, year=year, last=1))
        db.session.flush()
        number = 1
    else:
        number = row[0]
    return f"{country}-{year}-{number:06d}"


def open_case(
    actor: User,
    *,
    agency: Agency,
    given_name: str,
    family_name: str | None = None,
    patronymic: str | None = None,
    date_of_birth: date | None = None,
    age_disputed: bool = False,
    age_dispute_reason: str | None = None,
    **child_fields: Any,
) -> Case:
    """Open a case for a newly identified child, led by ``agency`` (002, Rec 3).

    The child's record is checked by the same rules as later edits
    (``caseapp.children.validation``); one audit entry covers the case, child and name.
    Someone who is 18 or over by the records is not opened as a child case, except on the
    "age disputed" path (the person says they are a child): an age assessment opens at once
    and the child is presumed a minor until it concludes (issue 15; 002, Rec 1).
    """
    from caseapp.children.operations import CHILD_FIELDS
    from caseapp.children.validation import Errors, check_names, clean_text, validate_child
    from caseapp.core.clock import today

    if not actor.can(Permission.CASE_CREATE) or actor.agency_id != agency.id:
        raise PermissionDenied(_("You may only open cases for your own agency."))
    if not agency.may_lead_cases:
        raise ValidationFailed(_("Only a child-protection agency may lead a case (002, Rec 3)."))
    unknown = set(child_fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"not a field of the child's record: {sorted(unknown)}")
    given, family, patr = (clean_text(v) for v in (given_name, family_name, patronymic))
    errors = Errors()
    check_names(errors, given, ("family_name", family), ("patronymic", patr))
    try:
        fields = validate_child({**child_fields, "date_of_birth": date_of_birth}, today=today())
    except ValidationFailed as err:
        for field, messages in dict(err.details or {}).items():  # type: ignore[call-overload]
            for message in messages:
                errors.add(field, message)
        fields = {}
    reason = clean_text(age_dispute_reason, limit=2000)
    if age_disputed and not reason:
        errors.add("age_dispute_reason", _("Say why the age is disputed."))
    if fields and not age_disputed:
        probe = Child(**fields)
        if probe.date_of_birth is None and probe.age_min is not None:
            probe.age_assessed_on = probe.identified_on or today()
        if not probe.is_minor_on(today()):
            errors.add(
                "date_of_birth" if probe.date_of_birth is not None else "age_min",
                _(
                    "By the records this person is %(age)s: not a child. If they say they are "
                    "under 18, open the case as \u201cage disputed\u201d: they are presumed a "
                    "minor until an age assessment decides (002, Rec 1).",
                    age=probe.age_on(today()),
                ),
            )
    errors.raise_if_any()
    case = Case(
        number=next_case_number(agency.country, utcnow().year),
        lead_agency_id=agency.id,
        caseworker_id=actor.id,
        stage=Stage.IDENTIFIED,
    )
    child = Child(case=case, **fields)
    if child.date_of_birth is None and child.age_min is not None:
        # The range is true on the day it was assessed: at identification (issue 9, p. 5).
        child.age_assessed_on = child.identified_on or clock.today()
    name = ChildName(
        given_name=given,
        family_name=family,
        patronymic=patr,
        is_primary=True,
        search_key=search_key(family, given, patr),
    )
    child.names.append(name)
    db.session.add(case)
    if child.trafficking_indicators:
        child.trafficking_indicators_on = today()
    if child.hate_crime_victim:
        child.hate_crime_victim_on = today()
    assessment = None
    if age_disputed:
        from caseapp.age.operations import open_disputed

        assessment = open_disputed(actor, case, reason=reason, today=today())
    # One change, one entry: the case, its child and the child's name together.
    diff = {**diff_of(case), "child": diff_of(child), "name": diff_of(name)}
    if assessment is not None:
        diff["age_assessment"] = diff_of(assessment)
    record(actor, AuditAction.CASE_OPEN, case, diff=diff)
    return case


def registration_gaps(case: Case) -> list[str]:
    """What the child's core identity record still lacks before registration (DESIGN.md 3).

    Registration needs at least a given name, the child's sex or some age information, the
    country of origin, and a lead child-protection agency (002, Rec 3; Moldova practice:
    "following detection, the child's identity ... [is] verified").
    """
    gaps: list[str] = []
    child = case.child
    primary = child.primary_name if child is not None else None
    if primary is None or not primary.given_name:
        gaps.append(_("the child's given name"))
    if child is None or (
        child.sex is Sex.UNKNOWN and child.date_of_birth is None and child.age_min is None
    ):
        gaps.append(_("the child's sex, date of birth or age range"))
    if child is None or not child.country_of_origin:
        gaps.append(_("the country of origin"))
    if not case.lead_agency.may_lead_cases:
        gaps.append(_("a lead child-protection agency"))
    return gaps


def register_case(actor: User, case: Case, *, expected_version: int) -> Case:
    """Move a case from identified to registered once the core identity record is complete."""
    from caseapp.cases.versioning import check_editable, touch_case

    check_editable(actor, case, expected_version)
    if not case.awaits_registration:
        raise InvalidTransition(_("Only an identified case can be registered."))
    gaps = registration_gaps(case)
    if gaps:
        raise ValidationFailed(
            _("The case cannot be registered yet. Missing: %(gaps)s.", gaps="; ".join(gaps)),
            details={"gaps": gaps},
        )
    old = case.stage
    case.stage = Stage.REGISTERED
    touch_case(case)
    record(
        actor, AuditAction.CASE_STAGE_CHANGE, case, diff={"stage": [old.value, case.stage.value]}
    )
    return case


def find_cases_by_name(query_scope: Select[Any], text: str) -> Select[Any]:
    """Narrow a case query to cases whose child has a name or alias matching ``text``.

    Every folded token of the query must begin a word of one and the same name (primary or
    alias), whichever script either was written in ("Ivanov" finds "Иванов" and "Ivanova").
    """
    condition = name_match_condition(text)
    return query_scope if condition is None else query_scope.where(condition)


def name_match_condition(text: str) -> ColumnElement[bool] | None:
    """The condition "the child has a name or alias matching ``text``", or None when the
    text has no letters to search by: every folded word must begin a word of one and the
    same name, found by index ranges on ``child_name_token`` (``cases_named``)."""
    from caseapp.cases.queries import cases_named

    tokens = query_tokens(text)
    if not tokens:
        return None
    return Case.id.in_(cases_named(tokens))


def likely_matches(
    user: User,
    *,
    given_name: str,
    family_name: str | None,
    date_of_birth: date | None,
    limit: int = 10,
) -> list[Case]:
    """Existing cases in ``user``'s scope that may be the same child (search before create).

    A case matches when one of the child's names holds the family name and either the given
    name or the same date of birth — in any script or romanisation.
    """
    from sqlalchemy.orm import joinedload

    from caseapp.cases.queries import visible_cases

    family_tokens = query_tokens(family_name or "")
    given_tokens = query_tokens(given_name or "")
    if not family_tokens and not given_tokens:
        return []
    by_name = select(Child.case_id).join(ChildName)
    for token in family_tokens:
        by_name = by_name.where(ChildName.search_key.contains(token, autoescape=True))
    given_match = select(Child.case_id).join(ChildName)
    for token in given_tokens:
        given_match = given_match.where(ChildName.search_key.contains(token, autoescape=True))
    condition: ColumnElement[bool] = Case.id.in_(given_match)
    if date_of_birth is not None:
        condition = condition | Case.id.in_(
            select(Child.case_id).where(Child.date_of_birth == date_of_birth)
        )
    query = (
        visible_cases(user)
        .where(Case.id.in_(by_name), condition)
        .options(joinedload(Case.child).selectinload(Child.names), joinedload(Case.caseworker))
        .order_by(Case.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query).unique())


def reassign_case(
    actor: User,
    case: Case,
    *,
    caseworker: User | None,
    reason: str | None,
    expected_version: int | None,
) -> Case:
    """Give ``case`` to another caseworker or supervisor of the lead agency (a supervisor's
    act, ``case.can_reassign``; issue 12 item 7). Audited with the reason; the new caseworker
    is told in their notifications."""
    from caseapp.cases.versioning import check_version, touch_case
    from caseapp.dashboard.models import NotificationKind
    from caseapp.dashboard.operations import notify

    if not case.can_reassign(actor):
        raise PermissionDenied(_("Only a supervisor of the lead agency may reassign a case."))
    check_version(case, expected_version)
    if case.stage is Stage.CLOSED:
        raise InvalidTransition(_("A closed case is not reassigned; reopen it first."))
    if (
        caseworker is None
        or not caseworker.active
        or caseworker.agency_id != case.lead_agency_id
        or not caseworker.can(Permission.CASE_EDIT)
    ):
        message = _("Choose an active caseworker or supervisor of the lead agency.")
        raise ValidationFailed(message, details={"caseworker": [message]})
    if caseworker.id == case.caseworker_id:
        message = _("The case is already assigned to this person.")
        raise ValidationFailed(message, details={"caseworker": [message]})
    reason = (reason or "").strip() or None
    case.caseworker_id = caseworker.id
    diff = diff_of(case)
    touch_case(case)
    record(actor, AuditAction.CASE_REASSIGN, case, diff=diff, reason=reason)
    notify(actor, caseworker.id, NotificationKind.CASE_ASSIGNED, case)
    return case
