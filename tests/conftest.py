"""Shared fixtures (Flask tutorial style): ``app``, ``client``, ``runner``, ``login``, factories.

Every test gets its own database, cloned from one migrated once per session by Alembic
(so the schema under test is the migrations' schema). SQLite: a copy of the template file.
PostgreSQL (``CASEAPP_TEST_DATABASE_URL``): ``CREATE DATABASE ... TEMPLATE``, one test ahead in
a thread (``tests.support.pg_clones``). A clone rather
than a rolled-back transaction because many tests need real commits: atomicity, races
between connections, and the browser tests' gunicorn server in another process.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings

from caseapp import create_app
from tests.support import factories
from tests.support.auth import LoginHelper
from tests.support.client import IsolatedClient, IsolatedCliRunner
from tests.support.pg_clones import CloneAhead

# Property-based tests stay fast in CI: a bounded number of examples, no per-example deadline
# (each example drives a case through the real operations on a real database).
settings.register_profile("ci", max_examples=40, deadline=None)
settings.register_profile("thorough", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_URL = os.environ.get("CASEAPP_TEST_DATABASE_URL") or ""
SECRET = "test-secret-key-0123456789abcdef0123456789"


def _pg_admin_url(url: str) -> sa.URL:
    return sa.make_url(url)


def _pg_execute(url: str, *statements: str) -> None:
    engine = sa.create_engine(_pg_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for stmt in statements:
                conn.exec_driver_sql(stmt)
    finally:
        engine.dispose()


def _migrate(url: str, instance: Path) -> None:
    """Build the schema from the migrations (never ``create_all``)."""
    from flask_migrate import upgrade

    from caseapp.core import migrations

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "INSTANCE_PATH": str(instance),
            "TESTING": True,
        }
    )
    migrations.init_app(app)  # create_app leaves Flask-Migrate to ``flask db``
    with app.app_context():
        upgrade()
        from caseapp.core.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A migrated template database, made once per test session."""
    instance = tmp_path_factory.mktemp("instance")
    if PG_URL:
        name = f"caseapp_tpl_{os.getpid()}"
        _pg_execute(PG_URL, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        _migrate(url, instance)
        clones = CloneAhead(PG_URL, name, prefix=f"caseapp_t_{os.getpid()}")
        try:
            yield {"kind": "postgresql", "name": name, "url": url, "clones": clones}
        finally:
            clones.close()
            _pg_execute(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        path = instance / "template.sqlite3"
        _migrate(f"sqlite:///{path}", instance)
        yield {"kind": "sqlite", "path": path}


@pytest.fixture(scope="session")
def demo_template(template_db, tmp_path_factory):
    """The demo, loaded once per test process by ``flask demo`` into a copy of the template.

    Loading it takes 8-20 s; 17 tests read it, and each used to load its own. A test that
    asks for ``demo_loaded`` gets a fresh clone of this database and a copy of its instance
    files (the keys the demo's audit entries were written with), so it may change anything.
    """
    folder = tmp_path_factory.mktemp("demo")
    instance = folder / "instance"
    instance.mkdir()
    if template_db["kind"] == "postgresql":
        name = f"caseapp_demo_{os.getpid()}"
        _pg_execute(
            PG_URL,
            f'DROP DATABASE IF EXISTS "{name}"',
            f'CREATE DATABASE "{name}" TEMPLATE "{template_db["name"]}"',
        )
        url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        made = {"kind": "postgresql", "name": name}
    else:
        path = folder / "demo.sqlite3"
        shutil.copyfile(template_db["path"], path)
        url = f"sqlite:///{path}"
        made = {"kind": "sqlite", "path": path}
    demo_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": str(instance),
        }
    )
    demo_app.test_cli_runner_class = IsolatedCliRunner
    with demo_app.app_context():
        from caseapp.core.extensions import db

        result = demo_app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    if made["kind"] == "sqlite":  # the whole database in the one file that tests copy
        with contextlib.closing(sqlite3.connect(made["path"])) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    try:
        yield {**made, "instance": instance, "output": result.output}
    finally:
        if made["kind"] == "postgresql":
            _pg_execute(PG_URL, f'DROP DATABASE IF EXISTS "{made["name"]}" WITH (FORCE)')


GUIDE_LINE = re.compile(r"^\s+([A-Z]{2}-\d{4}-\d{6})\s+(.+)$", re.M)


@pytest.fixture
def demo_loaded(demo_template):
    """The demo in this test's database (see ``demo_template``): ``output``, what ``flask
    demo`` printed, and ``guide``, ``{what the case shows: case number}`` from it."""
    output = demo_template["output"]
    guide = {shows: number for number, shows in GUIDE_LINE.findall(output)}
    return {"output": output, "guide": guide}


@pytest.fixture
def database_url(request, template_db, tmp_path):
    """A fresh database for one test, cloned from the template (from the demo's, for a test
    that asks for ``demo_loaded``)."""
    if "demo_loaded" in request.fixturenames:
        demo = request.getfixturevalue("demo_template")
        shutil.copytree(demo["instance"], tmp_path / "instance", dirs_exist_ok=True)
        if demo["kind"] == "postgresql":
            name = f"caseapp_d_{os.getpid()}_{uuid.uuid4().hex[:8]}"
            _pg_execute(PG_URL, f'CREATE DATABASE "{name}" TEMPLATE "{demo["name"]}"')
            try:
                yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
            finally:
                _pg_execute(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(demo["path"], path)
        yield f"sqlite:///{path}"
        return
    if template_db["kind"] == "postgresql":
        name = template_db["clones"].take()  # cloned while the previous test ran
        try:
            yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            template_db["clones"].give_back(name)
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(template_db["path"], path)
        yield f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url, tmp_path):
    """Settings for a test app; tests may adjust before ``app`` is built."""
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": False,
    }


@pytest.fixture
def app(app_config):
    """The app, with an application context pushed for direct model work."""
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    with app.app_context():
        yield app
        from caseapp.core.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(app_config):
    """``make_app(**overrides)``: another app on the same test database (e.g. CSRF on)."""
    from contextlib import contextmanager

    @contextmanager
    def build(**overrides):
        other = create_app({**app_config, **overrides})
        other.test_client_class = IsolatedClient
        other.test_cli_runner_class = IsolatedCliRunner
        try:
            yield other
        finally:
            from caseapp.core.extensions import db

            with other.app_context():
                db.engine.dispose()

    return build


@pytest.fixture
def db(app):
    """The SQLAlchemy extension (``db.session`` for direct queries)."""
    from caseapp.core.extensions import db

    return db


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def _forget_built_cases():
    """Case ids start again in every test's database (``tests.support.audit_entries``)."""
    from tests.support.audit_entries import BUILT

    BUILT.clear()


@pytest.fixture
def factory(app):
    """Factories for test data (committed, so other connections see it)."""
    return factories.Factory()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user``."""
    return LoginHelper(client)
