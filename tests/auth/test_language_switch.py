"""The language switch on every page (issue 12 item 8): four languages, stored per user."""

from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.core.permissions import Role

NAMES = ("English", "Română", "Русский", "Українська")


def test_the_switch_is_on_the_login_page_and_sets_a_cookie(client):
    page = client.get("/login").get_data(as_text=True)
    for name in NAMES:
        assert name in page
    response = client.post("/language", data={"locale": "uk", "back": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "lang=uk" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert "Увійти" in page and '<html lang="uk"' in page


def test_a_signed_in_users_choice_is_stored_and_audited(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=user)
    login(user)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert all(name in page for name in NAMES)  # on a case page too
    back = f"/cases/{case.id}"
    response = client.post("/language", data={"locale": "ro", "back": back})
    assert response.headers["Location"] == back
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "ro"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user:locale:change"))
    assert entry is not None
    page = client.get(back).get_data(as_text=True)
    assert '<html lang="ro"' in page and "Dosar" in page  # the "Record" tab, a noun


def test_the_record_tab_is_a_noun_in_russian_and_ukrainian(client, factory, login):
    user = factory.user(Role.CASEWORKER, locale="ru")
    case = factory.case(caseworker=user)
    login(user)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'aria-current="page">Карточка</a>' in page  # the tab, not the verb "Записать"
    client.post("/language", data={"locale": "uk", "back": "/"})
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'aria-current="page">Картка</a>' in page


def test_unknown_language_and_foreign_return_address_are_refused(client, factory, login, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    response = client.post("/language", data={"locale": "xx", "back": "/cases/"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    for back in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post("/language", data={"locale": "uk", "back": back})
        assert response.headers["Location"] == "/", back
