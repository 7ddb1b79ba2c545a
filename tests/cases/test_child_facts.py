"""The copies of the child's facts on the case (``Case.child_country``, ``child_trafficking``,
``child_charged``, and whether the child is unaccompanied, ``child_unaccompanied``) are kept
by triggers on ``child`` whatever writes it; the case list's filters read them (issue 16)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from caseapp.cases.models import CHILD_COPIES, Case
from caseapp.cases.queries import CaseFilters, case_scope, filtered
from caseapp.children.models import CareStatus, Child
from caseapp.children.operations import update_child
from caseapp.core.clock import today
from caseapp.core.permissions import Role

COPIES = list(CHILD_COPIES)  # child_country, child_trafficking, child_charged
CHILDLESS = (None, False, False)


def _copies(db) -> dict[int, tuple]:
    columns = [Case.__table__.c[c] for c in COPIES]
    return {row[0]: tuple(row[1:]) for row in db.session.execute(select(Case.id, *columns))}


def _recorded(db) -> dict[int, tuple]:
    """Each case's child's facts as recorded (``CHILDLESS`` for a case without a child)."""
    columns = [getattr(Child, c) for c in CHILD_COPIES.values()]
    query = select(Case.id, Child.id, *columns).outerjoin(Child, Child.case_id == Case.id)
    return {
        r[0]: tuple(r[2:]) if r[1] is not None else CHILDLESS for r in db.session.execute(query)
    }


def _flags(db) -> dict[int, bool]:
    """Each case's ``child_unaccompanied`` as kept."""
    c = Case.__table__.c
    return {row[0]: bool(row[1]) for row in db.session.execute(select(c.id, c.child_unaccompanied))}


def _unaccompanied(db) -> dict[int, bool]:
    """Whether each case's child is unaccompanied by its record (False without a child)."""
    query = select(Case.id, Child.care_status).outerjoin(Child, Child.case_id == Case.id)
    return {r[0]: r[1] is CareStatus.UNACCOMPANIED for r in db.session.execute(query)}


def _bare_case(db, like: Case, number: str) -> int:
    """A case row without a child, written past the ORM (as a bulk loader would)."""
    row = db.session.execute(select(Case.__table__).where(Case.id == like.id)).one()
    kept = {*COPIES, "child_unaccompanied"}
    values = {k: v for k, v in row._mapping.items() if k != "id" and k not in kept}
    return db.session.execute(
        insert(Case.__table__).values({**values, "number": number}).returning(Case.id)
    ).scalar_one()


def _set_child(db, of_case: int, **values) -> None:
    db.session.execute(update(Child).where(Child.case_id == of_case).values(**values))


def test_the_copies_follow_the_child_through_the_operations(app, db, factory):
    worker = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=worker, country_of_origin="TJ", trafficking_indicators=True)
    stateless = factory.case(caseworker=worker, country_of_origin=None)
    assert _copies(db)[case.id] == ("TJ", True, False)
    assert _copies(db)[stateless.id] == (None, False, False)

    changed = update_child(
        worker,
        case,
        expected_version=case.version,
        country_of_origin="UZ",
        trafficking_indicators=False,
        charged_irregular_entry=True,
    )
    assert changed
    db.session.commit()
    db.session.expire_all()
    assert (case.child_country, case.child_trafficking, case.child_charged) == ("UZ", False, True)
    assert _copies(db) == _recorded(db)


def test_the_copies_follow_writes_past_the_orm(app, db, factory):
    worker = factory.user(Role.CASEWORKER)
    first = factory.case(caseworker=worker, country_of_origin="TJ")
    second = factory.case(caseworker=worker, country_of_origin="GE")
    childless = _bare_case(db, first, "X-1")
    assert _copies(db)[childless] == CHILDLESS

    # Plain updates of each fact, one that changes nothing, and a child moved to the case
    # without one.
    _set_child(db, second.id, country_of_origin="AM")
    _set_child(db, second.id, trafficking_indicators=True)
    _set_child(db, first.id, charged_irregular_entry=True)
    _set_child(db, first.id, country_of_origin="TJ")
    assert _copies(db)[second.id] == ("AM", True, False)
    assert _copies(db)[first.id] == ("TJ", False, True)
    _set_child(db, first.id, case_id=childless)
    copies = _copies(db)
    assert copies[first.id] == CHILDLESS and copies[childless] == ("TJ", False, True)

    # A child deleted, and one inserted for a case without one.
    moved = db.session.execute(select(Child.__table__).where(Child.case_id == childless)).one()
    db.session.execute(delete(Child).where(Child.case_id == childless))
    assert _copies(db)[childless] == CHILDLESS
    values = {k: v for k, v in moved._mapping.items() if k != "id"}
    db.session.execute(insert(Child.__table__).values({**values, "case_id": first.id}))
    db.session.commit()
    assert _copies(db)[first.id] == ("TJ", False, True)
    assert _copies(db) == _recorded(db)


def test_a_rolled_back_change_leaves_the_copies_as_they_were(app, db, factory):
    case = factory.case(country_of_origin="TJ")
    _set_child(db, case.id, country_of_origin="KG", charged_irregular_entry=True)
    assert _copies(db)[case.id] == ("KG", False, True)  # seen inside the transaction
    db.session.rollback()
    assert _copies(db)[case.id] == ("TJ", False, False)


@pytest.mark.parametrize("copy", [*COPIES, "child_unaccompanied"])
def test_code_cannot_set_a_copy(app, db, factory, copy):
    case = factory.case(country_of_origin="TJ")
    with pytest.raises(AttributeError, match="kept by the database"):
        setattr(case, copy, "UZ" if copy == "child_country" else True)


@pytest.mark.parametrize(
    ("copy", "wrong"),
    [("child_country", "ZZ"), ("child_charged", True), ("child_unaccompanied", False)],
)
def test_recount_finds_and_repairs_copies_written_past_the_triggers(
    app, db, factory, runner, copy, wrong
):
    case = factory.case(country_of_origin="TJ")
    factory.case(country_of_origin=None)
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0

    db.session.execute(update(Case.__table__).where(Case.id == case.id).values({copy: wrong}))
    db.session.commit()
    checked = runner.invoke(args=["cases", "recount", "--check"])
    assert checked.exit_code == 1 and "1 agency counts or case copies differ" in checked.output

    repaired = runner.invoke(args=["cases", "recount"])
    assert repaired.exit_code == 0 and "1 agency counts or case copies were wrong" in (
        repaired.output
    )
    db.session.expire_all()
    assert _copies(db) == _recorded(db)
    assert _flags(db) == _unaccompanied(db)
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.OMBUDSPERSON])
@pytest.mark.parametrize(
    ("filters", "record"),
    [
        (CaseFilters(country_of_origin="TJ"), Child.country_of_origin == "TJ"),
        (CaseFilters(trafficking=True), Child.trafficking_indicators.is_(True)),
        (CaseFilters(charged=True), Child.charged_irregular_entry.is_(True)),
        (
            CaseFilters(country_of_origin="TJ", charged=True),
            (Child.country_of_origin == "TJ") & Child.charged_irregular_entry.is_(True),
        ),
        (CaseFilters(unaccompanied=True), Child.care_status == CareStatus.UNACCOMPANIED),
        (
            CaseFilters(country_of_origin="TJ", unaccompanied=True),
            (Child.country_of_origin == "TJ") & (Child.care_status == CareStatus.UNACCOMPANIED),
        ),
    ],
    ids=[
        "country",
        "trafficking",
        "charged",
        "country-and-charged",
        "unaccompanied",
        "country-and-unaccompanied",
    ],
)
def test_the_filters_find_what_the_childs_record_says(app, db, factory, role, filters, record):
    home, other = factory.agency(), factory.agency()
    worker = factory.user(Role.CASEWORKER, agency=home)
    for agency, country, trafficking, charged, care in (
        (home, "TJ", True, True, CareStatus.UNACCOMPANIED),
        (home, "UZ", True, False, CareStatus.SEPARATED),
        (other, "TJ", False, True, CareStatus.UNACCOMPANIED),
        (home, None, False, True, CareStatus.ACCOMPANIED),
        (home, "TJ", False, False, CareStatus.SEPARATED),
    ):
        factory.case(
            caseworker=factory.user(Role.CASEWORKER, agency=agency),
            country_of_origin=country,
            trafficking_indicators=trafficking,
            charged_irregular_entry=charged,
            care_status=care,
        )
    # A case whose child changed after it was opened.
    moved = factory.case(
        caseworker=worker, country_of_origin="UZ", care_status=CareStatus.SEPARATED
    )
    update_child(
        worker,
        moved,
        expected_version=moved.version,
        country_of_origin="TJ",
        trafficking_indicators=True,
        charged_irregular_entry=True,
        care_status=CareStatus.UNACCOMPANIED,
    )
    db.session.commit()
    user = worker if role is Role.CASEWORKER else factory.user(Role.OMBUDSPERSON)

    scope, _count = case_scope(user)
    found = filtered(scope, filters, today=today())
    by_record = scope.join(Child, Child.case_id == Case.id).where(record)
    ids = set(db.session.scalars(found.with_only_columns(Case.id)))
    assert ids == set(db.session.scalars(by_record.with_only_columns(Case.id)))
    assert moved.id in ids and len(ids) >= 2


def test_the_unaccompanied_flag_follows_the_child_whatever_writes_it(app, db, factory):
    worker = factory.user(Role.CASEWORKER)
    alone = factory.case(caseworker=worker, care_status=CareStatus.UNACCOMPANIED)
    with_family = factory.case(caseworker=worker, care_status=CareStatus.ACCOMPANIED)
    childless = _bare_case(db, alone, "X-2")
    flags = _flags(db)
    assert (flags[alone.id], flags[with_family.id], flags[childless]) == (True, False, False)

    # Through the operation.
    assert update_child(
        worker, with_family, expected_version=with_family.version, care_status="unaccompanied"
    )
    db.session.commit()
    db.session.expire_all()
    assert with_family.child_unaccompanied is True

    # Past the ORM: a change of care, one that changes nothing, a child moved to the case
    # without one, a child deleted, one inserted.
    _set_child(db, alone.id, care_status="separated")
    assert _flags(db)[alone.id] is False
    _set_child(db, alone.id, care_status="separated")
    _set_child(db, with_family.id, case_id=childless)
    flags = _flags(db)
    assert (flags[with_family.id], flags[childless]) == (False, True)
    moved = db.session.execute(select(Child.__table__).where(Child.case_id == childless)).one()
    db.session.execute(delete(Child).where(Child.case_id == childless))
    assert _flags(db)[childless] is False
    values = {k: v for k, v in moved._mapping.items() if k != "id"}
    db.session.execute(insert(Child.__table__).values({**values, "case_id": with_family.id}))
    assert _flags(db)[with_family.id] is True
    assert _flags(db) == _unaccompanied(db)

    # A rolled-back change leaves the flag as it was.
    db.session.commit()
    _set_child(db, with_family.id, care_status="accompanied")
    assert _flags(db)[with_family.id] is False
    db.session.rollback()
    assert _flags(db)[with_family.id] is True
