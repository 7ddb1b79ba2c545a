"""What the database keeps beside the cases, checked and rebuilt: the number of cases each
agency leads (``AgencyCaseCount``) and the copy of the child's country on each case
(``Case.child_country``).

Triggers keep both in the writing transaction (on ``case``, migration ``d8f2b6a4c3e7``; on
``child``, migration ``b4e9c2d7f1a3``), so they need no code here while they run. This is
for a repair by hand that went past them (the triggers dropped, or rows copied in with them
disabled): ``flask cases recount --check`` tells whether they agree with the cases and
children, ``flask cases recount`` rebuilds them (issue 16).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select, update

from caseapp.cases.models import AgencyCaseCount, Case
from caseapp.children.models import Child

# The child's country of each case, from the record (NULL for a case without a child).
_RECORDED_COUNTRY = (
    select(Child.country_of_origin).where(Child.case_id == Case.id).scalar_subquery()
)


def fresh(connection: Connection) -> dict[int, int]:
    """The number of cases of each agency, counted from the cases (every case read)."""
    query = select(Case.lead_agency_id, func.count()).group_by(Case.lead_agency_id)
    return {agency: n for agency, n in connection.execute(query)}


def stored(connection: Connection) -> dict[int, int]:
    """The counts as kept (agencies with no case left out)."""
    query = select(AgencyCaseCount.agency_id, AgencyCaseCount.cases)
    return {agency: n for agency, n in connection.execute(query) if n}


def _wrong_countries(connection: Connection) -> int:
    """How many cases' copies of the child's country differ from the child's record."""
    query = select(func.count()).where(Case.child_country.is_distinct_from(_RECORDED_COUNTRY))
    return connection.scalar(query) or 0


def differences(connection: Connection) -> int:
    """How many agencies' kept counts differ from their cases, plus how many cases' copies of
    the child's country differ from the child's (0: they all agree)."""
    right, kept = fresh(connection), stored(connection)
    agencies = sum(1 for a in set(right) | set(kept) if right.get(a, 0) != kept.get(a, 0))
    return agencies + _wrong_countries(connection)


def recount(connection: Connection) -> int:
    """Rebuild the counts from the cases and the country copies from the children; how many
    were wrong (as ``differences``). The caller commits."""
    wrong = differences(connection)
    connection.execute(delete(AgencyCaseCount))
    rows = [{"agency_id": a, "cases": n} for a, n in sorted(fresh(connection).items())]
    if rows:
        connection.execute(insert(AgencyCaseCount), rows)
    cases = Case.__table__
    connection.execute(
        update(cases)
        .where(cases.c.child_country.is_distinct_from(_RECORDED_COUNTRY))
        .values(child_country=_RECORDED_COUNTRY)
    )
    return wrong
