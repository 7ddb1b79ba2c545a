"""Queries behind the supervisor's queue and the caseworker's due list."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    bindparam,
    false,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import aliased

from caseapp.cases.models import Case, Stage
from caseapp.children.models import Child, ChildName, full_name
from caseapp.core.db import planned_with_values, unindexed
from caseapp.core.extensions import db
from caseapp.core.keyset import key_cursor, parse_cursor, split_page
from caseapp.core.permissions import Role, not_written_by_sql
from caseapp.crossborder.models import Consent
from caseapp.decision.models import DecisionNotice
from caseapp.determination.models import (
    BestInterestsDetermination,
    BidStatus,
    case_not_written_by_sql,
    writers_of,
)
from caseapp.determination.models import not_written_by_sql as bid_not_written_by_sql
from caseapp.gate.data import load_gate_data_many, not_own_return_work_sql
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.monitoring.models import MonitoringVisit

APPEAL_WARNING_DAYS = 14
# Stages in which a hearing must stay recent for S5 (002, Rec 1).
HEARING_STAGES = (Stage.DETERMINATION, Stage.DECIDED, Stage.RETURN_PREPARATION)


def agency_unindexed(agency_id: int | None) -> ColumnElement[bool]:
    """``Case.lead_agency_id == agency_id`` for a list driven by another table's index, kept
    from the case's agency index on SQLite only (``core.db.unindexed``)."""
    return unindexed(Case.lead_agency_id) == agency_id


# -- the child's name beside the case number (issue 12 item 3), in the same statement ------


def named(query, case_id_column):
    """``query`` with the child's primary name parts as its last three columns (left joins:
    a case has one child), so a list shows the name beside the case number without a query
    per row. Aliased, so that an alert's subquery on the child correlates to the case only."""
    child, name = aliased(Child), aliased(ChildName)
    return (
        query.add_columns(name.family_name, name.given_name, name.patronymic)
        .outerjoin(child, child.case_id == case_id_column)
        .outerjoin(name, and_(name.child_id == child.id, name.is_primary.is_(True)))
    )


def name_of(row) -> str:
    """The child's name from a row of a ``named`` query."""
    return full_name(row.family_name, row.given_name, row.patronymic)


# -- statements built once per process (issue 16) ------------------------------------------
# Building a list's statement (``named``'s aliased joins above all: SQLAlchemy adapts every
# column) and its cache key cost more than running it on an index. Each list is built once
# per process and shape, with ``bindparam``s for whatever varies between requests (the
# user's agency and id, today, the cursor), as ``core.records.load_records(..., key=...)`` does.
# On PostgreSQL all of them but the cursor's are written into the SQL when it is run
# (``core.db.planned_with_values``): the server plans each user's or agency's statement once
# with its values instead of on every request.

_STATEMENTS: dict[Hashable, Any] = {}

AGENCY_ID = bindparam("agency_id", type_=Integer)
USER_ID = bindparam("user_id", type_=Integer)
TODAY = bindparam("today", type_=Date)
# A keyset page's cursor (``_after``): the one kind of value that differs on every page.
CURSOR_PARAMS = ("k0", "k1")


def built(key: Hashable, build: Callable[[], Any]) -> Any:
    """The statement ``build()`` makes, built once per process under ``key``; on PostgreSQL
    with its values but the cursor's written into its SQL (``planned_with_values``)."""
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = planned_with_values(build(), keep=CURSOR_PARAMS)
    return statement


def scope_kind(user) -> str:
    """Which cases ``user`` may see, as the shape part of a statement's key (the list twin of
    ``Case.can_view``): every case, their agency's, or none."""
    if user.role is Role.OMBUDSPERSON:
        return "all"
    if user.role in (Role.CASEWORKER, Role.SUPERVISOR):
        return "agency"
    return "none"


def scope_sql(kind: str, *, joined: bool):
    """The condition on ``Case`` of the cases of a ``scope_kind``, the agency a ``bindparam``
    (``agency_id``): a condition to join on, not ``IN (SELECT id ...)``, which the database
    would build for the whole agency on every query.

    ``joined``: for a list driven by another table's index (visits by due date, notices by
    deadline, determinations by submission), the agency condition is written so that it
    cannot use the case's agency index on SQLite (``core.db.unindexed``). Otherwise SQLite,
    which keeps no statistics, starts from every case of the agency (tens of thousands) and
    sorts, instead of reading the other table's index in order and stopping after one page."""
    if kind == "agency":
        column = unindexed(Case.lead_agency_id) if joined else Case.lead_agency_id
        return column == AGENCY_ID
    return true() if kind == "all" else false()


def scope_params(user) -> dict[str, Any]:
    """The values of the ``bindparam``s of ``scope_sql`` and ``USER_ID``."""
    return {"agency_id": user.agency_id, "user_id": user.id}


def _after(key_columns) -> Any:
    """Rows after the cursor (``bindparam``s ``k0`` and ``k1``): a one-column key is the id."""
    if len(key_columns) == 1:
        return key_columns[0] > bindparam("k1", type_=Integer)
    first, ident = key_columns
    return tuple_(first, ident) > tuple_(
        bindparam("k0", type_=first.type), bindparam("k1", type_=Integer)
    )


def keyset_page(
    name: str,
    user,
    build: Callable[[str, bool], Any],
    key_columns: Callable[[], tuple],
    *,
    after: str | None,
    parse,
    limit: int,
    key_of,
    params: dict[str, Any] | None = None,
):
    """One page of a named list, keyset-paginated: ``(rows, next_cursor)``, each row the
    query's columns and then the child's name.

    ``build(scope_kind, has_cursor)`` makes the query (its conditions ``bindparam``s);
    ``key_columns()`` its sort key (the id last). The statement with its name columns,
    cursor condition, order and limit is built once per process (``built``); ``params`` are
    the values of its own ``bindparam``s besides the scope's and the cursor's."""
    cursor = parse_cursor(after, parse)
    kind = scope_kind(user)

    def make():
        query = named(build(kind, cursor is not None), Case.id)
        columns = key_columns()  # after ``build``: it may name the built query's columns
        if cursor is not None:
            query = query.where(_after(columns))
        return query.order_by(*columns).limit(limit + 1)

    statement = built((name, kind, cursor is not None, limit), make)
    values = {**scope_params(user), **(params or {})}
    if cursor is not None:
        values |= {"k0": cursor[0], "k1": cursor[1]}
    found = [tuple(r) for r in db.session.execute(statement, values)]
    rows = [(*r[:-3], full_name(*r[-3:])) for r in found]
    return split_page(rows, limit, lambda row: key_cursor(*key_of(row)))


def as_moment(value) -> datetime | None:
    """A timestamp read from a UNION or a scalar subquery (SQLite may hand back text or a
    naive datetime) as an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def days_since(value, today: date) -> int:
    """Whole days from ``value`` (a date or a timestamp) to ``today``, never negative."""
    if value is None:
        return 0
    if isinstance(value, date) and not isinstance(value, datetime):
        return max(0, (today - value).days)
    moment = as_moment(value)
    return max(0, (today - moment.date()).days) if moment is not None else 0


def last_resort_since():
    """When a last resort started waiting: when its consent was last recorded
    (``Consent.recorded_at``, kept by ``record_consent``; filled from the audit trail for the
    consents recorded before it). A column, so the home page reads the last resorts the
    longest waiting first from ``ix_consent_last_resort_since`` and stops at its page: from
    the trail, every last resort of the agency was timed and sorted (3,200 at 100,000 cases:
    106 ms a page; by the action's index, which SQLite chose, 200 s; issue 16)."""
    return Consent.recorded_at


def bids_awaiting(user, *, after: str | None = None, limit: int = 20):
    """Submitted determinations someone other than ``user`` wrote (four eyes), the longest
    waiting first: one page of ``(bid, case number, child's name)``."""
    b = BestInterestsDetermination

    def build(kind: str, _cursor: bool):
        return (
            select(b, Case.number)
            .join(Case, Case.id == b.case_id)
            .where(
                scope_sql(kind, joined=True),
                b.status == BidStatus.SUBMITTED,
                bid_not_written_by_sql(USER_ID),
            )
        )

    return keyset_page(
        "bids_awaiting",
        user,
        build,
        lambda: (b.submitted_at, b.id),
        after=after,
        parse=_datetime,
        limit=limit,
        key_of=lambda r: (r[0].submitted_at, r[0].id),
    )


def returns_in_preparation(user, today: date, policy, *, after: int | None, limit: int):
    """One page of the cases in return preparation (oldest first, keyset on the id), each
    with its gate verdict, the child's name and why approving it would be ``user``'s own work
    (``Case.own_work_in_return``, or None): ``(rows, next_after)``, ``rows`` being
    ``[(case, GateResult, name, own_work)]``.

    Only the page's cases are evaluated, their records loaded in two statements
    (``load_gate_data_many``), so the cost does not grow with the number of cases; the gate
    itself (``evaluate_return_gate``) stays the one judge of readiness (002, Rec 2). The
    child's name comes with the cases (``named``): the gate loads the child itself, so the
    child and its names are not loaded as objects a second time (issue 16).
    """
    kind = scope_kind(user)

    def build():
        query = named(select(Case), Case.id).where(
            scope_sql(kind, joined=False), Case.stage == Stage.RETURN_PREPARATION
        )
        if after is not None:
            query = query.where(Case.id > bindparam("k1", type_=Integer))
        return query.order_by(Case.id).limit(limit + 1)

    # Built once per process and shape (``built``): ``named``'s aliased joins cost more to
    # build than the statement costs to run.
    statement = built(("returns_in_preparation", kind, after is not None, limit), build)
    found, next_after = split_page(
        list(db.session.execute(statement, {**scope_params(user), "k1": after})),
        limit,
        lambda row: row[0].id,
    )
    cases = [row[0] for row in found]
    data = load_gate_data_many(cases)
    # The queue shows met/unmet only: the verdicts without the reasons' words (issue 16).
    rows = [
        (
            case,
            evaluate_return_gate(
                case, today=today, policy=policy, data=data[case.id], verdict_only=True
            ),
            name_of(row),
            case.own_work_in_return(user, writers_of(data[case.id].bid), data[case.id].preparers),
        )
        for case, row in zip(cases, found, strict=True)
    ]
    return rows, next_after


def last_resorts_awaiting(user, *, after: str | None = None, limit: int = 20):
    """Non-voluntary returns awaiting a second supervisor -- not their recorder, nor anyone
    whose own work the return is (``Consent.own_work_in_last_resort``, in SQL): one page of
    ``(consent, case number, waiting since, child's name)``."""
    c = Consent

    def build(kind: str, _cursor: bool):
        return (
            select(c, Case.number, last_resort_since())
            .join(Case, Case.id == c.case_id)
            .where(
                scope_sql(kind, joined=True),
                c.non_voluntary.is_(True),
                c.last_resort_approved_by_id.is_(None),
                not_written_by_sql(USER_ID, c.recorded_by_id),
                case_not_written_by_sql(USER_ID, c.case_id),
                not_own_return_work_sql(USER_ID, c.case_id),
            )
        )

    return keyset_page(
        "last_resorts_awaiting",
        user,
        build,
        lambda: (c.id,),
        after=after,
        parse=int,
        limit=limit,
        key_of=lambda r: (r[0].id, r[0].id),
    )


# -- the due list: every section is one indexed query for one page (keyset pagination) -----
# A cursor is "<sort key>~<id>" of the last row shown (``caseapp.core.keyset``); a cursor that
# does not parse is the first page (bad input never breaks the page).


def _datetime(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def overdue_visits(user, today: date, *, after: str | None = None, limit: int = 50):
    """Monitoring visits due and not done, most overdue first: ``(visit, number, name)``."""
    v = MonitoringVisit

    def build(kind: str, _cursor: bool):
        return (
            select(v, Case.number)
            .join(Case, Case.id == v.case_id)
            .where(
                scope_sql(kind, joined=True),
                Case.stage != Stage.CLOSED,
                v.visited_on.is_(None),
                v.due_on < TODAY,
            )
        )

    return keyset_page(
        "overdue_visits",
        user,
        build,
        lambda: (v.due_on, v.id),
        after=after,
        parse=date.fromisoformat,
        limit=limit,
        key_of=lambda r: (r[0].due_on, r[0].id),
        params={"today": today},
    )


def appeal_deadlines(user, today: date, *, after: str | None = None, limit: int = 50):
    """Current decision notices whose appeal deadline falls in the next two weeks:
    ``(notice, number, name)``."""
    n = DecisionNotice

    def build(kind: str, _cursor: bool):
        return (
            select(n, Case.number)
            .join(Case, Case.id == n.case_id)
            .where(
                scope_sql(kind, joined=True),
                n.superseded_at.is_(None),
                n.appeal_deadline >= TODAY,
                n.appeal_deadline <= bindparam("horizon", type_=Date),
            )
        )

    return keyset_page(
        "appeal_deadlines",
        user,
        build,
        lambda: (n.appeal_deadline, n.id),
        after=after,
        parse=date.fromisoformat,
        limit=limit,
        key_of=lambda r: (r[0].appeal_deadline, r[0].id),
        params={"today": today, "horizon": today + timedelta(days=APPEAL_WARNING_DAYS)},
    )


def stale_hearings(user, today: date, policy, *, after: str | None = None, limit: int = 50):
    """Cases awaiting a decision or return whose latest hearing is older than the policy
    allows (or who were never heard), oldest case first: rows
    ``(case_id, number, last_hearing_or_None, name)``.

    Read from ``Case.last_heard_on`` (kept by ``note_hearing`` when a hearing is recorded)
    under the index ``ix_case_agency_stage_heard``, not from every hearing of every case of
    the agency at those stages (issue 16). Never heard and heard too long ago are two range
    reads of that index (an ``OR`` would read every entry of the agency's stages)."""
    holder: dict[str, Any] = {}

    def build(kind: str, has_cursor: bool):
        def heard(condition):
            return select(Case.id).where(
                scope_sql(kind, joined=False), Case.stage.in_(HEARING_STAGES), condition
            )

        stale = union_all(
            heard(Case.last_heard_on.is_(None)),
            heard(Case.last_heard_on < bindparam("cutoff", type_=Date)),
        ).subquery("stale")
        # The page's ids first (``+ 0``: sorted, not found by walking the agency's cases in
        # id order, which SQLite would otherwise choose), then their numbers and names.
        ids = select(stale.c.id).order_by(stale.c.id + 0).limit(limit + 1)
        if has_cursor:
            ids = ids.where(stale.c.id > bindparam("k1", type_=Integer))
        page = holder["page"] = ids.subquery("page")
        return select(page.c.id, Case.number, Case.last_heard_on).join(Case, Case.id == page.c.id)

    return keyset_page(
        "stale_hearings",
        user,
        build,
        lambda: (holder["page"].c.id,),
        after=after,
        parse=int,
        limit=limit,
        key_of=lambda r: (r[0], r[0]),
        params={"cutoff": today - timedelta(days=policy.hearing_max_age_days)},
    )


def over_bid_limit(user, today: date, policy, *, after: str | None = None, limit: int = 50):
    """Cases open past the time limit without an approved determination (002, Andreyuk),
    the longest waiting first: rows ``(case_id, number, opened_at, name)``."""
    from caseapp.alerts.queries import bid_overdue_cutoff, bid_overdue_sql

    def build(kind: str, _cursor: bool):
        cutoff = bindparam("cutoff", type_=Case.opened_at.type)
        return select(Case.id, Case.number, Case.opened_at).where(
            scope_sql(kind, joined=False), bid_overdue_sql(cutoff)
        )

    return keyset_page(
        "over_bid_limit",
        user,
        build,
        lambda: (Case.opened_at, Case.id),
        after=after,
        parse=_datetime,
        limit=limit,
        key_of=lambda r: (r[2], r[0]),
        params={"cutoff": bid_overdue_cutoff(today, policy)},
    )
