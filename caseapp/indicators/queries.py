"""Computing the indicators: aggregate queries per period, scoped to what the user may see.

Each indicator has one *base* query: the rows it counts (a case id and the breakdown columns).
Its figures are ``COUNT`` queries grouped by one breakdown at a time, and its drill-down is the
same base filtered to one category — so the cases listed behind a figure are exactly the cases
counted. Durations fetch the cohort's two dates (one query) and take the median and the 90th
percentile (nearest rank) in Python, the same on SQLite and PostgreSQL. The number of queries
is fixed by the catalogue; it does not grow with the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from caseapp.agencies.models import Agency
from caseapp.assessment.models import Placement
from caseapp.cases.models import Case
from caseapp.cases.queries import visible_cases
from caseapp.children.age_sql import known, under
from caseapp.children.models import ADULT_AGE, Child
from caseapp.core import clock
from caseapp.core.extensions import db
from caseapp.crossborder.models import Consent
from caseapp.decision.models import Appeal, AppealStatus, Complaint, ComplaintStatus, DecisionNotice
from caseapp.determination.models import BestInterestsDetermination
from caseapp.gate.models import ReturnApproval
from caseapp.indicators.catalogue import BY_KEY, CATALOGUE, Dimension, Measure, Unit
from caseapp.indicators.labels import UNKNOWN
from caseapp.monitoring.models import MonitoringVisit, ReturnExecution

OVERDUE_DAYS = 30


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(), UTC)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time(), UTC)

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class Figure:
    """One number: an indicator's measure, in total (``dimension`` "") or for one category."""

    indicator: str
    measure: str
    dimension: str
    category: str
    value: int | float | None

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator,
            "measure": self.measure,
            "dimension": self.dimension,
            "category": self.category,
            "value": self.value,
        }


def scope_ids(user) -> Select:
    """The ids of the cases ``user`` may see; every case for ``None`` (the export CLI)."""
    if user is None:
        return select(Case.id)
    return visible_cases(user).with_only_columns(Case.id)


# -- SQL helpers --------------------------------------------------------------------------


def _month(column, *, is_datetime: bool = False):
    """``YYYY-MM`` of a date or UTC datetime column, on SQLite and PostgreSQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        if is_datetime:
            column = func.timezone("UTC", column)
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _age_band(day: date):
    """The age band on ``day`` by the records (``AgeReckoning.age_on``: the date of birth,
    else the lowest age of the range advanced from its assessment day)."""
    return case(
        (under(day, 6), literal("0-5")),
        (under(day, 12), literal("6-11")),
        (under(day, 15), literal("12-14")),
        (under(day, ADULT_AGE), literal("15-17")),
        (known(), literal("18+")),
        else_=literal(UNKNOWN),
    )


def _in(column, period: Period):
    return column.between(period.start, period.end)


def _at_in(column, period: Period):
    return and_(column >= period.start_at, column < period.end_before)


def _identified_in(period: Period):
    return or_(
        _in(Child.identified_on, period),
        and_(Child.identified_on.is_(None), _at_in(Case.opened_at, period)),
    )


def _deprives_in(period: Period):
    return and_(
        Placement.deprives_of_liberty,
        Placement.started_on <= period.end,
        or_(Placement.ended_on.is_(None), Placement.ended_on >= period.start),
    )


# -- base queries: the rows each indicator counts -------------------------------------------


def _base(key: str, measure: str, period: Period, scope: Select, today: date) -> Select:
    """The rows behind ``key``/``measure``: ``case_id`` and the breakdown columns."""
    d = Dimension
    case_id = Case.id.label("case_id")
    country = Child.country_of_origin.label(d.COUNTRY)
    agency = Agency.code.label(d.AGENCY)

    def on_cases(*columns):
        return (
            select(case_id, *columns)
            .select_from(Case)
            .join(Child, Child.case_id == Case.id)
            .join(Agency, Agency.id == Case.lead_agency_id)
            .where(Case.id.in_(scope))
        )

    if key == "identified":
        month = func.coalesce(_month(Child.identified_on), _month(Case.opened_at, is_datetime=True))
        return on_cases(
            Child.care_status.label(d.CARE_STATUS),
            Child.sex.label(d.SEX),
            _age_band(period.end).label(d.AGE_BAND),
            country,
            agency,
            month.label(d.MONTH),
        ).where(_identified_in(period))
    if key == "days_to_opening":
        return on_cases(Child.identified_on, Case.opened_at, Case.opened_at.label("reached")).where(
            _at_in(Case.opened_at, period)
        )
    if key == "days_to_bid":
        first = (
            select(
                BestInterestsDetermination.case_id,
                func.min(BestInterestsDetermination.approved_at).label("reached"),
            )
            .where(BestInterestsDetermination.approved_at.is_not(None))
            .group_by(BestInterestsDetermination.case_id)
            .subquery()
        )
        return (
            on_cases(Child.identified_on, Case.opened_at, first.c.reached)
            .join(first, first.c.case_id == Case.id)
            .where(_at_in(first.c.reached, period))
        )
    if key == "days_to_decision":
        first = (
            select(DecisionNotice.case_id, func.min(DecisionNotice.decided_on).label("reached"))
            .group_by(DecisionNotice.case_id)
            .subquery()
        )
        return (
            on_cases(Child.identified_on, Case.opened_at, first.c.reached)
            .join(first, first.c.case_id == Case.id)
            .where(_in(first.c.reached, period))
        )
    if key == "deprived_of_liberty":
        query = on_cases(country, agency, Placement.started_on, Placement.ended_on).join(
            Placement, Placement.case_id == Case.id
        )
        if measure == Measure.OPEN_NOW:
            return query.where(
                Placement.deprives_of_liberty,
                Placement.ended_on.is_(None),
                Placement.started_on <= today,
            )
        return query.where(_deprives_in(period))
    if key == "returns":
        voluntariness = case(
            (Consent.non_voluntary.is_(True), literal("last_resort")),
            (Consent.child_consents.is_(True), literal("voluntary")),
            else_=literal("not_recorded"),
        )
        return (
            on_cases(
                voluntariness.label(d.VOLUNTARINESS),
                country,
                _month(ReturnExecution.travelled_on).label(d.MONTH),
            )
            .join(ReturnExecution, ReturnExecution.case_id == Case.id)
            .outerjoin(Consent, Consent.case_id == Case.id)
            .where(_in(ReturnExecution.travelled_on, period))
        )
    if key == "approvals_withdrawn":
        return (
            select(ReturnApproval.case_id.label("case_id"))
            .where(ReturnApproval.case_id.in_(scope))
            .where(_at_in(ReturnApproval.withdrawn_at, period))
        )
    if key == "decisions":
        return (
            select(DecisionNotice.case_id.label("case_id"), DecisionNotice.outcome.label(d.OUTCOME))
            .where(DecisionNotice.case_id.in_(scope))
            .where(_in(DecisionNotice.decided_on, period))
        )
    if key == "appeals_lodged":
        return select(Appeal.case_id.label("case_id")).where(
            Appeal.case_id.in_(scope), _in(Appeal.lodged_on, period)
        )
    if key == "appeals_upheld":
        return select(Appeal.case_id.label("case_id")).where(
            Appeal.case_id.in_(scope),
            Appeal.status == AppealStatus.UPHELD,
            _in(Appeal.decided_on, period),
        )
    if key == "complaints":
        query = select(
            Complaint.case_id.label("case_id"), Complaint.lodged_on, Complaint.responded_on
        ).where(Complaint.case_id.in_(scope))
        if measure == Measure.OPEN_NOW:
            return query.where(Complaint.status == ComplaintStatus.OPEN)
        if measure in (Measure.MEDIAN, Measure.P90):
            return query.where(_in(Complaint.responded_on, period))
        return query.where(_in(Complaint.lodged_on, period))
    visits = select(MonitoringVisit.case_id.label("case_id")).where(
        MonitoringVisit.case_id.in_(scope)
    )
    if key == "visits_due":
        return visits.where(_in(MonitoringVisit.due_on, period))
    if key == "visits_done":
        return visits.where(_in(MonitoringVisit.visited_on, period))
    if key == "visits_overdue":
        last_due = period.end - timedelta(days=OVERDUE_DAYS + 1)
        return visits.where(
            MonitoringVisit.due_on.between(period.start, last_due),
            or_(MonitoringVisit.visited_on.is_(None), MonitoringVisit.visited_on > period.end),
        )
    raise KeyError(key)


# -- figures ------------------------------------------------------------------------------
# Every figure of the catalogue comes from TWO statements whatever the catalogue (issue 16:
# one per figure was 30): the counts, each a branch of one ``UNION ALL`` (``_counts``), and
# the rows the durations and the days deprived of liberty are taken from, each a branch of
# another (``_dated_values``). Each branch is the same ``_base`` query the drill-down lists.


def _count_branch(part: int, key: str, base: Select, dimension: str | None) -> Select:
    """One branch of ``_counts``: ``(part, category as text, count)``, grouped by
    ``dimension`` (or one total row)."""
    sub = base.subquery()
    children = BY_KEY[key].unit is Unit.CHILDREN
    counted = func.count(distinct(sub.c.case_id)) if children else func.count()
    label = literal(part, Integer).label("part")
    if dimension is None:
        total = literal("", String).label("category")
        return select(label, total, counted.label("n")).select_from(sub)
    column = sub.c[dimension]
    return select(label, cast(column, String).label("category"), counted.label("n")).group_by(
        column
    )


def _counts(branches: list[Select], *, lean: bool = False) -> list[dict[str, int]]:
    """Run the count branches in one statement: per branch, ``{category: count}`` in the
    category's order (a total is ``{"": n}``; no category is ``UNKNOWN``).

    ``lean``: one statement per branch instead. SQLite keeps each branch's sorter until its
    statement ends (at 100,000 cases the catalogue's 25 counts reached 13.9 MB of SQLite's
    memory together, 3.5 MB one at a time), which the audit export, held near 100 MB, cannot
    spare (issue 16 item 6); a page keeps its one statement (the query budget)."""
    results: list[dict[str, int]] = [{} for _ in branches]
    step = 1 if lean else max(len(branches), 1)
    for start in range(0, len(branches), step):
        chunk = branches[start : start + step]
        union = (chunk[0] if len(chunk) == 1 else union_all(*chunk)).subquery()
        query = select(union.c.part, union.c.category, union.c.n).order_by(
            union.c.part, union.c.category
        )
        for part, category, number in db.session.execute(query, execution_options=_once(lean)):
            result = results[part]
            name = UNKNOWN if category is None else str(category)
            result[name] = result.get(name, 0) + number
    return results


# The columns of ``_dated_values``' branches: a start day, a start moment, an end day, an end
# moment (each branch fills the ones it has; the others are typed NULLs).
_DATED = (
    ("d1", Date()),
    ("t1", Case.opened_at.type),
    ("d2", Date()),
    ("t2", BestInterestsDetermination.approved_at.type),
)
# Indicators whose "reached" is a day (a decision notice's), not a moment.
_REACHED_ON_A_DAY = {"days_to_decision"}


def _dated_branch(part: int, key: str, kind: str, base: Select) -> Select:
    """One branch of ``_dated_values``: the two dates of each row of ``base`` (``kind``
    "durations" or "deprived")."""
    sub = base.subquery()
    if kind == "deprived":
        values = {"d1": sub.c.started_on, "d2": sub.c.ended_on}
    elif key == "complaints":
        values = {"d1": sub.c.lodged_on, "d2": sub.c.responded_on}
    else:
        reached = "d2" if key in _REACHED_ON_A_DAY else "t2"
        values = {"d1": sub.c.identified_on, "t1": sub.c.opened_at, reached: sub.c.reached}
    columns = [
        (values[name] if name in values else cast(null(), type_)).label(name)
        for name, type_ in _DATED
    ]
    return select(literal(part, Integer).label("part"), *columns)


def _once(lean: bool) -> dict:
    """Execution options of a ``lean`` computation's statements: not kept compiled (the
    export's thirty one-off statements held ~3 MB in the engine's cache; issue 16 item 6)."""
    return {"compiled_cache": None} if lean else {}


def _dated_values(
    branches: list[Select], folds: list[DayCounts | DaysDeprived], *, lean: bool = False
) -> None:
    """Run the dated branches in one statement (``lean``: one each, as ``_counts``), each
    row folded into its branch's ``folds`` as it is read: no row is kept (issue 16 item 6:
    memory flat in the number of cases, for the indicators page, their snapshots and the
    audit export alike)."""
    step = 1 if lean else max(len(branches), 1)
    # Options per statement: ``Connection.execution_options`` would change the session's own
    # connection, and a lasting ``yield_per`` (a server-side cursor on PostgreSQL) breaks the
    # transaction's later writes (the export's own audit entry).
    options = {"yield_per": 1000, **_once(lean)}
    for start in range(0, len(branches), step):
        chunk = branches[start : start + step]
        statement = chunk[0] if len(chunk) == 1 else union_all(*chunk)
        for row in db.session.connection().execute(statement, execution_options=options):
            folds[row.part].add(row)


class DayCounts:
    """How many rows of a duration cohort took each number of days (never negative).

    The median and the nearest-rank percentile are read from these counts exactly as from the
    sorted list of days, in memory that grows with the longest duration, not with the number
    of rows (issue 16 item 6)."""

    def __init__(self, key: str = "") -> None:
        """Counts for the indicator ``key`` (which dates its rows' duration runs between)."""
        self.key = key
        self.counts: dict[int, int] = {}
        self.total = 0

    @classmethod
    def of(cls, days: Iterable[int]) -> DayCounts:
        """The counts of a list of days."""
        counted = cls()
        for value in days:
            counted.count(value)
        return counted

    def count(self, days: int) -> None:
        """One more row that took ``days``."""
        self.counts[days] = self.counts.get(days, 0) + 1
        self.total += 1

    def add(self, row) -> None:
        """One more row ``(d1, t1, d2, t2)`` of the cohort."""
        if self.key == "complaints":
            start, reached = row.d1, row.d2
        else:
            start = row.d1 or _day(row.t1)
            reached = row.d2 if self.key in _REACHED_ON_A_DAY else row.t2
        self.count(max((_day(reached) - start).days, 0))

    def nth(self, index: int) -> int:
        """The ``index``-th smallest number of days (from 0)."""
        for days in sorted(self.counts):
            index -= self.counts[days]
            if index < 0:
                return days
        raise IndexError(index)

    def median(self) -> float | None:
        """The median (``statistics.median`` of the days), ``None`` for none."""
        n = self.total
        if not n:
            return None
        if n % 2:
            return float(self.nth(n // 2))
        return (self.nth(n // 2 - 1) + self.nth(n // 2)) / 2

    def nearest_rank(self, share: float) -> int | None:
        """The nearest-rank percentile, ``None`` for none."""
        if not self.total:
            return None
        return self.nth(max(math.ceil(share * self.total), 1) - 1)


class DaysDeprived:
    """Days spent deprived of liberty within the period (both ends included), added up."""

    def __init__(self, period: Period, today: date) -> None:
        """A running total over ``period``, the open stays ending ``today``."""
        self.period, self.today, self.total = period, today, 0

    def add(self, row) -> None:
        """One more stay ``(d1: started, d2: ended or None)``."""
        first = max(row.d1, self.period.start)
        last = min(row.d2 or self.today, self.period.end, self.today)
        self.total += max((last - first).days + 1, 0)


def nearest_rank(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile of ``values`` (``None`` for none)."""
    return DayCounts.of(values).nearest_rank(share)


def median(values: list[int]) -> float | None:
    """The median of ``values`` (``None`` for none)."""
    return DayCounts.of(values).median()


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def compute(
    user,
    period: Period,
    *,
    today: date | None = None,
    scope: Select | None = None,
    lean: bool = False,
) -> list[Figure]:
    """Every figure of the catalogue for ``period``, over the cases ``user`` may see (or the
    case ids of ``scope`` when given): two statements (``_counts``, ``_dated_values``), or
    one per count with ``lean`` (less memory: ``_counts``)."""
    today = today or clock.today()
    scope = scope if scope is not None else scope_ids(user)
    counts: list[Select] = []
    dated: list[Select] = []
    folds: list[DayCounts | DaysDeprived] = []
    # What to add, in the catalogue's order: (indicator, measure, dimension, how, branch)
    steps: list[tuple[str, str, str, str, int]] = []

    def count(key, measure, base, dimension=None):
        steps.append((key, str(measure), str(dimension or ""), "count", len(counts)))
        counts.append(_count_branch(len(counts), key, base, dimension))

    def rows(key, measure, kind, base):
        steps.append((key, str(measure), "", kind, len(dated)))
        dated.append(_dated_branch(len(dated), key, kind, base))
        folds.append(DaysDeprived(period, today) if kind == "deprived" else DayCounts(key))

    for indicator in CATALOGUE:
        key = indicator.key
        base = _base(key, Measure.COUNT, period, scope, today)
        if indicator.unit is Unit.DAYS:
            rows(key, Measure.COUNT, "durations", base)
            continue
        count(key, Measure.COUNT, base)
        if Measure.DAYS in indicator.measures:
            rows(key, Measure.DAYS, "deprived", base)
        if Measure.MEDIAN in indicator.measures:
            rows(key, Measure.MEDIAN, "durations", _base(key, Measure.MEDIAN, period, scope, today))
        if Measure.OPEN_NOW in indicator.measures:
            count(key, Measure.OPEN_NOW, _base(key, Measure.OPEN_NOW, period, scope, today))
        for dimension in indicator.dimensions:
            count(key, Measure.COUNT, base, dimension)

    counted = _counts(counts, lean=lean)
    _dated_values(dated, folds, lean=lean)
    figures: list[Figure] = []
    for key, measure, breakdown, how, branch in steps:
        if how == "count":
            for category, value in counted[branch].items():
                figures.append(Figure(key, measure, breakdown, category, value))
            continue
        fold = folds[branch]
        if isinstance(fold, DaysDeprived):
            figures.append(Figure(key, measure, "", "", fold.total))
            continue
        if measure == Measure.COUNT:  # a duration indicator: its count, then median and p90
            figures.append(Figure(key, str(Measure.COUNT), "", "", fold.total))
        figures.append(Figure(key, str(Measure.MEDIAN), "", "", fold.median()))
        figures.append(Figure(key, str(Measure.P90), "", "", fold.nearest_rank(0.9)))
    return figures


def drill_down(
    user,
    period: Period,
    key: str,
    *,
    measure: str = Measure.COUNT,
    dimension: str = "",
    category: str = "",
    today: date | None = None,
) -> Select:
    """The ids of exactly the cases behind one figure (raises KeyError for an unknown one)."""
    indicator = BY_KEY[key]
    if measure not in indicator.measures:
        raise KeyError(measure)
    if dimension and dimension not in indicator.dimensions:
        raise KeyError(dimension)
    today = today or clock.today()
    base_measure = Measure.COUNT if measure in (Measure.COUNT, Measure.DAYS) else measure
    if indicator.unit is Unit.DAYS:
        base_measure = Measure.COUNT
    sub = _base(key, base_measure, period, scope_ids(user), today).subquery()
    query = select(sub.c.case_id).distinct()
    if dimension:
        column = sub.c[dimension]
        matches = column == category
        query = query.where(or_(matches, column.is_(None)) if category == UNKNOWN else matches)
    return query


def figure_map(figures: Iterable[Figure]) -> dict:
    """``{(indicator, measure, dimension, category): value}`` for templates and tests."""
    return {(f.indicator, f.measure, f.dimension, f.category): f.value for f in figures}
