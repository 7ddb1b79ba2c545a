"""Two real caseapp instances on loopback (issue 11 item 6): Ukraine sends, Moldova receives.

Each has its own database (cloned from the migrated template, SQLite or PostgreSQL), its own
instance folder (so its own exchange key) and its own werkzeug server in a thread. They are
paired through the partner register with each other's key and fingerprint.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from caseapp import create_app
from tests.conftest import PG_URL, SECRET


@dataclass
class Instance:
    """One running instance: its app, server, address and people."""

    name: str
    country: str
    app: object
    port: int = 0
    server: object = None
    thread: object = None
    people: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)
            self.server = None


def _clone(template_db, tmp_path, name):
    if template_db["kind"] == "postgresql":
        clones = template_db["clones"]  # tests.support.pg_clones
        db_name = clones.take()
        url = sa.make_url(PG_URL).set(database=db_name).render_as_string(hide_password=False)
        return url, lambda: clones.give_back(db_name)
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(template_db["path"], path)
    return f"sqlite:///{path}", lambda: None


@pytest.fixture
def pair(template_db, tmp_path):
    """``(ua, md)``: two running, paired instances with staff and API tokens."""
    from caseapp.agencies.models import AgencyKind
    from caseapp.api.operations import create_token
    from caseapp.core.extensions import db
    from caseapp.core.permissions import Role
    from caseapp.exchange import keys
    from caseapp.exchange.operations import add_partner
    from tests.support.factories import Factory

    instances, drops = [], []
    for name, country, title in (
        ("ua", "UA", "Child protection service of Ukraine"),
        ("md", "MD", "Child protection directorate of Moldova"),
    ):
        url, drop = _clone(template_db, tmp_path, name)
        drops.append(drop)
        folder = tmp_path / f"instance-{name}"
        folder.mkdir()
        app = create_app(
            {
                "SECRET_KEY": SECRET,
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(folder),
                "EXCHANGE_NAME": title,
                "EXCHANGE_COUNTRY": country,
            }
        )
        inst = Instance(name, country, app)
        with app.app_context():
            f = Factory()
            agency = f.agency(country=country, kind=AgencyKind.CHILD_PROTECTION)
            inst.people["agency"] = agency.id
            inst.people["agency_code"] = agency.code
            for role in ("caseworker", "supervisor", "approver"):
                user = f.user(
                    Role.SUPERVISOR if role != "caseworker" else Role.CASEWORKER, agency=agency
                )
                _token, text = create_token(None, user, name=f"{name} {role} script")
                db.session.commit()
                inst.people[role] = user.id
                inst.people[f"{role}_token"] = text
            inst.people["public_key"] = keys.public_key_text()
            inst.people["key_id"] = keys.key_id()
        inst.start()
        instances.append(inst)
    ua, md = instances
    for here, there in ((ua, md), (md, ua)):
        with here.app.app_context():
            from caseapp.agencies.models import Agency

            add_partner(
                _admin(),
                name=there.app.config["EXCHANGE_NAME"],
                country=there.country,
                base_url=there.url,
                public_key=there.people["public_key"],
                fingerprint_confirmed=keys.grouped(there.people["key_id"]),
                confirmed_by="read aloud by telephone",
                local_agency=db.session.get(Agency, here.people["agency"]),
            )
            db.session.commit()
    try:
        yield ua, md
    finally:
        for inst in instances:
            inst.stop()
            with inst.app.app_context():
                db.session.remove()
                db.engine.dispose()
        for drop in drops:
            drop()


def _admin():
    from caseapp.core.permissions import Role
    from tests.support.factories import Factory

    return Factory().user(Role.ADMIN)
