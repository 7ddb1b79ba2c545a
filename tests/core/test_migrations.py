"""The schema comes only from migrations, and models and migrations agree.

Flask-Migrate (Alembic, Mako) is bound only for ``flask db`` (issue 16 item 6: memory): the
app a web worker or the job worker creates never imports it, and ``flask db`` still works.
The import checks run in fresh interpreters, so the test process's own imports (this module
imports Alembic) do not decide the outcome.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from caseapp.cases.number_index import is_index_object
from caseapp.core import migrations
from tests.conftest import SECRET

ROOT = Path(__file__).resolve().parents[2]


def test_single_head(app):
    """Migrations form one line (no forgotten merge)."""
    config = migrations.init_app(app).migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def _schema_diff(db) -> list:
    """What autogenerate finds between the models and the database (nothing, when they agree)."""
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "render_as_batch": conn.dialect.name == "sqlite",
                # The case-number text index is the migrations' alone (issue 16).
                "include_name": lambda name, type_, parents: not is_index_object(name),
            },
        )
        return compare_metadata(context, db.metadata)


def test_models_match_migrations(app, db):
    """``upgrade head`` on an empty database leaves nothing for autogenerate to find."""
    assert isinstance(migrations.init_app(app).migrate, Migrate)
    assert _schema_diff(db) == []


def test_downgrade_to_base_and_upgrade_again(app, db):
    """Every migration's downgrade runs: ``upgrade head`` (the test's database is a clone of
    the migrated template) -> ``downgrade base`` leaves no table of ours -> ``upgrade head``
    builds the same schema again, on SQLite and PostgreSQL alike. (SQLite's batch rebuilds
    keep named CHECK constraints: a downgrade dropping an enum column drops its CHECK too.)"""
    from flask_migrate import downgrade, upgrade

    migrations.init_app(app)
    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as conn:
        left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
    assert left == set()
    upgrade()
    assert _schema_diff(db) == []


def test_init_app_binds_once_and_keeps_our_db_group(app):
    assert "migrate" not in app.extensions  # create_app leaves it to ``flask db``
    config = migrations.init_app(app)
    assert app.extensions["migrate"] is config
    assert migrations.init_app(app) is config
    assert config.migrate.directory == str(ROOT / "migrations")
    assert app.cli.commands["db"] is migrations.cli  # not Flask-Migrate's eager group


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEAPP_")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        CASEAPP_SECRET_KEY=SECRET,
        FLASK_APP="caseapp",
    )
    return env


def _python(code: str, tmp_path: Path) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
        check=True,
    )
    return proc.stdout.split()


# Imported where they are used, not by every worker: Flask-Migrate and what it brings, and
# three libraries a single rare request needs (2FA enrolment's QR code, an XLSX download,
# a received exchange document's schema check).
NOT_IMPORTED = ("flask_migrate", "alembic", "mako", "qrcode", "PIL", "xlsxwriter", "jsonschema")


def test_the_app_does_not_import_alembic(tmp_path):
    out = _python(
        "import sys\n"
        "from caseapp import create_app\n"
        "app = create_app()\n"
        f"print(*[m for m in {NOT_IMPORTED!r} if m in sys.modules], 'db' in app.cli.commands)\n",
        tmp_path,
    )
    assert out == ["True"]


def test_the_job_worker_command_does_not_import_alembic(tmp_path):
    """``flask jobs worker`` runs the huey worker: resolving ``jobs`` must not bind it."""
    out = _python(
        "import contextlib, io, sys\n"
        "from flask.cli import main\n"
        "sys.argv = ['flask', 'jobs', 'worker', '--help']\n"
        "shown = io.StringIO()\n"
        "with contextlib.redirect_stdout(shown), contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "print('jobs' in shown.getvalue(), 'alembic' in sys.modules)\n",
        tmp_path,
    )
    assert out == ["True", "False"]


def _flask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
        check=False,
    )


def test_flask_db_heads_upgrade_and_current(app, tmp_path):
    """The ``db`` group (Flask-Migrate's commands) works through the Flask CLI."""
    config = migrations.init_app(app).migrate.get_config()
    (head,) = ScriptDirectory.from_config(config).get_heads()
    proc = _flask(tmp_path, "db", "heads")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [head, "(head)"]
    proc = _flask(tmp_path, "db", "current")  # an empty database: no revision yet
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == []
    proc = _flask(tmp_path, "db", "upgrade")
    assert proc.returncode == 0, proc.stderr
    proc = _flask(tmp_path, "db", "current")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [head, "(head)"]
