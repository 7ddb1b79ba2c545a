"""No personal data in logs, escaped control characters, generic error pages
(ASVS 5.0 V16.2.5, V16.4.1, V16.5.1)."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from caseapp.core.logging import GUNICORN_ACCESS_FORMAT, REQUEST_LOGGER, EscapeControlChars
from caseapp.core.permissions import Role
from tests.security.conftest import PDF

ROOT = Path(__file__).resolve().parents[2]
CHILD = "Zhyvorodka"
FAMILY = "Pryshchepenko"
EMAIL = "anastasiya.probe@example.org"


def _gunicorn_line(path: str, query: str) -> str:
    """What gunicorn's access log writes for a request, with ``make run``'s format."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", GUNICORN_ACCESS_FORMAT)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = Logger(config).atoms(response, {}, environ, timedelta(milliseconds=5))
    return GUNICORN_ACCESS_FORMAT % atoms


def test_workflow_leaves_no_name_or_email_in_any_log(app, client, login, factory, db, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, at the most talkative level
    caseworker = factory.user(Role.CASEWORKER, email=EMAIL)
    case = factory.case(caseworker=caseworker, given=CHILD, family=FAMILY)
    for _ in range(2):
        client.post("/login", data={"email": EMAIL, "password": "wrong password here"})
    client.post("/login", data={"email": f"{CHILD}@example.org", "password": "x" * 12})
    login(caseworker)
    client.get(f"/cases/?q={CHILD}+{FAMILY}")  # a search by name in the query string
    from caseapp.children.models import ChildName

    name = db.session.query(ChildName).filter_by(given_name=CHILD).one()
    name.given_name = CHILD + "a"  # an edit of the child's record
    db.session.commit()
    upload = client.post(
        f"/cases/{case.id}/documents",
        data={"file": (io.BytesIO(PDF), f"{CHILD} {FAMILY} passport.pdf")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    listing = client.get(f"/cases/{case.id}/documents")
    assert CHILD in listing.get_data(as_text=True)  # the page shows it; the log must not
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert any(r.name == REQUEST_LOGGER for r in caplog.records)  # the app did log
    assert f"/cases/{case.id}/documents" in logged
    for secret in (CHILD, FAMILY, EMAIL, "anastasiya"):
        assert secret.lower() not in logged.lower(), secret
    access_line = _gunicorn_line("/cases/", f"q={CHILD}")
    assert CHILD not in access_line and "/cases/" in access_line


def test_make_run_uses_the_access_log_format_without_query_strings():
    import runpy

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    fmt = settings["access_log_format"]
    assert fmt == GUNICORN_ACCESS_FORMAT
    assert "%(r)s" not in fmt and "%(q)s" not in fmt and "%(f)s" not in fmt
    assert settings["accesslog"] == "-"
    assert "gunicorn -c gunicorn.conf.py" in (ROOT / "Makefile").read_text()


def test_control_characters_in_logged_values_are_escaped(app, caplog):
    caplog.set_level(logging.INFO)
    app.logger.info("user typed %s", "x\nFAKE 200 admin logged in\r\x1b[31m")
    (record,) = [r for r in caplog.records if "user typed" in r.getMessage()]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert "\\nFAKE" in message and "\\x1b" in message


def test_escape_filter_on_the_request_logger(app, client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/login%0aFORGED")
    messages = [r.getMessage() for r in caplog.records if r.name == REQUEST_LOGGER]
    assert messages and all("\n" not in m for m in messages)
    assert any("\\nFORGED" in m for m in messages)
    assert isinstance(logging.getLogger(REQUEST_LOGGER).filters[0], EscapeControlChars)


def test_sql_parameters_are_hidden(app):
    from caseapp.core.extensions import db

    assert db.engine.hide_parameters is True


def test_server_error_page_is_generic(make_app, app, caplog):
    with make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False, SECURE_COOKIES=False) as broken:

        @broken.route("/boom")
        def boom():
            raise RuntimeError("secret detail: SELECT * FROM child WHERE name='Zhyvorodka'")

        response = broken.test_client().get("/boom")
        body = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Something went wrong" in body
        for leak in ("Traceback", "RuntimeError", "secret detail", "Zhyvorodka", "SELECT"):
            assert leak not in body
