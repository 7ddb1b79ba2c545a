"""Reminders computed from the deadlines the records already hold (issue 12 item 3).

Nothing is stored: a reminder is a deadline of a record in force, read when the page is drawn,
so it can never go stale. The kinds and their sources:

- the appeal deadline of the decision in force (002, Rec 1: the right to appeal);
- a monitoring visit due or overdue (002, Rec 2: independent monitoring after return);
- no approved determination by the policy's time limit (002, Andreyuk: children wait "for
  months, or even years");
- no guardian for a separated or unaccompanied child some days after identification
  (002, Rec 3; fn 12 (iv): "a guardian, legal assistance and best interests procedure");
- the 18th birthday coming (002, Judge Winter: the safeguards end at 18, so plan before).

All of them come from ONE statement (``UNION ALL`` of one small indexed query per kind,
each cut to ``PER_KIND`` rows), so a home page costs the same whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    cast,
    exists,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from caseapp.alerts.rules import PENDING_STAGES, PRE_DECISION_STAGES
from caseapp.assessment.models import GuardianAppointment
from caseapp.cases.models import Case, Stage
from caseapp.children.models import CareStatus, Child, ChildName, full_name
from caseapp.core.db import UTCDateTime, unindexed
from caseapp.core.enums import LabelledEnum
from caseapp.core.extensions import db
from caseapp.core.i18n import lazy_gettext as _l
from caseapp.core.permissions import Role
from caseapp.dashboard.queries import AGENCY_ID, USER_ID, built, scope_params
from caseapp.decision.models import DecisionNotice
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.monitoring.models import MonitoringVisit

# How far ahead a deadline is shown (this project's choice; the sources give no number).
WARNING_DAYS = 14
# A separated or unaccompanied child should have a guardian within this many days of being
# identified (this project's choice: 002 Rec 3 asks for one "appointed" without a number).
GUARDIAN_WITHIN_DAYS = 7
# The 18th birthday is announced this many days ahead (this project's choice).
BIRTHDAY_WARNING_DAYS = 90
ADULT_AGE = 18
# Rows read per kind at most; the page shows the most urgent ``limit`` of them, so it reads
# ``limit`` per kind when that is fewer (each kind is read in the order of its due dates).
PER_KIND = 50


class ReminderKind(LabelledEnum):
    """What a reminder is about; the label is what the page shows."""

    APPEAL_DEADLINE = "appeal_deadline", _l("Appeal deadline")
    VISIT_DUE = "visit_due", _l("Monitoring visit due")
    NO_BID = "no_bid", _l("No determination within the time limit")
    NO_GUARDIAN = "no_guardian", _l("No guardian appointed")
    TURNS_18 = "turns_18", _l("18th birthday")


SOURCES = {
    ReminderKind.APPEAL_DEADLINE: "002, Rec 1",
    ReminderKind.VISIT_DUE: "002, Rec 2",
    ReminderKind.NO_BID: "002, Andreyuk",
    ReminderKind.NO_GUARDIAN: "002, Rec 3; fn 12 (iv)",
    ReminderKind.TURNS_18: "002, Judge Winter",
}


@dataclass(frozen=True)
class Reminder:
    """One deadline of one case, on ``today``."""

    kind: ReminderKind
    case_id: int
    number: str
    child_name: str
    due_on: date
    today: date
    # The record the deadline belongs to (a visit's id), when it has a page of its own.
    record_id: int | None = None

    @property
    def overdue(self) -> bool:
        """The deadline has passed (an 18th birthday or an appeal deadline never is)."""
        return self.days_overdue > 0

    @property
    def days_overdue(self) -> int:
        """Whole days since the deadline (0 when not yet passed)."""
        if self.kind in (ReminderKind.TURNS_18, ReminderKind.APPEAL_DEADLINE):
            return 0
        return max(0, (self.today - self.due_on).days)

    @property
    def days_left(self) -> int:
        """Whole days until the deadline (0 when it is today or has passed)."""
        return max(0, (self.due_on - self.today).days)

    @property
    def source(self) -> str:
        return SOURCES[self.kind]


def scope(user, *, joined: bool = False):
    """The cases whose reminders ``user`` gets: a caseworker their own cases, a supervisor
    the whole agency's (the team), nobody else any. The user and the agency are
    ``bindparam``s (``user_id``, ``agency_id``: ``dashboard.queries.scope_params``), so the
    statement is built once per role (``_statement``).

    ``joined``: for a kind read from another table's index in date order (notices by appeal
    deadline, visits by due date, children by date of birth), the condition is written so
    that it cannot use the case's index on SQLite (``core.db.unindexed``): SQLite, which
    keeps no statistics, would otherwise start from every case of the caseworker or agency
    (tens of thousands at 100,000 cases: 0.3-3.5 s) and sort them, as
    ``dashboard.queries.scope_sql`` says."""
    if user.role is Role.CASEWORKER:
        return (unindexed(Case.caseworker_id) if joined else Case.caseworker_id) == USER_ID
    if user.role is Role.SUPERVISOR:
        column = unindexed(Case.lead_agency_id) if joined else Case.lead_agency_id
        return column == AGENCY_ID
    return literal(False)


def _shifted(day: date, years: int) -> date:
    """``day`` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _part(per_kind: int, kind: ReminderKind, case_cond, day_col, record_col, order_col, *conds):
    """One kind's rows: (kind, case id, a date, the case's opening, the record's id)."""
    query = (
        select(
            literal(kind.value).label("kind"),
            Case.id.label("case_id"),
            (day_col if day_col is not None else cast(null(), Date)).label("day"),
            Case.opened_at.label("opened_at"),
            (record_col if record_col is not None else cast(null(), Integer)).label("record_id"),
        )
        .where(case_cond, *conds)
        .order_by(*(order_col if isinstance(order_col, tuple) else (order_col,)))
        .limit(per_kind)
    )
    return select(*query.subquery().c)


def _values(user, today: date, policy) -> dict:
    """The values of ``_statement``'s ``bindparam``s on ``today``."""
    horizon = today + timedelta(days=WARNING_DAYS)
    identified_by = horizon - timedelta(days=GUARDIAN_WITHIN_DAYS)
    return {
        **scope_params(user),
        "today": today,
        "horizon": horizon,
        "bid_cutoff": datetime.combine(
            horizon - timedelta(days=policy.bid_time_limit_days), time.max, UTC
        ),
        "identified_by": identified_by,
        "identified_by_end": datetime.combine(identified_by, time.max, UTC),
        # Born after (today - 18 years) and on or before (today + warning - 18 years).
        "born_after": _shifted(today, -ADULT_AGE),
        "born_by": _shifted(today + timedelta(days=BIRTHDAY_WARNING_DAYS), -ADULT_AGE),
    }


def _statement(user, per_kind: int):
    """The one statement of the reminders, ``per_kind`` rows of each kind, built once per role
    and ``per_kind`` (building it cost more than running it: 5 ms at every home page; issue
    16); its values from ``_values``."""
    return built(("reminders", user.role.value, per_kind), lambda: _build(user, per_kind))


def _build(user, per_kind: int):
    cond, joined = scope(user), scope(user, joined=True)
    today, horizon = bindparam("today", type_=Date), bindparam("horizon", type_=Date)
    bid_cutoff = bindparam("bid_cutoff", type_=Case.opened_at.type)
    identified_by = bindparam("identified_by", type_=Date)
    identified_by_end = bindparam("identified_by_end", type_=Case.opened_at.type)
    born_after, born_by = bindparam("born_after", type_=Date), bindparam("born_by", type_=Date)
    n, v = DecisionNotice, MonitoringVisit
    appeal = _part(
        per_kind,
        ReminderKind.APPEAL_DEADLINE,
        joined,
        n.appeal_deadline,
        n.id,
        n.appeal_deadline,
        n.case_id == Case.id,
        n.superseded_at.is_(None),
        Case.stage != Stage.CLOSED,
        n.appeal_deadline >= today,
        n.appeal_deadline <= horizon,
    )
    visit = _part(
        per_kind,
        ReminderKind.VISIT_DUE,
        joined,
        v.due_on,
        v.id,
        # In the order of the index of visits not yet made (``ix_monitoring_visit_pending``):
        # by the date alone PostgreSQL read the plain date index and skipped 15,000 visits
        # made (issue 16, the 100,000-case run).
        (v.due_on, v.id),
        v.case_id == Case.id,
        Case.stage != Stage.CLOSED,
        v.visited_on.is_(None),
        v.due_on <= horizon,
    )
    b = BestInterestsDetermination
    no_bid = _part(
        per_kind,
        ReminderKind.NO_BID,
        cond,
        None,
        None,
        Case.opened_at,
        Case.stage.in_(PRE_DECISION_STAGES),
        Case.opened_at <= bid_cutoff,
        not_(exists().where(b.case_id == Case.id, b.status == BidStatus.APPROVED)),
    )
    g = GuardianAppointment
    no_guardian = _part(
        per_kind,
        ReminderKind.NO_GUARDIAN,
        cond,
        Child.identified_on,
        None,
        Case.opened_at,
        Child.case_id == Case.id,
        Case.stage.in_(PENDING_STAGES),
        Child.care_status != CareStatus.ACCOMPANIED,
        or_(
            Child.identified_on <= identified_by,
            and_(
                Child.identified_on.is_(None),
                Case.opened_at <= identified_by_end,
            ),
        ),
        not_(exists().where(g.case_id == Case.id, g.ended_on.is_(None))),
    )
    turns = _part(
        per_kind,
        ReminderKind.TURNS_18,
        joined,
        Child.date_of_birth,
        None,
        Child.date_of_birth,
        Child.case_id == Case.id,
        Case.stage != Stage.CLOSED,
        Child.date_of_birth > born_after,
        Child.date_of_birth <= born_by,
    )
    parts = union_all(appeal, visit, no_bid, no_guardian, turns).subquery()
    name = aliased(ChildName)
    return (
        select(parts, Case.number, name.family_name, name.given_name, name.patronymic)
        .join(Case, Case.id == parts.c.case_id)
        .outerjoin(Child, Child.case_id == Case.id)
        .outerjoin(name, and_(name.child_id == Child.id, name.is_primary.is_(True)))
    )


def _due_on(kind: ReminderKind, day: date | None, opened_at: datetime, policy) -> date:
    if kind is ReminderKind.NO_BID:
        return opened_at.date() + timedelta(days=policy.bid_time_limit_days)
    if kind is ReminderKind.NO_GUARDIAN:
        return (day or opened_at.date()) + timedelta(days=GUARDIAN_WITHIN_DAYS)
    if kind is ReminderKind.TURNS_18:
        assert day is not None  # the query keeps only children with a date of birth
        return _shifted(day, ADULT_AGE)
    assert day is not None  # appeal deadline, visit due date
    return day


def reminders_for(user, today: date, policy, *, limit: int = 30) -> list[Reminder]:
    """The ``limit`` most urgent reminders of ``user`` on ``today`` (most overdue first)."""
    per_kind = min(limit, PER_KIND)
    rows = db.session.execute(_statement(user, per_kind), _values(user, today, policy)).all()
    found = []
    for row in rows:
        kind = ReminderKind(row.kind)
        opened = row.opened_at
        if isinstance(opened, str):  # a UNION's column loses its type on some drivers
            opened = UTCDateTime().process_result_value(datetime.fromisoformat(opened), None)
        day = row.day
        if isinstance(day, str):
            day = date.fromisoformat(day)
        names = (row.family_name, row.given_name, row.patronymic)
        found.append(
            Reminder(
                kind=kind,
                case_id=row.case_id,
                number=row.number,
                child_name=full_name(*names),
                due_on=_due_on(kind, day, opened, policy),
                today=today,
                record_id=row.record_id if kind is ReminderKind.VISIT_DUE else None,
            )
        )
    found.sort(key=lambda r: (r.due_on, r.kind.value, r.case_id))
    return found[:limit]
