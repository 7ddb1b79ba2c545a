"""What the indicator page shows: per indicator its totals and, per breakdown, a table and a
chart whose rows and bars link to the cases behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from caseapp.indicators.catalogue import CATALOGUE, Dimension, Indicator, Measure
from caseapp.indicators.charts import Bar, bar_chart
from caseapp.indicators.labels import label_for
from caseapp.indicators.queries import Figure, Period


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
