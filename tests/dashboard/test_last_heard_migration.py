"""Migration e5a1c7d3b9f2 fills ``case.last_heard_on`` from the hearings already recorded:
the latest hearing's day, None where the child was never heard (issue 16)."""

from datetime import date

import sqlalchemy as sa
from flask_migrate import upgrade

from caseapp import create_app
from caseapp.core import migrations
from tests.conftest import SECRET
from tests.support.migration_db import ENUMS, insert_row

LAST_HEARD = "e5a1c7d3b9f2"


def _before(app) -> str:
    from alembic.script import ScriptDirectory

    config = migrations.init_app(app).migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(LAST_HEARD).down_revision


def test_backfill_takes_the_latest_hearing(tmp_path, monkeypatch):
    monkeypatch.setitem(ENUMS, ("hearing", "weight"), "significant")
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision=_before(app))
        from caseapp.core.extensions import db

        with db.engine.begin() as conn:
            lead = insert_row(conn, "agency", code="L", name="Lead", country="MD")
            user = insert_row(conn, "user_account", email="a@example.org", agency_id=lead)
            heard, never = (
                insert_row(
                    conn,
                    "case",
                    number=n,
                    lead_agency_id=lead,
                    caseworker_id=user,
                    outcome="return",
                )
                for n in ("MD-2026-000001", "MD-2026-000002")
            )
            for day in ("2026-03-01", "2026-05-20", "2026-04-11"):
                insert_row(conn, "hearing", case_id=heard, held_on=day, heard_by_id=user)
        upgrade()
        with db.engine.connect() as conn:
            rows = dict(conn.execute(sa.text('SELECT id, last_heard_on FROM "case"')).all())
        assert date.fromisoformat(str(rows[heard])) == date(2026, 5, 20)
        assert rows[never] is None
