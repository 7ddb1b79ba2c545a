"""The number of cases each agency leads (``AgencyCaseCount``), checked and rebuilt.

Triggers on ``case`` keep the counts in the writing transaction (migration
``d8f2b6a4c3e7``), so they need no code here while they run. This is for a repair by hand
that went past them (the triggers dropped, or rows copied in with them disabled): ``flask
cases recount --check`` tells whether the counts agree with the cases, ``flask cases
recount`` rebuilds them (issue 16).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select

from caseapp.cases.models import AgencyCaseCount, Case


def fresh(connection: Connection) -> dict[int, int]:
    """The number of cases of each agency, counted from the cases (every case read)."""
    query = select(Case.lead_agency_id, func.count()).group_by(Case.lead_agency_id)
    return {agency: n for agency, n in connection.execute(query)}


def stored(connection: Connection) -> dict[int, int]:
    """The counts as kept (agencies with no case left out)."""
    query = select(AgencyCaseCount.agency_id, AgencyCaseCount.cases)
    return {agency: n for agency, n in connection.execute(query) if n}


def differences(connection: Connection) -> int:
    """How many agencies' kept counts differ from their cases (0: they agree)."""
    right, kept = fresh(connection), stored(connection)
    return sum(1 for a in set(right) | set(kept) if right.get(a, 0) != kept.get(a, 0))


def recount(connection: Connection) -> int:
    """Rebuild the counts from the cases; how many agencies' counts were wrong. The caller
    commits."""
    wrong = differences(connection)
    connection.execute(delete(AgencyCaseCount))
    rows = [{"agency_id": a, "cases": n} for a, n in sorted(fresh(connection).items())]
    if rows:
        connection.execute(insert(AgencyCaseCount), rows)
    return wrong
