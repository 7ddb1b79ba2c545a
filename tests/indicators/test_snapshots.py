"""The indicators computed ahead (issue 16 item 2): the stored snapshot per scope and period,
the page reading it (fresh, stale, missing), the job and ``flask indicators refresh``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from caseapp.core.db import utcnow
from caseapp.indicators.models import IndicatorSnapshot
from caseapp.indicators.period import default_period
from caseapp.indicators.queries import Figure, Period, compute, figure_map
from caseapp.indicators.snapshots import Scope, all_scopes, read, store
from caseapp.jobs.queue import task
from tests.indicators.dataset import build
from tests.support import clock
from tests.support.auth import LoginHelper
from tests.support.statements import statements

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))
ARGS = {"from": "2026-01-01", "to": "2026-03-31"}
MARK = 4242  # a value no live count gives: seen on the page, it came from the snapshot


@pytest.fixture
def data(app, factory):
    return build(factory)


def _marked(scope: Scope, *, age: timedelta = timedelta(0), value: int = MARK) -> None:
    from caseapp.core.extensions import db

    store(scope, PERIOD, [Figure("identified", "count", "", "", value)], utcnow() - age)
    db.session.commit()


def _statements(app, client, url, **kwargs) -> tuple[int, str]:
    with statements() as seen:
        response = client.get(url, **kwargs)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    return len(seen), html


def _figures(snapshot: IndicatorSnapshot) -> dict:
    return figure_map(Figure(**f) for f in snapshot.figures)


def test_the_scope_is_the_users_visible_cases(db, data):
    assert Scope.of(data.ombudsperson).key == "all"
    assert Scope.of(data.supervisor_a).key == f"agency:{data.agency_a.id}"
    assert Scope.parse(Scope.of(data.supervisor_b).key) == Scope(data.agency_b.id)
    for user in (data.ombudsperson, data.supervisor_a, data.supervisor_b):
        scope = Scope.of(user)
        live = compute(user, PERIOD, today=date(2026, 4, 15))
        ahead = compute(None, PERIOD, today=date(2026, 4, 15), scope=scope.case_ids())
        assert figure_map(ahead) == figure_map(live)


def test_the_command_stores_the_live_figures_of_every_scope(app, db, runner, data):
    _marked(Scope(), age=timedelta(days=8))  # a period nobody asked for in a week: dropped
    result = runner.invoke(args=["indicators", "refresh"])
    assert result.exit_code == 0, result.output
    period = default_period(clock.today())
    scopes = all_scopes()
    assert {data.agency_a.id, data.agency_b.id} <= {s.agency_id for s in scopes}
    assert f"{len(scopes)} scopes refreshed" in result.output
    assert "1 old snapshots dropped" in result.output
    db.session.rollback()
    for user in (data.ombudsperson, data.supervisor_a, data.supervisor_b):
        snapshot = read(Scope.of(user), period)
        assert snapshot is not None
        assert _figures(snapshot) == figure_map(compute(user, period))
    # The instance's scope counts every case of the dataset identified in the last twelve
    # months (the day of identification, else of opening). The dataset's dates are fixed, so
    # how many fall in those months depends on today's date.
    days = [c.child.identified_on or c.opened_at.date() for c in data.cases.values() if c.child]
    in_period = sum(1 for day in days if period.start <= day <= period.end)
    assert _figures(read(Scope(), period))[("identified", "count", "", "")] == in_period
    assert read(Scope(), PERIOD) is None


def test_the_background_job_stores_the_live_figures(make_app, db, data):
    scope = Scope.of(data.supervisor_b)
    expected = figure_map(compute(data.supervisor_b, PERIOD))
    db.session.rollback()  # the test's own session holds no lock while the job writes
    with make_app(TASK_QUEUE_IMMEDIATE=True) as other, other.app_context():
        task(other, "indicators")(scope.key, PERIOD.start.isoformat(), PERIOD.end.isoformat())
        snapshot = read(scope, PERIOD)
        assert snapshot is not None
        assert _figures(snapshot) == expected
        db.session.rollback()


def test_a_missing_snapshot_is_counted_in_the_request_and_stored(app, client, login, db, data):
    login(data.supervisor_a)
    html = client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
    assert "Figures as of" in html and "counted live" in html
    db.session.rollback()
    snapshot = read(Scope.of(data.supervisor_a), PERIOD)
    assert snapshot is not None
    assert _figures(snapshot) == figure_map(compute(data.supervisor_a, PERIOD))


def test_a_fresh_snapshot_is_shown_in_a_few_statements_whatever_the_size(
    app, client, login, factory, db, data
):
    login(data.ombudsperson)
    _marked(Scope())
    few, html = _statements(app, client, "/indicators/", query_string=ARGS)
    assert f">{MARK}<" in html
    assert "Figures as of" in html and "being counted again" not in html
    for _ in range(20):  # more cases: the page does not count them
        factory.case(agency=data.agency_a)
    many, html = _statements(app, client, "/indicators/", query_string=ARGS)
    assert f">{MARK}<" in html
    assert many == few
    assert few <= 6  # the user, the snapshot, the audit entry's write


def test_a_stale_snapshot_is_shown_and_counted_again_once(make_app, factory, db, data):
    expected = figure_map(compute(data.ombudsperson, PERIOD))
    _marked(Scope(), age=timedelta(hours=1))
    with make_app() as queued:  # the SQLite queue, no worker: the jobs wait
        client = queued.test_client()
        LoginHelper(client)(data.ombudsperson)
        db.session.rollback()
        html = client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
        assert f">{MARK}<" in html and "being counted again" in html
        client.get("/indicators/", query_string=ARGS)
        assert queued.extensions["huey"].pending_count() == 1  # not twice
    with make_app(TASK_QUEUE_IMMEDIATE=True) as immediate:
        client = immediate.test_client()
        LoginHelper(client)(data.ombudsperson)
        db.session.rollback()
        html = client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
        assert f">{MARK}<" in html and "being counted again" in html  # shown as stored
        assert _figures(read(Scope(), PERIOD)) == expected  # and counted again at once
        db.session.rollback()
        html = client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
        assert f">{MARK}<" not in html and "being counted again" not in html


def test_a_supervisor_never_reads_another_agencys_snapshot(app, client, login, db, data):
    _marked(Scope(data.agency_b.id), value=MARK)
    _marked(Scope(), value=MARK + 1)
    login(data.supervisor_a)
    html = client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
    assert f">{MARK}<" not in html and f">{MARK + 1}<" not in html
    login(data.supervisor_b)
    assert f">{MARK}<" in client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
    login(data.ombudsperson)
    assert f">{MARK + 1}<" in client.get("/indicators/", query_string=ARGS).get_data(as_text=True)
    scopes = set(db.session.scalars(select(IndicatorSnapshot.scope)))
    assert scopes == {"all", f"agency:{data.agency_a.id}", f"agency:{data.agency_b.id}"}


def test_the_counting_takes_no_write_lock(app, client, login, runner, db, data):
    """On SQLite the request counts a missing snapshot, and the command counts every scope,
    in deferred (read) transactions; only the store opens an IMMEDIATE one (issue 16 item 4)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN DEFERRED/IMMEDIATE is SQLite's")
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN") or "UNION ALL" in statement:
            seen.append("count" if "UNION ALL" in statement else statement)
        elif statement.startswith("INSERT INTO indicator_snapshot"):
            seen.append("store")

    login(data.supervisor_a)
    db.session.rollback()
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        client.get("/indicators/", query_string=ARGS)
        runner.invoke(args=["indicators", "refresh"])
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    begun = None
    for step in seen:
        if step.startswith("BEGIN"):
            begun = step
        elif step == "count":
            assert begun == "BEGIN DEFERRED"
        else:
            assert begun == "BEGIN IMMEDIATE"
    assert seen.count("store") == 1 + len(all_scopes())
    assert seen.count("count") == 2 * seen.count("store")  # compute: two statements each


def test_a_queue_that_is_down_still_shows_the_stale_figures(
    make_app, factory, db, data, monkeypatch, caplog
):
    """The refresh cannot be queued (the queue's storage is down): the page still answers
    with the stored figures and their time, and says so in the log, not a server error."""
    _marked(Scope(), age=timedelta(hours=1))
    with make_app() as queued:
        client = queued.test_client()
        LoginHelper(client)(data.ombudsperson)
        db.session.rollback()

        def down(*args, **kwargs):
            raise OSError("queue storage unavailable")

        monkeypatch.setattr(queued.extensions["huey"], "put_if_empty", down)
        response = client.get("/indicators/", query_string=ARGS)
        assert response.status_code == 200
        assert f">{MARK}<" in response.get_data(as_text=True)
        assert "the refresh could not be queued" in caplog.text
