"""The rows of the case list page as plain values, not ORM objects (issue 16).

A page of the list shows 25 cases with their child, the child's names and the caseworker.
Building them as ORM objects (case, child, each name: about a hundred per page, with their
identity-map states and loader strategies) cost more CPU than the statements that read them:
at 8 connections the list served a twentieth of what a bare route serves. Here the same
columns are read by two statements (the cases with their child and caseworker, then the
children's names) into frozen dataclasses that answer what the template asks. The age rules
are not copied: ``ChildRow`` inherits them from ``caseapp.children.models.AgeReckoning``
(through ``AgeRecords``), as ``Child`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select

from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.children.models import (
    AGE_COLUMNS,
    AgeRecords,
    CareStatus,
    Child,
    ChildName,
    full_name,
)
from caseapp.core.extensions import db


@dataclass(frozen=True)
class NameRow:
    """One of the child's names as the list shows it."""

    full_name: str
    is_primary: bool


@dataclass(frozen=True)
class ChildRow(AgeRecords):
    """What a list row shows of the child."""

    country_of_origin: str | None
    care_status: CareStatus
    trafficking_indicators: bool
    charged_irregular_entry: bool
    names: list[NameRow] = field(default_factory=list)

    @property
    def primary_name(self) -> NameRow | None:
        """The name the child is known by (as ``Child.primary_name``)."""
        return next((n for n in self.names if n.is_primary), None)

    @property
    def aliases(self) -> str:
        """The child's other names, as the row lists them after "also:" ("" when none)."""
        return ", ".join(n.full_name for n in self.names if not n.is_primary)


@dataclass(frozen=True)
class ListRow:
    """One case of the list."""

    id: int
    number: str
    stage: Stage
    caseworker_name: str | None
    child: ChildRow | None


_CHILD_COLUMNS = (
    Child.id,
    *AGE_COLUMNS,
    Child.country_of_origin,
    Child.care_status,
    Child.trafficking_indicators,
    Child.charged_irregular_entry,
)


def _child(r: Any, names: list[NameRow]) -> ChildRow:
    return ChildRow(
        date_of_birth=r[5],
        age_min=r[6],
        age_max=r[7],
        age_assessed_on=r[8],
        age_method=r[9],
        age_disputed=bool(r[10]),
        country_of_origin=r[11],
        care_status=r[12],
        trafficking_indicators=bool(r[13]),
        charged_irregular_entry=bool(r[14]),
        names=names,
    )


@cache
def _statements() -> tuple[Select, Select]:
    """The rows' columns from the case, its child and caseworker (without the cases' ids);
    the children's names of the ids ``:child_ids``. Built once per process: building them
    cost about as much as running them (issue 16, the case list's fixed cost)."""
    cases = (
        select(Case.id, Case.number, Case.stage, User.name, *_CHILD_COLUMNS)
        .select_from(Case)
        .outerjoin(Child, Child.case_id == Case.id)
        .outerjoin(User, User.id == Case.caseworker_id)
    )
    n = ChildName
    names = (
        select(n.child_id, n.family_name, n.given_name, n.patronymic, n.is_primary)
        .where(n.child_id.in_(bindparam("child_ids", expanding=True)))
        .order_by(n.child_id, n.is_primary.desc(), n.id)
    )
    return cases, names


def list_rows(ids: Any) -> list[ListRow]:
    """The rows of the cases whose ids ``ids`` (a scalar subquery, or a list of ids) selects,
    newest first: two statements whatever the page."""
    cases, names_of = _statements()
    found = db.session.execute(cases.where(Case.id.in_(ids)).order_by(Case.id.desc())).all()
    child_ids = [r[4] for r in found if r[4] is not None]
    names: dict[int, list[NameRow]] = {}
    if child_ids:
        for child_id, family, given, patronymic, primary in db.session.execute(
            names_of, {"child_ids": child_ids}
        ):
            names.setdefault(child_id, []).append(
                NameRow(full_name(family, given, patronymic), bool(primary))
            )
    return [
        ListRow(
            id=r[0],
            number=r[1],
            stage=r[2],
            caseworker_name=r[3],
            child=None if r[4] is None else _child(r, names.get(r[4], [])),
        )
        for r in found
    ]
