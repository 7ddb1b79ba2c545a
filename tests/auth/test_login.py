"""Login, logout and CSRF."""

from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import LoginBurst
from caseapp.core.permissions import Role
from tests.support.factories import PASSWORD


def test_login_and_logout(client, factory, login):
    user = factory.user(Role.CASEWORKER)
    response = login(user)
    # Caseworkers land on their home page (issue 12, item 3: what to do today).
    assert response.headers["Location"].endswith("/home")
    assert client.get("/cases/").status_code == 200
    client.post("/logout")
    assert client.get("/cases/").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    wrong = client.post("/login", data={"email": user.email, "password": "nope" * 4})
    unknown = client.post("/login", data={"email": "ghost@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 200
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)
    fails = db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "auth:login:fail")
    )
    # The unknown account is counted in the anonymous burst, audited once per burst.
    assert fails == 1
    assert db.session.scalar(select(LoginBurst.unknown_failures)) == 1


def test_post_without_csrf_token_is_refused(make_app, factory):
    user = factory.user(Role.CASEWORKER)
    with make_app(WTF_CSRF_ENABLED=True) as csrf_app:
        client = csrf_app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 400
        # Nothing changed: no login happened, so the case list still redirects to login.
        assert client.get("/cases/").status_code == 302


def test_deactivated_user_cannot_log_in(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
