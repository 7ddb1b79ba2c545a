"""The age rules of ``AgeReckoning`` (``caseapp.children.models``) as SQL conditions on
``child``, for lists and alerts that select children by them: the one place they are
written for the database, beside the Python rules they follow (002, Judge Winter: a child is
anyone under 18; issue 15: the benefit of the doubt, an age range advancing with time, a
disputed age).

A range's lowest age advances by the whole years since it was assessed, so "18 on ``day``"
depends on the lowest age: one term per lowest age below 18, each a comparison of the
assessment day with a date computed here, so the conditions run on SQLite and PostgreSQL
alike without date arithmetic in SQL. A test holds them equal to the Python rules for
children of every kind over many days, 29 February included.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, not_, or_

from caseapp.children.models import ADULT_AGE, AgeMethod, Child


def years_before(day: date, years: int) -> date:
    """``day`` minus ``years`` years; 29 February becomes 28 February. Someone born (or
    assessed) on or before it has ``years`` whole years on ``day`` (``whole_years``)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def known() -> ColumnElement[bool]:
    """An age is recorded: a date of birth, or a lowest age."""
    return or_(Child.date_of_birth.is_not(None), Child.age_min.is_not(None))


def under(day: date, years: int) -> ColumnElement[bool]:
    """Younger than ``years`` on ``day`` by the records (``AgeReckoning.age_on``): the date
    of birth, else the lowest age of the range advanced by the whole years since it was
    assessed. False (never NULL) when no age is recorded."""
    c = Child
    by_range = and_(
        c.date_of_birth.is_(None),
        c.age_min.is_not(None),
        c.age_min < years,
        or_(
            c.age_assessed_on.is_(None),  # a range never assessed stays where it is
            *(
                and_(c.age_min == k, c.age_assessed_on > years_before(day, years - k))
                for k in range(years)
            ),
        ),
    )
    return or_(
        and_(c.date_of_birth.is_not(None), c.date_of_birth > years_before(day, years)), by_range
    )


def adult_on(day: date) -> ColumnElement[bool]:
    """``not Child.is_minor_on(day)``: 18 or over by the records, never while the age is
    disputed. False, not NULL, for a child whose age is unknown."""
    return and_(Child.age_disputed.is_(False), known(), not_(under(day, ADULT_AGE)))


def presumed_minor_on(day: date) -> ColumnElement[bool]:
    """``Child.presumed_minor_on(day)``: treated as a child on the benefit of the doubt, not
    on documents. While the age is disputed, always; else without a documented date of
    birth, a child by the records (``under``) or with no age at all."""
    c = Child
    uncertain = or_(c.date_of_birth.is_(None), c.age_method != AgeMethod.DOCUMENT)
    minor = or_(not_(known()), under(day, ADULT_AGE))
    return or_(c.age_disputed.is_(True), and_(uncertain, minor))
