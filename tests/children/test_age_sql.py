"""The age rules in SQL (``caseapp.children.age_sql``) select exactly the children the Python
rules (``AgeReckoning``) name, for children of every kind, over many days: "presumed a
minor", the alerts' "18 by the records" and the indicators' age bands; and the day each
child stops being presumed a minor, which triggers copy to the case for the case list's
filter (``Case.child_presumed_minor_until``, migration c6d2a8f4e1b9), is that rule's day.

Children: documented and undocumented dates of birth around the 18th birthday (29 February
among them), ranges of every lowest age from 0 to 19, assessed on no day, long ago, lately
or in the future, unknown ages, disputed ages. Days: around their birthdays and assessment
anniversaries, 28 and 29 February and 1 March of leap and other years.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from caseapp.cases.models import Case
from caseapp.cases.queries import CaseFilters, case_scope, filtered
from caseapp.children.age_sql import adult_on, presumed_minor_on, under, years_before
from caseapp.children.models import AgeMethod, Child
from caseapp.core.permissions import Role

ASSESSED = (None, date(2008, 2, 29), date(2016, 3, 1), date(2020, 6, 15), date(2025, 12, 31))
DAYS = (
    date(2026, 2, 28),
    date(2026, 3, 1),
    date(2026, 6, 14),
    date(2026, 6, 15),
    date(2026, 6, 16),
    date(2027, 1, 1),
    date(2028, 2, 28),
    date(2028, 2, 29),
    date(2028, 3, 1),
    date(2031, 12, 31),
    date(2038, 6, 15),
)


def _children() -> list[dict]:
    specs: list[dict] = []
    for born in (date(2008, 2, 29), date(2008, 6, 15), date(2010, 3, 1), date(1990, 1, 1)):
        for method in (AgeMethod.DOCUMENT, AgeMethod.SELF_DECLARED):
            for disputed in (False, True):
                specs.append(
                    {"date_of_birth": born, "age_method": method, "age_disputed": disputed}
                )
    for low in (0, 5, 10, 15, 16, 17, 18, 19):
        for assessed in ASSESSED:
            for method in (AgeMethod.MEDICAL, AgeMethod.PSYCHOSOCIAL):
                specs.append(
                    {
                        "age_min": low,
                        "age_max": low + 2,
                        "age_assessed_on": assessed,
                        "age_method": method,
                        "age_disputed": False,
                    }
                )
    specs.append({"age_method": AgeMethod.UNKNOWN, "age_disputed": False})
    specs.append({"age_method": AgeMethod.UNKNOWN, "age_disputed": True})
    specs.append({"age_min": 19, "age_assessed_on": date(2020, 1, 1), "age_disputed": True})
    return specs


@pytest.fixture
def children(factory, db):
    caseworker = factory.user(Role.CASEWORKER)
    for spec in _children():
        # Opened as a child, then the records as the spec says (an adult by the records
        # cannot be opened as a child case, issue 15).
        child = factory.case(caseworker=caseworker).child
        child.date_of_birth = None
        child.age_min = child.age_max = child.age_assessed_on = None
        for name, value in spec.items():
            setattr(child, name, value)
    db.session.commit()
    return list(db.session.scalars(select(Child)))


def test_presumed_minor_in_sql_is_the_python_rule_on_every_day(children, db):
    for day in DAYS:
        in_sql = set(db.session.scalars(select(Child.id).where(presumed_minor_on(day))))
        in_python = {c.id for c in children if c.presumed_minor_on(day)}
        assert in_sql == in_python, day
    # Both ways: some presumed minors and some not on each day.
    assert 0 < len(in_python) < len(children)


def test_adult_in_sql_is_the_python_rule_on_every_day(children, db):
    for day in DAYS:
        in_sql = set(db.session.scalars(select(Child.id).where(adult_on(day))))
        in_python = {c.id for c in children if not c.is_minor_on(day)}
        assert in_sql == in_python, day
        # Never NULL: the negation names the minors exactly.
        minors = set(db.session.scalars(select(Child.id).where(~adult_on(day))))
        assert minors == {c.id for c in children} - in_python, day
    assert 0 < len(in_python) < len(children)


@pytest.mark.parametrize("years", [6, 12, 15, 18])
def test_under_an_age_in_sql_is_age_on_in_python(children, db, years):
    # The indicators' age bands: 0-5, 6-11, 12-14, 15-17, 18+.
    for day in DAYS:
        in_sql = set(db.session.scalars(select(Child.id).where(under(day, years))))
        in_python = {c.id for c in children if c.age_on(day) is not None and c.age_on(day) < years}
        assert in_sql == in_python, day
        older = set(db.session.scalars(select(Child.id).where(~under(day, years))))
        assert older == {c.id for c in children} - in_python, day  # never NULL


def test_a_range_of_17_assessed_two_years_ago_is_no_longer_presumed_a_minor(children, db):
    day = date(2026, 6, 15)
    seventeen = [
        c
        for c in children
        if c.age_min == 17 and c.age_assessed_on == date(2020, 6, 15) and not c.age_disputed
    ]
    assert seventeen and all(not c.presumed_minor_on(day) for c in seventeen)
    ids = set(db.session.scalars(select(Child.id).where(presumed_minor_on(day))))
    assert not ids & {c.id for c in seventeen}


@pytest.mark.parametrize(
    ("day", "years", "before"),
    [
        (date(2026, 6, 15), 18, date(2008, 6, 15)),
        (date(2028, 2, 29), 18, date(2010, 2, 28)),
        (date(2028, 2, 29), 20, date(2008, 2, 29)),
    ],
)
def test_years_before(day, years, before):
    assert years_before(day, years) == before
    assert years_before(day, years) + timedelta(days=1) > before


def test_presumed_minor_until_is_the_last_day_of_the_rule(children):
    for child in children:
        until = child.presumed_minor_until
        for day in DAYS:
            assert child.presumed_minor_on(day) == (until is not None and day < until), (
                child.id,
                day,
            )


def _kept(db) -> dict[int, date | None]:
    """Each child's id, and the day its case keeps (read past the ORM's identity map)."""
    query = select(Child.id, Case.__table__.c.child_presumed_minor_until).join(
        Case, Case.id == Child.case_id
    )
    return dict(db.session.execute(query).all())


def test_the_case_keeps_the_day_its_child_stops_being_presumed_a_minor(children, db):
    kept = _kept(db)
    assert kept == {c.id: c.presumed_minor_until for c in children}
    assert {date.max, None} < set(kept.values())  # every kind: for ever, never, a day


def test_the_kept_day_follows_age_records_written_past_the_orm(children, db):
    ranged = next(c for c in children if c.age_min == 16 and c.age_assessed_on is None)
    documented = next(
        c for c in children if c.age_method is AgeMethod.DOCUMENT and not c.age_disputed
    )
    db.session.execute(
        update(Child).where(Child.id == ranged.id).values(age_assessed_on=date(2024, 2, 29))
    )
    db.session.execute(update(Child).where(Child.id == documented.id).values(age_disputed=True))
    kept = _kept(db)
    assert kept[ranged.id] == date(2026, 3, 1)  # 16 on 29 February 2024, 18 on 1 March 2026
    assert kept[documented.id] == date.max  # disputed: presumed a minor whatever the day
    db.session.rollback()


def test_the_list_filter_reads_the_kept_day(children, db, factory):
    ombudsperson = factory.user(Role.OMBUDSPERSON)
    for day in DAYS:
        scope, _count = case_scope(ombudsperson)
        query = filtered(scope, CaseFilters(presumed_minor=True), today=day)
        listed = set(db.session.scalars(query.with_only_columns(Case.id)))
        assert listed == {c.case_id for c in children if c.presumed_minor_on(day)}, day


def test_recount_finds_and_repairs_a_wrong_day(children, db, runner):
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0
    child = next(c for c in children if c.age_min == 10 and c.age_assessed_on is not None)
    db.session.execute(
        update(Case.__table__)
        .where(Case.id == child.case_id)
        .values(child_presumed_minor_until=date(2000, 1, 1))
    )
    db.session.commit()
    checked = runner.invoke(args=["cases", "recount", "--check"])
    assert checked.exit_code == 1 and "1 agency counts or case copies differ" in checked.output
    assert runner.invoke(args=["cases", "recount"]).exit_code == 0
    assert _kept(db)[child.id] == child.presumed_minor_until
    assert runner.invoke(args=["cases", "recount", "--check"]).exit_code == 0
