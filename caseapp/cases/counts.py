"""What the database keeps beside the cases, checked and rebuilt: the number of cases each
agency leads (``AgencyCaseCount``) and the copies of the child's facts on each case
(``Case.child_country`` ..., ``CHILD_COPIES``, and ``Case.child_unaccompanied``;
``Case.child_presumed_minor_until``, checked against ``AgeReckoning.presumed_minor_until``,
the rule the triggers follow).

Triggers keep both in the writing transaction (on ``case``, migration ``d8f2b6a4c3e7``; on
``child``, migrations ``b4e9c2d7f1a3`` and ``a5c9e3f7b1d4``), so they need no code here
while they run. This is for a repair by hand that went past them (the triggers dropped, or
rows copied in with them disabled): ``flask cases recount --check`` tells whether they agree
with the cases and children, ``flask cases recount`` rebuilds them (issue 16).
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, false, func, insert, null, or_, select, update

from caseapp.cases.models import CHILD_COPIES, AgencyCaseCount, Case
from caseapp.children.models import AGE_COLUMNS, AgeRecords, CareStatus, Child

_cases = Case.__table__
# What the triggers leave on a case without a child: no country, no flag.
_CHILDLESS = {"child_country": null(), "child_trafficking": false(), "child_charged": false()}
# Each copy's value as the child's record has it.
_RECORDED = {
    copy: func.coalesce(
        select(getattr(Child, column)).where(Child.case_id == _cases.c.id).scalar_subquery(),
        _CHILDLESS[copy],
    )
    for copy, column in CHILD_COPIES.items()
}
# Whether the child is unaccompanied (``Case.child_unaccompanied``), as the record has it.
_RECORDED["child_unaccompanied"] = func.coalesce(
    select(Child.care_status == CareStatus.UNACCOMPANIED)
    .where(Child.case_id == _cases.c.id)
    .scalar_subquery(),
    false(),
)
# A case whose copies differ from its child's record.
_WRONG_COPIES = or_(*(_cases.c[copy].is_distinct_from(v) for copy, v in _RECORDED.items()))


def _wrong_until(connection: Connection) -> list[dict]:
    """The cases whose ``child_presumed_minor_until`` differs from their child's records
    (``Child.presumed_minor_until``, computed here by the same rule), with the right value;
    a case without a child has none."""
    query = (
        select(Case.id, Case.child_presumed_minor_until, Child.id, *AGE_COLUMNS)
        .outerjoin(Child, Child.case_id == Case.id)
        .execution_options(yield_per=2000)
    )
    wrong = []
    for row in connection.execute(query):
        case_id, kept, child_id = row[0], row[1], row[2]
        right = None if child_id is None else AgeRecords(*row[3:]).presumed_minor_until
        if kept != right:
            wrong.append({"case": case_id, "until": right})
    return wrong


def fresh(connection: Connection) -> dict[int, int]:
    """The number of cases of each agency, counted from the cases (every case read)."""
    query = select(Case.lead_agency_id, func.count()).group_by(Case.lead_agency_id)
    return {agency: n for agency, n in connection.execute(query)}


def stored(connection: Connection) -> dict[int, int]:
    """The counts as kept (agencies with no case left out)."""
    query = select(AgencyCaseCount.agency_id, AgencyCaseCount.cases)
    return {agency: n for agency, n in connection.execute(query) if n}


def _found(connection: Connection) -> tuple[int, dict[int, int], list[dict]]:
    """How many kept values are wrong (as ``differences``), the right counts per agency and
    the right days of the cases whose ``child_presumed_minor_until`` is wrong: read once, for
    the check and for the rebuild."""
    right, kept = fresh(connection), stored(connection)
    agencies = sum(1 for a in set(right) | set(kept) if right.get(a, 0) != kept.get(a, 0))
    cases = connection.scalar(select(func.count()).select_from(_cases).where(_WRONG_COPIES))
    until = _wrong_until(connection)
    return agencies + (cases or 0) + len(until), right, until


def differences(connection: Connection) -> int:
    """How many agencies' kept counts differ from their cases, plus how many cases' copies of
    the child's facts differ from the child's record (0: they all agree)."""
    return _found(connection)[0]


def recount(connection: Connection) -> int:
    """Rebuild the counts from the cases and the copies from the children; how many were
    wrong (as ``differences``). The caller commits."""
    wrong, right, until = _found(connection)
    connection.execute(delete(AgencyCaseCount))
    rows = [{"agency_id": a, "cases": n} for a, n in sorted(right.items())]
    if rows:
        connection.execute(insert(AgencyCaseCount), rows)
    connection.execute(update(_cases).where(_WRONG_COPIES).values(_RECORDED))
    if until:
        connection.execute(
            update(_cases)
            .where(_cases.c.id == bindparam("case"))
            .values(child_presumed_minor_until=bindparam("until")),
            until,
        )
    return wrong
