"""The request log line names the signed-in user's id without loading the user again after the
request's commit (issue 16: that reload was one more transaction and statement per page)."""

from __future__ import annotations

import logging

from sqlalchemy import event

from caseapp.core.logging import REQUEST_LOGGER
from caseapp.core.permissions import Role


def test_the_log_line_has_the_user_id_and_no_statement_reloads_the_user(
    app, db, client, factory, login, caplog
):
    user = factory.user(Role.CASEWORKER)
    db.session.commit()
    login(user)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    caplog.set_level(logging.INFO)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert client.get("/cases/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    lines = [r.getMessage() for r in caplog.records if r.name == REQUEST_LOGGER]
    assert any(line.endswith(f"GET /cases/ 200 user={user.id}") for line in lines), lines
    reloads = [
        s
        for s in statements
        if s.startswith("SELECT user_account.") and "WHERE user_account.id = " in s
    ]
    assert reloads == []


def test_an_anonymous_request_logs_no_user(app, client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/login")
    lines = [r.getMessage() for r in caplog.records if r.name == REQUEST_LOGGER]
    assert any(line.endswith("GET /login 200 user=None") for line in lines), lines
