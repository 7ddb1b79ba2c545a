"""``core.db.planned_with_values``: on PostgreSQL a statement's values go into its SQL (but a
cursor's), so the server plans each user's or agency's statement once instead of on every
request; on SQLite the statement is left as it is (issue 16)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Integer, bindparam, event, select

from caseapp.cases.models import Case, Stage
from caseapp.core.db import planned_with_values


def _sent(db, statement, params):
    """The rows, the SQL text and the parameters ``statement`` is sent with."""
    seen: list = []

    def grab(conn, cursor, sql, parameters, context, executemany):
        seen.append((sql, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        rows = db.session.execute(statement, params).all()
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    (sql, parameters), *_ = [s for s in seen if "FROM" in s[0]]
    return rows, sql, parameters


def _statement():
    return (
        select(Case.id, Case.stage)
        .where(
            Case.lead_agency_id == bindparam("agency_id", type_=Integer),
            Case.stage != bindparam("stage", type_=Case.stage.type),
            Case.opened_at >= bindparam("since", type_=Case.opened_at.type),
            Case.id > bindparam("k1", type_=Integer),
        )
        .order_by(Case.id)
    )


def test_values_but_the_kept_ones_go_into_the_sql_on_postgresql_only(app, db, demo_loaded):
    agency_id, first_id = db.session.execute(
        select(Case.lead_agency_id, Case.id).order_by(Case.id).limit(1)
    ).one()
    params = {
        "agency_id": agency_id,
        "stage": Stage.CLOSED,
        "since": datetime(2000, 1, 1, tzinfo=UTC),
        "k1": first_id,
    }
    plain = _statement()
    planned = planned_with_values(plain, keep=("k1",))
    expected, plain_sql, plain_params = _sent(db, plain, params)
    rows, sql, sent = _sent(db, planned, params)

    assert rows == expected and rows  # the same cases, whichever way they were asked for
    if db.engine.dialect.name == "postgresql":
        assert planned is not plain
        # The agency, the stage and the date are in the text; only the cursor is a parameter.
        assert f"lead_agency_id = {agency_id}" in sql
        assert "'closed'" in sql
        assert "2000-01-01" in sql
        assert "%(k1)s" in sql
        assert dict(sent) == {"k1": first_id}
        # The statement it was made from is unchanged.
        assert len(plain_params) == 4
    else:
        assert planned is plain
        assert sql == plain_sql
        assert len(sent) == 4


def test_the_dashboards_statements_keep_only_the_cursor_as_a_parameter(app, db, demo_loaded):
    """A list built once (``dashboard.queries.built``): on PostgreSQL the user's agency and
    today's date are written in, the keyset cursor stays a parameter; on SQLite all are."""
    from caseapp.dashboard.queries import CURSOR_PARAMS, built

    statement = built(
        ("test_planned_with_values", "cursor"),
        lambda: select(Case.id).where(
            Case.lead_agency_id == bindparam("agency_id", type_=Integer),
            Case.id > bindparam("k1", type_=Integer),
        ),
    )
    agency_id, first_id = db.session.execute(
        select(Case.lead_agency_id, Case.id).order_by(Case.id).limit(1)
    ).one()
    _, sql, sent = _sent(db, statement, {"agency_id": agency_id, "k1": first_id - 1})
    if db.engine.dialect.name == "postgresql":
        assert dict(sent) == {"k1": first_id - 1}
        assert set(CURSOR_PARAMS) >= set(dict(sent))
        assert f"= {agency_id}" in sql
    else:
        assert len(sent) == 2
