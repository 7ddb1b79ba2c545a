"""Case operations: open a case (identification). One function per transition; only flush."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select, update

from caseapp.agencies.models import Agency
from caseapp.audit.recorder import diff_of, record
from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseNumberCounter, Stage
from caseapp.children.models import Child, ChildName
from caseapp.children.names import search_key
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, ValidationFailed
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
    **child_fields,
) -> Case:
    """Open a case for a newly identified child, led by ``agency`` (002, Rec 3)."""
    if not actor.can(Permission.CASE_CREATE) or actor.agency_id != agency.id:
        raise PermissionDenied(_("You may only open cases for your own agency."))
    if not agency.may_lead_cases:
        raise ValidationFailed(_("Only a child-protection agency may lead a case (002, Rec 3)."))
    if not given_name or not given_name.strip():
        raise ValidationFailed(_("Enter the child's given name."))
    case = Case(
        number=next_case_number(agency.country, utcnow().year),
        lead_agency_id=agency.id,
        caseworker_id=actor.id,
        stage=Stage.IDENTIFIED,
    )
    child = Child(case=case, date_of_birth=date_of_birth, **child_fields)
    name = ChildName(
        given_name=given_name.strip(),
        family_name=(family_name or "").strip() or None,
        patronymic=(patronymic or "").strip() or None,
        is_primary=True,
        search_key=search_key(family_name, given_name, patronymic),
    )
    child.names.append(name)
    db.session.add(case)
    # One change, one entry: the case, its child and the child's name together.
    diff = {**diff_of(case), "child": diff_of(child), "name": diff_of(name)}
    record(actor, "case:case:open", case, diff=diff)
    return case


def find_cases_by_name(query_scope, text: str):
    """Narrow a case query to cases whose child has a name or alias matching ``text``."""
    from caseapp.children.names import query_tokens

    tokens = query_tokens(text)
    if not tokens:
        return query_scope
    subq = select(Child.case_id).join(ChildName)
    for token in tokens:
        subq = subq.where(ChildName.search_key.contains(token, autoescape=True))
    return query_scope.where(Case.id.in_(subq))
