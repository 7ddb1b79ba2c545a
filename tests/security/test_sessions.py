"""Server-side sessions (ASVS 5.0 V7.2, V7.3, V7.4) and cookie flags (V3.3)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from caseapp.auth import operations
from caseapp.auth.session import end_all_sessions
from caseapp.core.permissions import Role
from tests.security.helpers import (
    actions,
    session_cookie,
    session_data,
    sessions_of,
    set_session_cookie,
)


def _logged_in(client) -> bool:
    return client.get("/preferences").status_code == 200


def test_only_a_hash_of_the_random_token_is_stored(app, client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    token = session_data(client, app)["sid"]
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    (row,) = sessions_of(db, user)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


def test_login_starts_a_new_session_and_the_old_cookie_is_refused(app, client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    old_cookie = session_cookie(client, app)
    old_sid = session_data(client, app)["sid"]
    login(user)  # logs out and in again
    assert session_data(client, app)["sid"] != old_sid
    set_session_cookie(client, app, old_cookie)
    assert not _logged_in(client)


def test_second_factor_step_gets_a_fresh_token(app, client, factory):
    from tests.support.auth import totp_code
    from tests.support.factories import PASSWORD

    user = factory.user(Role.SUPERVISOR)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    half_way = session_cookie(client, app)
    assert not _logged_in(client)  # a password alone opens nothing
    client.post("/login/second-factor", data={"code": totp_code(user)})
    assert _logged_in(client)
    set_session_cookie(client, app, half_way)
    assert not _logged_in(client)


def test_idle_timeout_ends_the_session(app, client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    (row,) = sessions_of(db, user)
    row.last_seen_at -= timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] + 1)
    db.session.commit()
    assert not _logged_in(client)
    (row,) = sessions_of(db, user)
    assert row.end_reason == "idle_timeout"


def test_activity_keeps_the_session_within_the_idle_timeout(app, client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    (row,) = sessions_of(db, user)
    row.last_seen_at -= timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT"] - 5)
    db.session.commit()
    assert _logged_in(client)


def test_absolute_timeout_ends_even_an_active_session(app, client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    (row,) = sessions_of(db, user)
    row.created_at -= timedelta(seconds=app.config["SESSION_ABSOLUTE_TIMEOUT"] + 1)
    db.session.commit()
    assert not _logged_in(client)
    assert sessions_of(db, user)[0].end_reason == "absolute_timeout"


def test_logout_ends_every_session_and_a_replayed_cookie_is_refused(app, factory, db):
    user = factory.user(Role.CASEWORKER)
    from tests.support.auth import LoginHelper

    first, second = app.test_client(), app.test_client()
    LoginHelper(first)(user)
    LoginHelper(second)(user)
    cookie = session_cookie(first, app)
    first.post("/logout")
    assert not _logged_in(first)
    assert not _logged_in(second)  # the other device is logged out too
    set_session_cookie(first, app, cookie)
    assert not _logged_in(first)
    assert all(row.ended_at is not None for row in sessions_of(db, user))


def test_deactivation_ends_every_session_at_once(app, client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    admin = factory.user(Role.ADMIN)
    login(user)
    assert _logged_in(client)
    operations.deactivate_user(admin, user)
    db.session.commit()
    assert not _logged_in(client)
    assert sessions_of(db, user)[-1].end_reason == "deactivated"


def test_end_all_sessions_refuses_the_cookie_in_another_app_instance(make_app, factory, db):
    """Two app instances (two gunicorn workers) share the table: the end is seen by both."""
    from tests.support.auth import LoginHelper

    user = factory.user(Role.CASEWORKER)
    user_id = user.id
    with make_app() as one, make_app() as two:
        client = one.test_client()
        LoginHelper(client)(user)
        db.session.commit()  # the test's own session must not hold SQLite's write lock
        cookie = session_cookie(client, one)
        other = two.test_client()
        set_session_cookie(other, two, cookie)
        assert other.get("/preferences").status_code == 200
        with one.app_context():
            from caseapp.auth.models import User
            from caseapp.core.extensions import db as db1

            assert end_all_sessions(db1.session.get(User, user_id)) == 1
            db1.session.commit()
        assert other.get("/preferences").status_code == 302


def test_cookie_flags_when_secure(make_app, factory):
    from tests.support.factories import PASSWORD

    user = factory.user(Role.CASEWORKER)
    with make_app(SECURE_COOKIES=True) as secure_app:
        client = secure_app.test_client()
        response = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD},
            base_url="https://localhost",
        )
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-caseapp=")
        for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert flag in cookie
        assert "Domain=" not in cookie
        assert (
            "max-age=63072000; includeSubDomains" in response.headers["Strict-Transport-Security"]
        )


def test_cookie_flags_for_plain_http_local_use(make_app, client, factory):
    from tests.support.factories import PASSWORD

    user = factory.user(Role.CASEWORKER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("caseapp=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Strict-Transport-Security" not in response.headers


def test_secure_cookies_default_on_outside_debug_and_tests(make_app):
    with make_app(TESTING=False) as production:
        assert production.config["SECURE_COOKIES"] is True
        assert production.config["SESSION_COOKIE_NAME"] == "__Host-caseapp"
    with make_app(TESTING=False, SECURE_COOKIES=False) as local:
        assert local.config["SESSION_COOKIE_SECURE"] is False


def test_logout_is_offered_on_every_authenticated_page(client, login, factory):
    user = factory.user(Role.CASEWORKER)
    login(user)
    for path in ("/cases/", "/preferences", "/password", "/login/enrol"):
        assert 'action="/logout"' in client.get(path).get_data(as_text=True), path


def test_operator_ends_sessions_of_one_user_or_all(app, client, login, factory, runner, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    result = runner.invoke(args=["users", "end-sessions", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert not _logged_in(client)
    login(user)
    assert runner.invoke(args=["users", "end-sessions", "--all-users"]).exit_code == 0
    assert not _logged_in(client)


def test_operator_deactivation_ends_sessions(app, client, login, factory, runner, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    result = runner.invoke(args=["users", "deactivate", "--email", user.email])
    assert result.exit_code == 0, result.output
    assert not _logged_in(client)
    assert "user:account:deactivate" in actions(db)
