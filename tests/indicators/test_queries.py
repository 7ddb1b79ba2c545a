"""Each indicator on the known data set (tests/indicators/dataset.py), against hand counts."""

from __future__ import annotations

import math
import random
import statistics

import pytest
from sqlalchemy import event

from caseapp.core.extensions import db
from caseapp.indicators.catalogue import CATALOGUE
from caseapp.indicators.queries import (
    DayCounts,
    compute,
    drill_down,
    figure_map,
    median,
    nearest_rank,
)
from tests.indicators.dataset import PERIOD, TODAY, build

# (indicator, measure, dimension, category) -> value, counted by hand from the data set.
EXPECTED_ALL = {
    ("identified", "count", "", ""): 3,
    ("identified", "count", "care_status", "unaccompanied"): 2,
    ("identified", "count", "care_status", "separated"): 1,
    ("identified", "count", "sex", "female"): 2,
    ("identified", "count", "sex", "male"): 1,
    ("identified", "count", "age_band", "15-17"): 1,
    ("identified", "count", "age_band", "0-5"): 1,
    ("identified", "count", "age_band", "12-14"): 1,
    ("identified", "count", "country_of_origin", "UA"): 2,
    ("identified", "count", "country_of_origin", "KG"): 1,
    ("identified", "count", "lead_agency", "AGA"): 2,
    ("identified", "count", "lead_agency", "AGB"): 1,
    ("identified", "count", "month", "2026-01"): 1,
    ("identified", "count", "month", "2026-02"): 1,
    ("identified", "count", "month", "2026-03"): 1,
    ("days_to_opening", "count", "", ""): 3,
    ("days_to_opening", "median", "", ""): 0.0,
    ("days_to_opening", "p90", "", ""): 2,
    ("days_to_bid", "count", "", ""): 1,
    ("days_to_bid", "median", "", ""): 31.0,
    ("days_to_bid", "p90", "", ""): 31,
    ("days_to_decision", "count", "", ""): 2,
    ("days_to_decision", "median", "", ""): 25.5,
    ("days_to_decision", "p90", "", ""): 41,
    ("deprived_of_liberty", "count", "", ""): 3,
    ("deprived_of_liberty", "days", "", ""): 10 + 31 + 5,
    ("deprived_of_liberty", "open_now", "", ""): 1,
    ("deprived_of_liberty", "count", "country_of_origin", "UA"): 2,
    ("deprived_of_liberty", "count", "country_of_origin", "KG"): 1,
    ("deprived_of_liberty", "count", "lead_agency", "AGA"): 2,
    ("deprived_of_liberty", "count", "lead_agency", "AGB"): 1,
    ("returns", "count", "", ""): 2,
    ("returns", "count", "voluntariness", "voluntary"): 1,
    ("returns", "count", "voluntariness", "last_resort"): 1,
    ("returns", "count", "country_of_origin", "UA"): 1,
    ("returns", "count", "country_of_origin", "unknown"): 1,
    ("returns", "count", "month", "2026-01"): 1,
    ("returns", "count", "month", "2026-03"): 1,
    ("approvals_withdrawn", "count", "", ""): 1,
    ("decisions", "count", "", ""): 2,
    ("decisions", "count", "outcome", "return"): 1,
    ("decisions", "count", "outcome", "local_integration"): 1,
    ("appeals_lodged", "count", "", ""): 2,
    ("appeals_upheld", "count", "", ""): 1,
    ("complaints", "count", "", ""): 2,
    ("complaints", "median", "", ""): 10.0,
    ("complaints", "p90", "", ""): 10,
    ("complaints", "open_now", "", ""): 1,
    ("visits_due", "count", "", ""): 2,
    ("visits_done", "count", "", ""): 1,
    ("visits_overdue", "count", "", ""): 1,
}


@pytest.fixture
def data(app, factory):
    return build(factory)


def test_every_figure_matches_the_hand_count(data):
    got = figure_map(compute(data.ombudsperson, PERIOD, today=TODAY))
    assert got == EXPECTED_ALL


def test_lean_gives_the_same_figures_one_count_at_a_time(data):
    """The export's ``lean`` computation (one statement per count, for its peak memory;
    issue 16 item 6) gives every figure the one-statement computation gives."""
    statements: list[str] = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        lean = compute(data.ombudsperson, PERIOD, today=TODAY, lean=True)
        at_once = len(statements)
        statements.clear()
        together = compute(data.ombudsperson, PERIOD, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert figure_map(lean) == EXPECTED_ALL
    assert lean == together  # the same figures in the same order
    assert at_once > len(statements) + 20  # one per branch (25 counts, 5 dated) against two


def test_a_supervisor_counts_only_their_agency(data):
    got = figure_map(compute(data.supervisor_a, PERIOD, today=TODAY))
    assert got[("identified", "count", "", "")] == 2
    assert ("identified", "count", "lead_agency", "AGB") not in got
    assert got[("deprived_of_liberty", "count", "", "")] == 2
    assert got[("deprived_of_liberty", "days", "", "")] == 41
    assert got[("complaints", "open_now", "", "")] == 0
    assert got[("decisions", "count", "outcome", "return")] == 1
    assert ("decisions", "count", "outcome", "local_integration") not in got


def test_the_number_of_queries_does_not_grow_with_the_data(app, factory, data):
    count = []
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        compute(data.ombudsperson, PERIOD, today=TODAY)
        first = len(count)
        for _ in range(3):
            factory.case(caseworker=data.caseworker_a)
        count.clear()
        compute(data.ombudsperson, PERIOD, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len(count) == first
    assert first <= 40


DRILLS = [
    (("identified", "count", "", ""), (1, 2, 3)),
    (("identified", "count", "sex", "female"), (1, 3)),
    (("identified", "count", "age_band", "12-14"), (3,)),
    (("identified", "count", "month", "2026-03"), (3,)),
    (("days_to_decision", "median", "", ""), (1, 3)),
    (("deprived_of_liberty", "count", "", ""), (1, 2, 3)),
    (("deprived_of_liberty", "open_now", "", ""), (2,)),
    (("deprived_of_liberty", "count", "lead_agency", "AGB"), (3,)),
    (("returns", "count", "voluntariness", "last_resort"), (4,)),
    (("returns", "count", "country_of_origin", "unknown"), (4,)),
    (("approvals_withdrawn", "count", "", ""), (4,)),
    (("appeals_upheld", "count", "", ""), (2,)),
    (("complaints", "open_now", "", ""), (3,)),
    (("visits_overdue", "count", "", ""), (1,)),
]


@pytest.mark.parametrize(("figure", "cases"), DRILLS)
def test_the_drill_down_lists_exactly_the_cases_counted(data, figure, cases):
    key, measure, dimension, category = figure
    query = drill_down(
        data.ombudsperson,
        PERIOD,
        key,
        measure=measure,
        dimension=dimension,
        category=category,
        today=TODAY,
    )
    assert set(db.session.scalars(query)) == data.ids(*cases)


def test_every_child_figure_equals_the_length_of_its_drill_down(data):
    figures = compute(data.ombudsperson, PERIOD, today=TODAY)
    children = {i.key for i in CATALOGUE if i.unit == "children"}
    for f in figures:
        if f.indicator in children and f.measure in ("count", "open_now"):
            query = drill_down(
                data.ombudsperson,
                PERIOD,
                f.indicator,
                measure=f.measure,
                dimension=f.dimension,
                category=f.category,
                today=TODAY,
            )
            assert len(db.session.scalars(query).all()) == f.value, f


def test_unknown_figures_are_refused(data):
    with pytest.raises(KeyError):
        drill_down(data.ombudsperson, PERIOD, "nothing")
    with pytest.raises(KeyError):
        drill_down(data.ombudsperson, PERIOD, "appeals_lodged", dimension="sex")


def test_nearest_rank():
    assert nearest_rank([], 0.9) is None
    assert nearest_rank([5], 0.9) == 5
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank(list(range(1, 12)), 0.9) == 10


def test_day_counts_read_as_the_sorted_days():
    """The median and the 90th percentile from the counts per number of days are those of the
    sorted list (issue 16 item 6: no row kept), for odd and even sizes, ties and zeros."""
    rng = random.Random(16)
    for size in (*range(1, 12), 97, 1000):
        days = [rng.choice((0, rng.randrange(400), rng.randrange(5))) for _ in range(size)]
        ordered = sorted(days)
        assert median(days) == float(statistics.median(days))
        assert nearest_rank(days, 0.9) == ordered[max(math.ceil(0.9 * size), 1) - 1]
        assert DayCounts.of(days).total == size
    assert median([]) is None
    assert median([3, 1]) == 2.0
    assert median([1, 2, 4]) == 2.0


def test_day_counts_grow_with_distinct_days_not_rows():
    counted = DayCounts.of([7] * 10_000 + [3] * 5_000)
    assert counted.counts == {7: 10_000, 3: 5_000}
    assert counted.median() == 7.0
    assert counted.nearest_rank(0.2) == 3
