"""What the indicator page shows: per indicator its totals and, per breakdown, a table and a
chart whose rows and bars link to the cases behind them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from flask import current_app, url_for
from flask_babel import format_datetime
from sqlalchemy import select

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.cases.queries import with_list_rows
from caseapp.core import web
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.indicators import snapshots
from caseapp.indicators.catalogue import BY_KEY, CATALOGUE, Dimension, Indicator, Measure
from caseapp.indicators.charts import Bar, bar_chart
from caseapp.indicators.labels import label_for
from caseapp.indicators.queries import Figure, Period, drill_down

DRILL_LIMIT = 500  # cases listed under one figure (more: "truncated")


@dataclass(frozen=True)
class Shown:
    """The figures the page shows and when they were counted."""

    figures: list[Figure]
    as_of: datetime
    stale: bool  # older than the configured maximum age: a refresh is queued
    now: datetime

    @property
    def as_of_text(self) -> str:
        """``HH:MM`` (with the day when it is not today's), in the configured time zone."""
        day = "yyyy-MM-dd"
        same_day = format_datetime(self.as_of, day) == format_datetime(self.now, day)
        return format_datetime(self.as_of, "HH:mm" if same_day else f"{day} HH:mm")


def shown_figures(user: User, period: Period, *, now: datetime | None = None) -> Shown:
    """The stored snapshot of the user's scope and period (``snapshots``): fresh, as it is;
    stale, as it is with a refresh queued once; missing, computed here (the page's old cost)
    and stored in the request's short write at the end (``web.later``), so that the next
    request reads it. No write lock is taken while the figures are read or counted."""
    now = now or utcnow()
    scope = snapshots.Scope.of(user)
    snapshot = snapshots.read(scope, period)
    if snapshot is None:
        figures = snapshots.compute_for(scope, period)
        web.later(partial(snapshots.store, scope, period, figures, now))
        return Shown(figures, now, stale=False, now=now)
    if now - snapshot.computed_at <= snapshots.max_age():
        return Shown(snapshots.figures_of(snapshot), snapshot.computed_at, stale=False, now=now)
    try:
        snapshots.request_refresh(scope, period, snapshot.computed_at)
    except Exception:  # the queue is down: the figures shown say their time
        current_app.logger.warning("indicators: the refresh could not be queued", exc_info=True)
    return Shown(snapshots.figures_of(snapshot), snapshot.computed_at, stale=True, now=now)


@dataclass
class Cell:
    label: str
    value: int | float | None
    href: str | None


@dataclass
class Breakdown:
    dimension: Dimension
    cells: list[Cell]
    chart: object


@dataclass
class Section:
    indicator: Indicator
    totals: list[Cell] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)


def drill_url(period: Period, key: str, measure: str, dimension: str = "", category: str = ""):
    args: dict[str, Any] = {
        "indicator": key,
        "measure": measure,
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
    }
    if dimension:
        args.update(dimension=dimension, category=category)
    return url_for("indicators.cases", **args)


def sections(figures: list[Figure], period: Period) -> list[Section]:
    """The page's sections, in the catalogue's order."""
    by_indicator: dict[str, list[Figure]] = {}
    for f in figures:
        by_indicator.setdefault(f.indicator, []).append(f)
    result = []
    for indicator in CATALOGUE:
        section = Section(indicator)
        mine = by_indicator.get(indicator.key, [])
        for f in mine:
            if not f.dimension:
                section.totals.append(
                    Cell(
                        str(Measure(f.measure).label),
                        f.value,
                        drill_url(period, f.indicator, f.measure),
                    )
                )
        for dimension in indicator.dimensions:
            rows = [f for f in mine if f.dimension == dimension]
            if dimension is Dimension.MONTH:
                rows.sort(key=lambda f: f.category)
            else:
                rows.sort(key=lambda f: (-(f.value or 0), f.category))
            cells = [
                Cell(
                    label_for(dimension, f.category),
                    f.value,
                    drill_url(period, f.indicator, f.measure, dimension, f.category),
                )
                for f in rows
            ]
            title = f"{indicator.label} — {dimension.label}"
            chart = bar_chart([Bar(c.label, c.value or 0, c.href) for c in cells], title=title)
            section.breakdowns.append(Breakdown(dimension, cells, chart))
        result.append(section)
    return result


@dataclass(frozen=True)
class Drill:
    """The figure a drill-down asks for: only codes travel in the URL, never a name."""

    key: str
    measure: str
    dimension: str
    category: str

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Drill:
        """The figure named by the query string (unknown keys fail in ``drill_rows``)."""
        return cls(
            key=args.get("indicator", ""),
            measure=args.get("measure", Measure.COUNT),
            dimension=args.get("dimension", ""),
            category=args.get("category", ""),
        )

    def audit_diff(self, period: Period, count: int) -> dict[str, Any]:
        """What the ``indicators:drill`` entry records: the figure and how many cases."""
        return {
            "period": period.as_dict(),
            "indicator": self.key,
            "measure": self.measure,
            "dimension": self.dimension,
            "category": self.category,
            "cases": count,
        }

    def context(self, period: Period, rows: Sequence[Case]) -> dict[str, Any]:
        """The drill-down page: the figure, its period, and at most ``DRILL_LIMIT`` cases."""
        return {
            "message": None,
            "indicator": BY_KEY[self.key],
            "measure": Measure(self.measure),
            "dimension": self.dimension,
            "category_label": label_for(self.dimension, self.category) if self.dimension else "",
            "period": period,
            "cases": rows[:DRILL_LIMIT],
            "truncated": len(rows) > DRILL_LIMIT,
        }


def drill_rows(user: User, period: Period, drill: Drill) -> Sequence[Case]:
    """The cases behind the figure, at most ``DRILL_LIMIT + 1`` (one more tells "truncated");
    KeyError for a figure that does not exist."""
    ids = drill_down(
        user,
        period,
        drill.key,
        measure=drill.measure,
        dimension=drill.dimension,
        category=drill.category,
    )
    query = with_list_rows(select(Case).where(Case.id.in_(ids))).order_by(Case.number)
    return db.session.scalars(query.limit(DRILL_LIMIT + 1)).unique().all()
