"""``Case.child_country`` is the database's copy of the child's country, kept by triggers on
``child`` whatever writes it; the case list's country filter reads it (issue 16)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from caseapp.cases.models import Case
from caseapp.cases.queries import CaseFilters, case_scope, filtered
from caseapp.children.models import Child
from caseapp.children.operations import update_child
from caseapp.core.clock import today
from caseapp.core.permissions import Role


def _copies(db) -> dict[int, str | None]:
    return dict(db.session.execute(select(Case.id, Case.child_country)).all())


def _recorded(db) -> dict[int, str | None]:
    """Each case's child's country as recorded (None for a case without a child)."""
    query = select(Case.id, Child.country_of_origin).outerjoin(Child, Child.case_id == Case.id)
    return dict(db.session.execute(query).all())


def _bare_case(db, like: Case, number: str) -> int:
    """A case row without a child, written past the ORM (as a bulk loader would)."""
    row = db.session.execute(select(Case.__table__).where(Case.id == like.id)).one()
    values = {k: v for k, v in row._mapping.items() if k not in ("id", "child_country")}
    return db.session.execute(
        insert(Case.__table__).values({**values, "number": number}).returning(Case.id)
    ).scalar_one()


def test_the_copy_follows_the_child_through_the_operations(app, db, factory):
    worker = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=worker, country_of_origin="TJ")
    stateless = factory.case(caseworker=worker, country_of_origin=None)
    assert _copies(db)[case.id] == "TJ" and _copies(db)[stateless.id] is None

    assert update_child(worker, case, expected_version=case.version, country_of_origin="UZ")
    db.session.commit()
    db.session.expire_all()
    assert case.child_country == "UZ"
    assert _copies(db) == _recorded(db)


def test_the_copy_follows_writes_past_the_orm(app, db, factory):
    worker = factory.user(Role.CASEWORKER)
    first = factory.case(caseworker=worker, country_of_origin="TJ")
    second = factory.case(caseworker=worker, country_of_origin="GE")
    childless = _bare_case(db, first, "X-1")
    assert _copies(db)[childless] is None

    # A plain update of the country, one that changes nothing, and a child moved to the
    # case without one.
    db.session.execute(
        update(Child).where(Child.case_id == second.id).values(country_of_origin="AM")
    )
    db.session.execute(
        update(Child).where(Child.case_id == first.id).values(country_of_origin="TJ")
    )
    assert _copies(db)[second.id] == "AM" and _copies(db)[first.id] == "TJ"
    db.session.execute(update(Child).where(Child.case_id == first.id).values(case_id=childless))
    copies = _copies(db)
    assert copies[first.id] is None and copies[childless] == "TJ"

    # A child deleted, and one inserted for a case without one.
    moved = db.session.execute(select(Child.__table__).where(Child.case_id == childless)).one()
    db.session.execute(delete(Child).where(Child.case_id == childless))
    assert _copies(db)[childless] is None
    values = {k: v for k, v in moved._mapping.items() if k != "id"}
    db.session.execute(insert(Child.__table__).values(**{**values, "case_id": first.id}))
    db.session.commit()
    assert _copies(db)[first.id] == "TJ"
    assert _copies(db) == _recorded(db)


def test_a_rolled_back_change_leaves_the_copy_as_it_was(app, db, factory):
    case = factory.case(country_of_origin="TJ")
    db.session.execute(update(Child).where(Child.case_id == case.id).values(country_of_origin="KG"))
    assert _copies(db)[case.id] == "KG"  # seen inside the transaction
    db.session.rollback()
    assert _copies(db)[case.id] == "TJ"


def test_code_cannot_set_the_copy(app, db, factory):
    case = factory.case(country_of_origin="TJ")
    with pytest.raises(AttributeError, match="kept by the database"):
        case.child_country = "UZ"


def test_recount_finds_and_repairs_copies_written_past_the_triggers(app, db, factory, runner):
    case = factory.case(country_of_origin="TJ")
    factory.case(country_of_origin=None)
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0

    db.session.execute(update(Case.__table__).where(Case.id == case.id).values(child_country="ZZ"))
    db.session.commit()
    checked = runner.invoke(args=["cases", "recount", "--check"])
    assert checked.exit_code == 1 and "1 agency counts or case countries differ" in checked.output

    repaired = runner.invoke(args=["cases", "recount"])
    assert repaired.exit_code == 0 and "1 agency counts or case countries were wrong" in (
        repaired.output
    )
    db.session.expire_all()
    assert _copies(db) == _recorded(db)
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.OMBUDSPERSON])
def test_the_country_filter_finds_what_the_childs_record_says(app, db, factory, role):
    home, other = factory.agency(), factory.agency()
    worker = factory.user(Role.CASEWORKER, agency=home)
    for agency, country in ((home, "TJ"), (home, "UZ"), (other, "TJ"), (home, None)):
        factory.case(
            caseworker=factory.user(Role.CASEWORKER, agency=agency), country_of_origin=country
        )
    moved = factory.case(caseworker=worker, country_of_origin="UZ")
    update_child(worker, moved, expected_version=moved.version, country_of_origin="TJ")
    db.session.commit()
    user = worker if role is Role.CASEWORKER else factory.user(Role.OMBUDSPERSON)

    scope, _count = case_scope(user)
    found = filtered(scope, CaseFilters(country_of_origin="TJ"), today=today())
    by_record = scope.join(Child, Child.case_id == Case.id).where(Child.country_of_origin == "TJ")
    ids = set(db.session.scalars(found.with_only_columns(Case.id)))
    assert ids == set(db.session.scalars(by_record.with_only_columns(Case.id)))
    assert moved.id in ids and len(ids) == (2 if role is Role.CASEWORKER else 3)
