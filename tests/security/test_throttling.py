"""Login throttling and lockout counted in the database (ASVS 5.0 V6.3.1, V6.3.8, V16.3.1)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from caseapp.auth.models import LoginAttempt
from caseapp.core.permissions import Role
from tests.security.helpers import actions
from tests.support.factories import PASSWORD

WRONG = "not the password at all"


def _try(client, email, password=WRONG, ip="192.0.2.10"):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_account_locks_after_repeated_failures_even_for_the_right_password(
    app, client, factory, db
):
    user = factory.user(Role.CASEWORKER)
    for _ in range(app.config.get("LOGIN_MAX_FAILURES", 5)):
        assert _try(client, user.email).status_code == 200
    locked = _try(client, user.email, PASSWORD)
    assert locked.status_code == 429
    assert client.get("/preferences").status_code == 302
    recorded = actions(db)
    assert recorded.count("auth:login:fail") == 5
    assert "auth:login:lockout" in recorded
    assert "auth:login:success" not in recorded


def test_unknown_and_known_accounts_lock_alike(client, factory):
    user = factory.user(Role.CASEWORKER)
    answers = {}
    for email in (user.email, "ghost@example.org"):
        for _ in range(5):
            _try(client, email)
        response = _try(client, email)
        answers[email] = (response.status_code, response.get_data(as_text=True))
    known, unknown = answers.values()
    assert known[0] == unknown[0] == 429
    assert "Too many failed attempts" in known[1] and "Too many failed attempts" in unknown[1]


def test_lockout_holds_across_two_app_instances(make_app, factory):
    """Failures counted by one worker lock the account in another (shared database)."""
    user = factory.user(Role.CASEWORKER)
    email = user.email
    with make_app() as one, make_app() as two:
        a, b = one.test_client(), two.test_client()
        for client in (a, b, a, b, a):
            assert _try(client, email).status_code == 200
        assert _try(b, email, PASSWORD).status_code == 429


def test_lock_lifts_when_the_failures_age_out(app, client, factory, db):
    user = factory.user(Role.CASEWORKER)
    for _ in range(5):
        _try(client, user.email)
    window = app.config.get("LOGIN_WINDOW_SECONDS", 900)
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.occurred_at -= timedelta(seconds=window)
    db.session.commit()
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_success_resets_the_count(client, factory):
    user = factory.user(Role.CASEWORKER)
    for _ in range(4):
        _try(client, user.email)
    assert _try(client, user.email, PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        assert _try(client, user.email).status_code == 200
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(make_app, factory):
    users = [factory.user(Role.CASEWORKER) for _ in range(4)]
    with make_app(LOGIN_MAX_FAILURES_PER_IP=3) as spray:
        client = spray.test_client()
        for user in users[:3]:
            assert _try(client, user.email, ip="198.51.100.7").status_code == 200
        assert _try(client, users[3].email, PASSWORD, ip="198.51.100.7").status_code == 429
        # Another address is not affected.
        assert _try(client, users[3].email, PASSWORD, ip="198.51.100.8").status_code == 302


def test_every_login_is_audited(client, login, factory, db):
    user = factory.user(Role.SUPERVISOR)
    login(user)
    assert actions(db)[-1] == "auth:login:success"
    from caseapp.audit.models import AuditEntry

    entry = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert entry.actor_id == user.id
    assert entry.diff == {"factors": ["password", "totp"]}
