"""Per-database engine options (``caseapp.core.config._tune_engine``)."""

from __future__ import annotations

from sqlalchemy import text

from caseapp import create_app
from tests.conftest import SECRET

PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _options(uri: str, tmp_path) -> dict:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path)}
    )
    return app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_postgresql_connections_run_without_jit(tmp_path):
    assert _options(PG, tmp_path)["connect_args"] == {"options": "-c jit=off"}


def test_sqlite_connections_get_a_busy_timeout_and_no_postgresql_options(tmp_path):
    connect_args = _options(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path)["connect_args"]
    assert connect_args == {"timeout": 15}


def test_the_test_database_runs_without_jit_on_postgresql(app, db):
    if db.engine.dialect.name != "postgresql":
        return  # SQLite has no JIT: nothing to switch off
    assert db.session.execute(text("SHOW jit")).scalar() == "off"
