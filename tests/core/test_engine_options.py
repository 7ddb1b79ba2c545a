"""Per-database engine options (``caseapp.core.config._tune_engine``)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from caseapp import create_app
from caseapp.core.config import ConfigError
from tests.conftest import SECRET

PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _options(uri: str, tmp_path, **config) -> dict:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "SECRET_KEY": SECRET,
            "INSTANCE_PATH": str(tmp_path),
            **config,
        }
    )
    return app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_postgresql_connections_run_without_jit_and_wait_15_s_for_a_lock(tmp_path):
    assert _options(PG, tmp_path)["connect_args"] == {"options": "-c jit=off -c lock_timeout=15000"}


def test_sqlite_connections_get_a_busy_timeout_and_no_postgresql_options(tmp_path):
    connect_args = _options(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)["connect_args"]
    assert connect_args == {"timeout": 15.0}


def test_the_lock_timeout_is_a_setting_for_both_databases(tmp_path):
    sqlite = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert _options(sqlite, tmp_path, DATABASE_LOCK_TIMEOUT=2.5)["connect_args"] == {"timeout": 2.5}
    assert _options(PG, tmp_path, DATABASE_LOCK_TIMEOUT=2.5)["connect_args"] == {
        "options": "-c jit=off -c lock_timeout=2500"
    }


@pytest.mark.parametrize("value", [0, -1, 26, "15", True, None])
def test_a_lock_timeout_that_is_no_number_of_seconds_up_to_25_stops_the_start(tmp_path, value):
    # 25 s at most: the answer must come before gunicorn replaces a waiting worker (30 s).
    with pytest.raises(ConfigError, match="DATABASE_LOCK_TIMEOUT"):
        _options(PG, tmp_path, DATABASE_LOCK_TIMEOUT=value)


def test_the_test_database_waits_for_a_lock_as_configured(app, db):
    if db.engine.dialect.name == "postgresql":
        assert db.session.execute(text("SHOW lock_timeout")).scalar() == "15s"
    else:
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000


def test_the_test_database_runs_without_jit_on_postgresql(app, db):
    if db.engine.dialect.name != "postgresql":
        return  # SQLite has no JIT: nothing to switch off
    assert db.session.execute(text("SHOW jit")).scalar() == "off"


def test_pooled_connections_are_taken_last_in_first_out(tmp_path):
    assert _options(PG, tmp_path)["pool_use_lifo"] is True
    assert _options(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)["pool_use_lifo"] is True
    assert "pool_use_lifo" not in _options("sqlite:///:memory:", tmp_path)


def test_the_pool_keeps_ten_connections_and_opens_fifteen_at_most(tmp_path):
    for uri in (PG, f"sqlite:///{tmp_path / 'x.sqlite3'}"):
        options = _options(uri, tmp_path)
        assert (options["pool_size"], options["max_overflow"]) == (10, 5)
    assert "pool_size" not in _options("sqlite:///:memory:", tmp_path)


def test_ten_connections_returned_stay_open(app, db):
    if db.engine.url.database in (None, "", ":memory:"):
        return  # one connection, no pool
    held = [db.engine.connect() for _ in range(12)]
    dbapi = [c.connection.dbapi_connection for c in held]
    for conn in held:
        conn.close()
    assert db.engine.pool.checkedin() == 10  # the two beyond the pool's size were closed
    again = [db.engine.connect() for _ in range(10)]
    assert {id(c.connection.dbapi_connection) for c in again} <= {id(d) for d in dbapi}
    for conn in again:
        conn.close()


def test_the_engine_pool_hands_back_the_connection_used_last(app, db):
    if db.engine.url.database in (None, "", ":memory:"):
        return  # one connection, no pool to order
    pool = db.engine.pool
    first, second = db.engine.connect(), db.engine.connect()
    first_dbapi = first.connection.dbapi_connection
    second_dbapi = second.connection.dbapi_connection
    second.close()
    first.close()  # returned last: taken first
    with db.engine.connect() as again:
        assert again.connection.dbapi_connection is first_dbapi
    assert pool.__class__.__name__ == "QueuePool"
    assert second_dbapi is not first_dbapi
