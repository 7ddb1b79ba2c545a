"""The age rules in SQL (``caseapp.children.age_sql``) select exactly the children the Python
rules (``AgeReckoning``) name, for children of every kind, over many days: the case list's
"presumed minor" filter, the alerts' "18 by the records" and the indicators' age bands.

Children: documented and undocumented dates of birth around the 18th birthday (29 February
among them), ranges of every lowest age from 0 to 19, assessed on no day, long ago, lately
or in the future, unknown ages, disputed ages. Days: around their birthdays and assessment
anniversaries, 28 and 29 February and 1 March of leap and other years.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

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
