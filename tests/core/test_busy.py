"""A write the database gives up on because of another one: "busy, nothing saved", never a
server error, and what the user sent comes back to be sent again (``core.error_pages.busy``).

Another real connection holds the lock the request needs: on SQLite the write lock (``BEGIN
IMMEDIATE``), on PostgreSQL the chain head and the case's row (``FOR UPDATE``). The request
waits ``DATABASE_LOCK_TIMEOUT`` (half a second here) and gives up; sent again once the lock
is released, the same fields are saved.
"""

from __future__ import annotations

import html
import re
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from caseapp.cases.models import Case
from caseapp.core.db import contention
from caseapp.core.permissions import Role
from tests.cases.test_case_page import CHILD_FORM
from tests.support.audit import count_entries
from tests.support.auth import PASSWORD
from tests.support.locks import another_writer

HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')
SEND_AGAIN = re.compile(r'<form method="post" action="([^"]*)" id="send-again">(.*?)</form>', re.S)


def send_again(page: str) -> tuple[str, dict[str, str]]:
    """The busy page's form: where it posts, and its fields."""
    found = SEND_AGAIN.search(page)
    assert found, "no form to send again"
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(found.group(2))}
    return html.unescape(found.group(1)), fields


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DATABASE_LOCK_TIMEOUT": 0.5}


def test_an_edit_that_waits_too_long_is_answered_busy_and_sent_again_later(
    client, factory, login, db
):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user)
    case_id = case.id
    login(user)
    before = count_entries()
    posted = {**CHILD_FORM, "languages": "Română, «Gagauz»", "version": "1"}
    db.session.commit()
    db.session.close()

    with another_writer(db, case_id):
        response = client.post(f"/cases/{case_id}/child", data=posted)

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Nothing was saved." in page
    assert "Send again" in page
    target, kept = send_again(page)
    assert kept == posted  # every field as sent, the version with them
    assert target == f"/cases/{case_id}/child"
    db.session.expire_all()
    assert db.session.get(Case, case_id).version == 1  # nothing of the edit
    assert db.session.get(Case, case_id).child.languages != ["Română", "«Gagauz»"]
    assert count_entries() == before  # and no audit entry of it

    again = client.post(target, data=kept)  # "Send again"
    assert again.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Case, case_id)
    assert saved.version == 2
    assert saved.child.languages == ["Română", "«Gagauz»"]
    assert count_entries("child:record:update") == 1


def test_a_password_is_not_written_back_into_the_page(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case_id = factory.case(caseworker=user).id
    login(user)
    db.session.commit()
    db.session.close()
    new = "a-much-longer-passphrase-of-2026"
    with another_writer(db, case_id):  # a valid change, given up for the lock
        response = client.post(
            "/password", data={"current_password": PASSWORD, "new_password": new, "confirm": new}
        )
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert PASSWORD not in page and new not in page
    assert "Files and passwords are not kept" in page


def test_a_page_whose_view_entry_cannot_be_written_is_not_shown(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user, given="Дмитрий", family="Иванов")
    case_id = case.id
    login(user)
    db.session.commit()
    db.session.close()

    with another_writer(db, case_id):
        response = client.get(f"/cases/{case_id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Иванов" not in page  # the record is not shown without its view entry
    assert f'href="/cases/{case_id}"' in page  # "Try again"
    assert count_entries("case:record:view") == 0
    assert client.get(f"/cases/{case_id}").status_code == 200
    assert count_entries("case:record:view") == 1


def test_only_a_lock_given_up_counts_as_busy(app, db):
    engine = sa.create_engine(db.engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as other:
        conn.execute(sa.text("SELECT * FROM no_such_table_here"))
    engine.dispose()
    assert not contention(other.value)  # a failure of its own: the server error page
    assert not contention(ValueError("database is locked"))
    assert not contention(None)


def test_a_deadlock_on_postgresql_counts_as_busy(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no deadlock")
    engine = sa.create_engine(db.engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE lock_pair (id int PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO lock_pair VALUES (1), (2)"))
    errors: list[BaseException] = []
    first, second = engine.connect(), engine.connect()
    first.begin()
    second.begin()
    first.execute(sa.text("SELECT id FROM lock_pair WHERE id = 1 FOR UPDATE"))
    second.execute(sa.text("SELECT id FROM lock_pair WHERE id = 2 FOR UPDATE"))

    def cross(conn, row: int) -> None:
        try:
            conn.execute(sa.text("SELECT id FROM lock_pair WHERE id = :r FOR UPDATE"), {"r": row})
        except OperationalError as err:
            errors.append(err)
            conn.rollback()  # let the other one through

    thread = threading.Thread(target=cross, args=(first, 2))
    thread.start()
    cross(second, 1)
    thread.join(30)
    first.close()
    second.close()
    engine.dispose()
    assert len(errors) == 1
    assert errors[0].orig.sqlstate == "40P01"
    assert contention(errors[0])


def test_an_api_client_gets_busy_as_json(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case_id = factory.case(caseworker=user, given="Дмитрий", family="Иванов").id
    login(user)
    db.session.commit()
    db.session.close()
    with another_writer(db, case_id):
        response = client.get(f"/api/v1/cases/{case_id}")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "busy"
    assert "Иванов" not in response.get_data(as_text=True)
    assert count_entries("case:record:view") == 0


def test_the_busy_page_speaks_the_users_language(client, factory, login, db):
    user = factory.user(Role.CASEWORKER, locale="uk")
    case_id = factory.case(caseworker=user).id
    login(user)
    db.session.commit()
    db.session.close()
    with another_writer(db, case_id):
        response = client.post(f"/cases/{case_id}/child", data={**CHILD_FORM, "version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Нічого не збережено." in page
    assert "Надіслати знову" in page
