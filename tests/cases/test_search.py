"""Find any case: by number (whole or part), name in any script, date of birth; the search is
post/redirect/get under an opaque key, so Back shows the list as it was (issue 12 item 1)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select, update

from caseapp.cases.models import SavedSearch
from caseapp.cases.search import KEEP_FOR
from caseapp.core.db import utcnow
from caseapp.core.permissions import Role
from tests.support.plans import sqlite_plans


def _search(client, **data):
    response = client.post("/cases/", data=data)
    assert response.status_code == 302
    location = response.headers["Location"]
    return location, client.get(location).get_data(as_text=True)


def test_a_case_is_found_by_its_number_whole_or_any_part(client, factory, login):
    user = factory.user(Role.CASEWORKER)
    cases = [factory.case(caseworker=user) for _ in range(3)]
    target = cases[1]
    login(user)
    suffix = target.number.rsplit("-", 1)[1]  # e.g. "000007"
    for text in (target.number, target.number.lower(), suffix, f" {target.number[3:]} "):
        _, page = _search(client, name=text)
        assert f'href="/cases/{target.id}"' in page, text
        for other in (cases[0], cases[2]):
            if suffix not in other.number:
                assert f'href="/cases/{other.id}"' not in page, text


def test_a_case_is_found_by_date_of_birth(client, factory, login):
    user = factory.user(Role.CASEWORKER)
    born = factory.case(caseworker=user, dob=date(2011, 4, 5))
    other = factory.case(caseworker=user, dob=date(2012, 4, 5))
    login(user)
    _, page = _search(client, date_of_birth="2011-04-05")
    assert f'href="/cases/{born.id}"' in page and f'href="/cases/{other.id}"' not in page


def test_the_search_is_kept_under_an_opaque_key_and_names_stay_out_of_the_url(
    client, factory, login, db
):
    user = factory.user(Role.CASEWORKER)
    found = factory.case(caseworker=user, given="Ян", family="Иванов")
    missed = factory.case(caseworker=user, given="Пётр", family="Сидоров")
    login(user)
    location, page = _search(client, name="Ivanov", date_of_birth="")
    assert "Ivanov" not in location and "name" not in location
    assert location.startswith("/cases/?q=")
    assert f'href="/cases/{found.id}"' in page and f'href="/cases/{missed.id}"' not in page
    assert 'value="Ivanov"' in page  # the form shows the search it answers
    stored = db.session.scalar(select(SavedSearch))
    assert stored.params == {"name": "Ivanov"} and stored.user_id == user.id

    # Back from an opened case: the same GET, the same list (no resubmission)
    client.get(f"/cases/{found.id}")
    again = client.get(location).get_data(as_text=True)
    assert f'href="/cases/{found.id}"' in again and f'href="/cases/{missed.id}"' not in again
    # coming back through the menu shows the last search too; "All cases" clears it
    menu = client.get("/cases/").get_data(as_text=True)
    assert f'href="/cases/{missed.id}"' not in menu and 'value="Ivanov"' in menu
    assert client.get("/cases/?all=1").status_code == 302
    everything = client.get("/cases/").get_data(as_text=True)
    assert f'href="/cases/{missed.id}"' in everything


def test_a_key_answers_only_for_its_user(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    colleague = factory.user(Role.CASEWORKER, agency=user.agency)
    found = factory.case(caseworker=user, given="Ян", family="Иванов")
    missed = factory.case(caseworker=user, given="Пётр", family="Сидоров")
    login(user)
    location, _ = _search(client, name="Ivanov")
    login(colleague)
    page = client.get(location).get_data(as_text=True)
    assert 'value="Ivanov"' not in page  # the colleague does not get the search
    assert f'href="/cases/{missed.id}"' in page and f'href="/cases/{found.id}"' in page


def test_bad_search_input_is_refused_with_a_message(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    response = client.post("/cases/", data={"date_of_birth": "31.31.2011", "name": "x" * 500})
    assert response.status_code == 400
    assert db.session.scalar(select(SavedSearch)) is None
    response = client.get("/cases/?q=" + "z" * 500)
    assert response.status_code == 200


def test_a_search_reads_without_the_write_lock_and_is_stored_at_the_end(client, factory, login, db):
    """On SQLite the posted search reads (the user, the session, the form) in a deferred
    transaction, and stores itself in one short IMMEDIATE write at the end of the same
    request, before the redirect is answered (issue 16 item 4): two searches no longer take
    turns for the whole request."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN DEFERRED/IMMEDIATE is SQLite's")
    user = factory.user(Role.CASEWORKER)
    found = factory.case(caseworker=user, given="Ян", family="Иванов")
    login(user)
    db.session.rollback()
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            seen.append(statement)
        elif statement.startswith("INSERT INTO saved_search"):
            seen.append("store")
        elif statement.startswith("SELECT"):
            seen.append("read")

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.post("/cases/", data={"name": "Ivanov"})
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 302
    assert seen.count("store") == 1 and seen.count("BEGIN IMMEDIATE") == 1, seen
    begun = None
    for step in seen:
        if step.startswith("BEGIN"):
            begun = step
        else:  # every read before the write, then the write alone, under the lock
            assert begun == ("BEGIN IMMEDIATE" if step == "store" else "BEGIN DEFERRED"), seen
    stored = db.session.scalar(select(SavedSearch))
    assert stored.params == {"name": "Ivanov"} and stored.user_id == user.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/cases/{found.id}"' in page


def test_saving_a_search_deletes_the_users_expired_ones_by_the_index(client, factory, login, db):
    """Saving a search deletes the user's searches older than a day, and no one else's nor
    the user's recent ones; the old ones are found by ``(user_id, created_at)``, so a search
    costs the same however many the user made that day (issue 16)."""
    user, other = factory.user(Role.CASEWORKER), factory.user(Role.CASEWORKER)
    for who in (user, other):
        login(who)
        for name in ("Ivanov", "Karimov", "Rusu"):
            _search(client, name=name)
    old = utcnow() - KEEP_FOR - timedelta(minutes=1)
    db.session.execute(
        update(SavedSearch)
        .where(SavedSearch.params["name"].as_string().in_(("Ivanov", "Karimov")))
        .values(created_at=old)
    )
    db.session.commit()
    login(user)
    with sqlite_plans("saved_search") as plans:
        _search(client, name="Popescu")
    kept = {(s.user_id, s.params["name"]) for s in db.session.scalars(select(SavedSearch))}
    assert kept == {
        (user.id, "Rusu"),
        (user.id, "Popescu"),
        (other.id, "Ivanov"),
        (other.id, "Karimov"),
        (other.id, "Rusu"),
    }
    by_time = "INDEX ix_saved_search_user_created (user_id=? AND created_at<?)"
    assert any(by_time in plan for plan in plans), plans
