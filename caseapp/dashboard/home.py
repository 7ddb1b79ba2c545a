"""What each role's home page shows (issue 12 item 3), each list ONE statement whatever the
data (``tests/security/test_query_budget.py``).

- a caseworker: their open cases with each case's alerts and next step, and their reminders;
- a supervisor: the approvals waiting (with how long), the team's workload, the cases past
  a time limit, and the team's reminders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, bindparam, case, func, literal, select
from sqlalchemy import inspect as sa_inspect

from caseapp.alerts.queries import alert_condition, bid_overdue_cutoff, bid_overdue_sql
from caseapp.alerts.rules import KINDS
from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.core.db import planned_with_values, unindexed
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.keyset import split_page
from caseapp.core.permissions import Role, not_written_by_sql
from caseapp.crossborder.models import Consent
from caseapp.dashboard.models import CaseloadCount, Notification
from caseapp.dashboard.queries import (
    AGENCY_ID,
    USER_ID,
    as_moment,
    built,
    last_resort_since,
    name_of,
    named,
    scope_params,
)
from caseapp.determination.models import (
    BestInterestsDetermination,
    BidStatus,
    case_not_written_by_sql,
)
from caseapp.determination.models import not_written_by_sql as bid_not_written_by_sql
from caseapp.gate.data import not_own_return_work_sql

# The next step of a case in each stage (DESIGN.md section 3, the lifecycle).
NEXT_STEPS = {
    Stage.IDENTIFIED: _l("Register the case: identity, care status, placement."),
    Stage.REGISTERED: _l("Start the assessment: guardian, representative, hearing."),
    Stage.ASSESSMENT: _l("Complete the best-interests assessment."),
    Stage.DETERMINATION: _l("Write the determination and submit it for approval."),
    Stage.DECIDED: _l("Record the decision notice; watch the appeal period."),
    Stage.RETURN_PREPARATION: _l("Meet every safeguard; then ask a supervisor to approve."),
    Stage.RETURN_APPROVED: _l("Record the handover on the travel day."),
    Stage.RETURNED: _l("Plan the monitoring visits."),
    Stage.MONITORING: _l("Record each monitoring visit."),
    Stage.IMPLEMENTATION: _l("Carry out the durable solution decided."),
    Stage.CLOSED: _l("Nothing: the case is closed."),
}
CASES_ON_HOME = 25
APPROVALS_ON_HOME = 15
TEAM_ON_HOME = 100
UNREAD_COUNTED = 999


@dataclass(frozen=True)
class CaseLine:
    """A case on the caseworker's home page."""

    case_id: int
    number: str
    child_name: str
    stage: Stage
    alerts: tuple[str, ...]  # alert titles

    @property
    def next_step(self):
        return NEXT_STEPS[self.stage]


# ``my_cases``' statements by (user id, day, policy settings): building one (twelve alert
# conditions) cost more than running it (issue 16); the values are literals of the statement.
_MY_CASES: dict[tuple, Any] = {}


def _my_cases_statement(user, today: date, policy):
    # Every setting of the policy in the key, not only its version number: the statement
    # holds their values (a test database may reuse a version number with other values).
    settings = repr([getattr(policy, a.key) for a in sa_inspect(policy).mapper.column_attrs])
    key = (user.id, today, settings)
    statement = _MY_CASES.get(key)
    if statement is not None:
        return statement
    kinds = sorted(KINDS)
    flags = [
        case((alert_condition(kind, today, policy), 1), else_=0).label(f"a_{kind}")
        for kind in kinds
    ]
    mine = (Case.caseworker_id == user.id, Case.stage != Stage.CLOSED)
    newest = (Case.updated_at.desc(), Case.id.desc())
    # The page's cases first, then their alerts: the alerts only for the 25 shown, not for
    # every open case of the caseworker (tens of thousands in the benchmark's data).
    page = select(Case.id).where(*mine).order_by(*newest).limit(CASES_ON_HOME).subquery("page")
    # How many: from the kept caseload counts (a few rows per stage and opening day), not by
    # counting the caseworker's cases (66,000 index entries, 4 ms, at 100,000 cases).
    w = CaseloadCount
    total = (
        select(func.coalesce(func.sum(w.cases), 0))
        .where(w.caseworker_id == user.id, w.stage != Stage.CLOSED)
        .scalar_subquery()
    )
    # On PostgreSQL the values written into the SQL: planned once per user and day, not on
    # every request (``planned_with_values``: 3.2 ms of planning for 2.6 ms of running).
    statement = planned_with_values(
        named(
            select(Case.id, Case.number, Case.stage, total.label("total"), *flags)
            .select_from(page)
            .join(Case, Case.id == page.c.id),
            Case.id,
        ).order_by(*newest)
    )
    if len(_MY_CASES) > 1000:  # one per caseworker and day: never more than a day's users
        _MY_CASES.clear()
    _MY_CASES[key] = statement
    return statement


def my_cases(user, today: date, policy) -> tuple[list[CaseLine], int]:
    """``user``'s open cases (most recently changed first) with their alerts, and how many
    open cases they have in all: one statement (each alert is its rule's SQL twin,
    ``alerts.queries``; the count a scalar subquery)."""
    kinds = sorted(KINDS)
    rows = db.session.execute(_my_cases_statement(user, today, policy)).all()
    lines = [
        CaseLine(
            case_id=r.id,
            number=r.number,
            child_name=name_of(r),
            stage=r.stage,
            alerts=tuple(str(KINDS[k][0]) for k in kinds if getattr(r, f"a_{k}")),
        )
        for r in rows
    ]
    return lines, (rows[0].total if rows else 0)


@dataclass(frozen=True)
class Waiting:
    """An approval waiting for a supervisor."""

    what: str
    case_id: int
    number: str
    child_name: str
    since: datetime | None
    today: date

    @property
    def days(self) -> int | None:
        """Whole days it has waited (None when the record gives no time)."""
        return None if self.since is None else max(0, (self.today - self.since.date()).days)


def approvals_waiting(user, today: date) -> list[Waiting]:
    """Determinations submitted and last resorts recorded that ``user`` may approve (four eyes:
    not their own), the longest waiting first: one statement, built once per process (the
    user and agency ``bindparam``s). A last resort's waiting time is when its consent record
    was last written (the audit entry)."""
    query = built("approvals_waiting", _approvals_statement)
    labels = {
        "bid": _l("Best-interests determination to approve"),
        "last_resort": _l("Last-resort return to approve"),
    }
    found = []
    for r in db.session.execute(query, scope_params(user)).all():
        since = as_moment(r.since)  # a UNION's column may lose its type on SQLite
        found.append(Waiting(str(labels[r.what]), r.case_id, r.number, name_of(r), since, today))
    return found


def _approvals_statement():
    b, c = BestInterestsDetermination, Consent
    scope = unindexed(Case.lead_agency_id) == AGENCY_ID  # SQLite: not from the agency index
    bids = select(
        literal("bid").label("what"),
        b.case_id.label("case_id"),
        b.submitted_at.label("since"),
        b.id.label("record_id"),
    ).where(
        b.status == BidStatus.SUBMITTED,
        bid_not_written_by_sql(USER_ID),  # second_pair_of_eyes, the user a bindparam
    )
    recorded = last_resort_since()
    last_resorts = select(
        literal("last_resort").label("what"),
        c.case_id.label("case_id"),
        recorded.label("since"),
        c.id.label("record_id"),
    ).where(
        c.non_voluntary.is_(True),
        c.last_resort_approved_by_id.is_(None),
        not_written_by_sql(USER_ID, c.recorded_by_id),
        case_not_written_by_sql(USER_ID, c.case_id),
        not_own_return_work_sql(USER_ID, c.case_id),
    )

    def first(part, *leading):
        # Each kind's first page within the agency before the union, in the order of its
        # index (a determination's: status, submitted_at, id), so that the page stops early;
        # not every submitted determination of every agency joined, named and sorted (2,564
        # at 100,000 cases, 23 ms; issue 16). Ties broken by the record, within its kind.
        # ``leading``: index columns before the time that the filter holds constant but
        # PostgreSQL cannot tell are (an ``IS NULL``), named so its index order is seen.
        cols = part.selected_columns
        part = part.join(Case, Case.id == cols.case_id).where(scope)
        page = part.order_by(*leading, cols.since, cols.record_id).limit(APPROVALS_ON_HOME)
        return select(*page.subquery().c)

    # The last resorts by ``ix_consent_last_resort_since`` (non_voluntary,
    # last_resort_approved_by_id, recorded_at, id): every row read has no approver, so
    # ordering by it first changes nothing, and PostgreSQL reads the index in order and stops
    # at the page instead of sorting the agency's 2,500 (22.5 ms against 1.4 ms).
    parts = first(bids).union_all(first(last_resorts, c.last_resort_approved_by_id)).subquery()
    query = named(select(parts, Case.number).join(Case, Case.id == parts.c.case_id), Case.id)
    return query.order_by(parts.c.since, parts.c.what, parts.c.record_id).limit(APPROVALS_ON_HOME)


@dataclass(frozen=True)
class Workload:
    """One member of the team and their open cases."""

    user_id: int
    name: str
    role: Role
    open_cases: int
    over_limit: int
    in_preparation: int


def team_workload(user, today: date, policy) -> list[Workload]:
    """Every active caseworker and supervisor of ``user``'s agency with their open cases, how
    many of them are past the time limit for a determination, and how many are in return
    preparation: one statement (built once per process), grouped over the kept caseload
    counts (a few rows per person, stage and opening day, ``dashboard.workload``), not over
    the cases (tens of thousands per person at 100,000 cases, 131 ms; issue 16)."""
    query = built("team_workload", _team_statement)
    values = {**scope_params(user), "cutoff": bid_overdue_cutoff(today, policy).date()}
    return [
        Workload(r.id, r.name, r.role, int(r.open_cases), int(r.over_limit), int(r.in_preparation))
        for r in db.session.execute(query, values).all()
    ]


def _team_statement():
    w = CaseloadCount
    # Past the limit: the rule ``bid_overdue`` itself on the counts' columns, the opening day
    # against the day of the cut-off (a UTC midnight, so the two comparisons agree).
    cutoff = bindparam("cutoff", type_=Date)
    over = bid_overdue_sql(cutoff, stage=w.stage, opened_at=w.opened_on, approved=w.bid_approved)
    open_cases = func.coalesce(func.sum(case((w.stage != Stage.CLOSED, w.cases), else_=0)), 0)
    return (
        select(
            User.id,
            User.name,
            User.role,
            open_cases.label("open_cases"),
            func.coalesce(func.sum(case((over, w.cases), else_=0)), 0).label("over_limit"),
            func.coalesce(
                func.sum(case((w.stage == Stage.RETURN_PREPARATION, w.cases), else_=0)), 0
            ).label("in_preparation"),
        )
        .outerjoin(w, w.caseworker_id == User.id)
        .where(
            User.agency_id == AGENCY_ID,
            User.active.is_(True),
            User.role.in_((Role.CASEWORKER, Role.SUPERVISOR)),
        )
        .group_by(User.id, User.name, User.role)
        .order_by(open_cases.desc(), User.name)
        .limit(TEAM_ON_HOME)
    )


def unread_notifications(user, *, limit: int = 5) -> tuple[list, int]:
    """``user``'s newest unread notifications with the case number and the child's name, and
    how many are unread, counted up to ``UNREAD_COUNTED + 1`` (more than ``UNREAD_COUNTED``
    shows as such): one statement, built once per process (``built``)."""
    statement = built(("unread_notifications", limit), lambda: _unread_statement(limit))
    rows = db.session.execute(statement, {"user_id": user.id}).all()
    return _in_scope(user, [(r[0], r.number, name_of(r)) for r in rows]), (
        rows[0].total if rows else 0
    )


def _unread_statement(limit: int):
    n = Notification
    unread = (n.user_id == USER_ID, n.read_at.is_(None))
    # The count from the index alone, the newest ``limit`` first and only then their cases
    # and names (a window count over the joined rows read every unread notice with its case
    # and names: 1.3 s for 60,000 unread at 100,000 cases; issue 16). Counted up to
    # ``UNREAD_COUNTED`` + 1 and shown as "more than ..." beyond: counting every unread
    # notice read 61,000 index entries (2-3 ms) for the demo caseworker at 100,000 cases,
    # and nobody reads a thousand notices one by one.
    first = select(n.id).where(*unread).limit(UNREAD_COUNTED + 1).subquery("counted")
    total = select(func.count()).select_from(first).scalar_subquery()
    page = select(n.id).where(*unread).order_by(n.id.desc()).limit(limit).subquery("page")
    query = named(
        select(n, Case.number, total.label("total"))
        .select_from(page)
        .join(n, n.id == page.c.id)
        .outerjoin(Case, Case.id == n.case_id),
        n.case_id,
    )
    return query.order_by(n.id.desc())


def notifications_page(user, *, before: int | None, limit: int = 30):
    """One page of ``user``'s notifications, newest first: ``(rows, next_before)``."""
    n = Notification
    query = named(select(n, Case.number).outerjoin(Case, Case.id == n.case_id), n.case_id).where(
        n.user_id == user.id
    )
    if before is not None:
        query = query.where(n.id < before)
    rows, next_before = split_page(
        list(db.session.execute(query.order_by(n.id.desc()).limit(limit + 1))),
        limit,
        lambda row: row[0].id,
    )
    return _in_scope(user, [(r[0], r.number, name_of(r)) for r in rows]), next_before


def _in_scope(user, rows: list) -> list:
    """A participant's notices name the case and the child only while their assignment to
    the case is in force (issue 10: the assignment's end removes the access at once); the
    notice itself (what happened) stays theirs. Staff: unchanged."""
    if not getattr(user, "is_participant", False) or not rows:
        return rows
    from caseapp.participants.models import Assignment

    # Only the page's cases: a Central Authority may hold ten thousand assignments (issue 16).
    case_ids = sorted({notice.case_id for notice, _n, _name in rows if notice.case_id})
    in_force = set(
        db.session.scalars(
            select(Assignment.case_id).where(
                Assignment.user_id == user.id,
                Assignment.role == user.role,
                Assignment.case_id.in_(case_ids),
                Assignment.in_force_sql(),
            )
        )
    )
    return [
        (notice, number, name) if notice.case_id in in_force else (notice, None, None)
        for notice, number, name in rows
    ]
