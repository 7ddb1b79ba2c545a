"""The figures computed ahead (issue 16 item 2): one ``IndicatorSnapshot`` per scope and period.

- ``flask indicators refresh`` (cron, e.g. every 10 minutes) and the background job
  (``caseapp.indicators`` on the huey queue) compute the figures with ``queries.compute`` --
  the same function the live page used -- in a read-only transaction, then store them in one
  short write (``store``: insert, or replace an older snapshot).
- The page (``page.shown_figures``) reads the snapshot of the user's scope and period in one
  statement: younger than ``INDICATORS_MAX_AGE_SECONDS`` it is shown as it is; older, it is
  shown with its time and a refresh is queued once (``request_refresh``); missing, the
  figures are computed in the request as before and stored in the request's short write at
  the end.

The scope is the one ``cases.queries.visible_cases`` gives (``dashboard.queries.scope_kind``):
every case for an ombudsperson, the agency's cases for a supervisor; its key names the agency,
so a supervisor never reads another agency's snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Select, delete, select

from caseapp.agencies.models import Agency
from caseapp.cases.models import Case
from caseapp.cases.queries import agency_cases
from caseapp.core.cli import transaction
from caseapp.core.db import insert_or_update, reset_write_intent, utcnow, write_intent
from caseapp.core.extensions import db
from caseapp.indicators.models import IndicatorSnapshot
from caseapp.indicators.queries import Figure, Period, compute

MAX_AGE_SETTING = "INDICATORS_MAX_AGE_SECONDS"
ALL = "all"
KEPT = timedelta(days=7)  # a snapshot nobody refreshed for this long is dropped (``prune``)


@dataclass(frozen=True)
class Scope:
    """Whose cases the figures count: every case (``agency_id`` None) or one agency's."""

    agency_id: int | None = None

    @property
    def key(self) -> str:
        return ALL if self.agency_id is None else f"agency:{self.agency_id}"

    @classmethod
    def of(cls, user) -> Scope:
        """The scope of ``visible_cases(user)``; ValueError for a user who sees no case."""
        from caseapp.dashboard.queries import scope_kind

        kind = scope_kind(user)
        if kind == "all":
            return cls()
        if kind == "agency" and user.agency_id is not None:
            return cls(user.agency_id)
        raise ValueError("this user sees no case")

    @classmethod
    def parse(cls, key: str) -> Scope:
        """The scope named by ``key`` (``all`` or ``agency:<id>``)."""
        if key == ALL:
            return cls()
        kind, _, agency_id = key.partition(":")
        if kind != "agency" or not agency_id.isdigit():
            raise ValueError(key)
        return cls(int(agency_id))

    def case_ids(self) -> Select:
        """The ids of the scope's cases: ``visible_cases`` of an ombudsperson, or of a
        supervisor of the agency (``tests/indicators/test_snapshots.py`` checks they agree)."""
        if self.agency_id is None:
            return select(Case.id)
        return agency_cases(self.agency_id).with_only_columns(Case.id)


def all_scopes() -> list[Scope]:
    """Every scope the page can be asked for: all cases, and each agency's."""
    return [Scope(), *(Scope(i) for i in db.session.scalars(select(Agency.id).order_by(Agency.id)))]


def max_age() -> timedelta:
    """How old a snapshot may be and still be shown without queueing a refresh."""
    return timedelta(seconds=int(current_app.config[MAX_AGE_SETTING]))


def read(scope: Scope, period: Period) -> IndicatorSnapshot | None:
    """The stored snapshot of ``scope`` and ``period`` (one statement), or None."""
    return db.session.scalar(
        select(IndicatorSnapshot).where(
            IndicatorSnapshot.scope == scope.key,
            IndicatorSnapshot.period_start == period.start,
            IndicatorSnapshot.period_end == period.end,
        )
    )


def figures_of(snapshot: IndicatorSnapshot) -> list[Figure]:
    return [Figure(**f) for f in snapshot.figures]


def compute_for(scope: Scope, period: Period, *, today: date | None = None) -> list[Figure]:
    """The live figures of ``scope`` (``queries.compute`` over the scope's cases)."""
    return compute(None, period, today=today, scope=scope.case_ids())


def store(scope: Scope, period: Period, figures: list[Figure], computed_at: datetime) -> None:
    """Insert the snapshot, or replace the stored one if it is older (a refresh that
    finishes after a newer one does not overwrite it). Does not commit."""
    values = {
        "scope": scope.key,
        "period_start": period.start,
        "period_end": period.end,
        "computed_at": computed_at,
        "figures": [f.as_dict() for f in figures],
    }
    dialect = db.session.get_bind().dialect.name
    statement = insert_or_update(dialect, IndicatorSnapshot).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["scope", "period_start", "period_end"],
        set_={
            "computed_at": statement.excluded.computed_at,
            "figures": statement.excluded.figures,
        },
        where=IndicatorSnapshot.computed_at < statement.excluded.computed_at,
    )
    db.session.execute(statement)


def refresh(scope: Scope, period: Period, *, today: date | None = None) -> list[Figure]:
    """Compute the figures of ``scope`` and ``period`` and store them (the job, the CLI).

    The counting (seconds at 100,000 cases) runs in a read-only transaction, which on SQLite
    takes no write lock (``core.db.write_intent``); only the store is a (short) write."""
    computed_at = utcnow()
    db.session.rollback()
    token = write_intent(False)
    try:
        figures = compute_for(scope, period, today=today)
        db.session.rollback()
    finally:
        reset_write_intent(token)
    token = write_intent(True)
    try:
        with transaction():
            store(scope, period, figures, computed_at)
    finally:
        reset_write_intent(token)
    return figures


def prune(now: datetime, *, kept: timedelta = KEPT) -> int:
    """Drop the snapshots computed before ``now - kept`` (periods asked for once and not
    since: the next request counts them again). Does not commit; returns how many."""
    old = IndicatorSnapshot.computed_at < now - kept
    result = db.session.execute(delete(IndicatorSnapshot).where(old))
    return cast(CursorResult[Any], result).rowcount or 0


def claim_key(scope: Scope, period: Period, seen: datetime) -> str:
    """The queue's marker for "a refresh of this (stale) snapshot is queued"."""
    return f"indicators:{scope.key}:{period.start}:{period.end}:{seen.isoformat()}"


def request_refresh(scope: Scope, period: Period, seen: datetime) -> bool:
    """Queue a refresh of the snapshot computed at ``seen``, unless one already is (the
    marker is set atomically in the queue's storage -- SQLite or Redis -- with no write to
    the application's database; the job removes it when it ends). True if queued now."""
    from caseapp.jobs.queue import task

    huey = current_app.extensions["huey"]
    key = claim_key(scope, period, seen)
    if not huey.put_if_empty(key, "1"):
        return False
    try:
        task(current_app, "indicators")(
            scope.key, period.start.isoformat(), period.end.isoformat(), key
        )
    except BaseException:
        huey.get(key)  # not queued: let the next request try again
        raise
    return True
