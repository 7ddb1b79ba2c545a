"""The case list's plain rows (``caseapp.cases.list_rows``) answer what the template asks as
the ORM objects do: the same age rules (inherited, not copied), names, stage and caseworker."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.cases.list_rows import list_rows
from caseapp.cases.models import Case
from caseapp.children.models import AgeMethod
from caseapp.children.operations import add_name
from caseapp.core.permissions import Role

SPECS = [
    {"dob": date(2010, 1, 1), "age_method": AgeMethod.DOCUMENT},
    {"dob": date(2008, 6, 1), "age_method": AgeMethod.SELF_DECLARED},  # 18 on the day
    {"dob": None, "age_min": 16, "age_max": 19, "age_method": AgeMethod.MEDICAL},
    {"dob": None, "age_min": 17, "age_max": 17, "age_method": AgeMethod.MEDICAL},
    {"dob": None, "age_method": AgeMethod.UNKNOWN},
    {"dob": date(1990, 1, 1), "age_method": AgeMethod.DOCUMENT, "age_disputed": True},
]


def test_list_rows_answer_as_the_orm_objects(app, factory, db):
    day = date(2026, 6, 1)
    caseworker = factory.user(Role.CASEWORKER, name="Elena Rusu")
    for spec in SPECS:
        case = factory.case(caseworker=caseworker, given="Jasur", family="Karimov")
        add_name(
            caseworker,
            case,
            expected_version=case.version,
            given_name="Жасур",
            family_name="Каримов",
        )
        child = case.child
        child.date_of_birth = spec.pop("dob")
        for name, value in spec.items():
            setattr(child, name, value)
        child.age_assessed_on = date(2025, 6, 1) if child.age_min is not None else None
    db.session.commit()

    rows = list_rows(select(Case.id).scalar_subquery())
    cases = list(db.session.scalars(select(Case).order_by(Case.id.desc())))
    assert [r.id for r in rows] == [c.id for c in cases]
    for row, case in zip(rows, cases, strict=True):
        child = case.child
        assert (row.number, row.stage, row.caseworker_name) == (
            case.number,
            case.stage,
            "Elena Rusu",
        )
        assert row.child.age_on(day) == child.age_on(day)
        assert row.child.is_minor_on(day) == child.is_minor_on(day)
        assert row.child.presumed_minor_on(day) == child.presumed_minor_on(day)
        assert row.child.age_text_on(day) == child.age_text_on(day)
        assert row.child.standing_on(day) is child.standing_on(day)
        assert row.child.aliases == "Каримов Жасур"
        assert row.child.primary_name.full_name == child.primary_name.full_name == "Karimov Jasur"
        assert [(n.full_name, n.is_primary) for n in row.child.names] == [
            (n.full_name, n.is_primary) for n in child.names
        ]
        assert (row.child.care_status, row.child.country_of_origin) == (
            child.care_status,
            child.country_of_origin,
        )
    # The rules differ across the specs, so the comparison above is not vacuous.
    assert len({r.child.presumed_minor_on(day) for r in rows}) == 2
    assert len({r.child.age_on(day) for r in rows}) >= 4
