"""Sign-in throttling without lockout, counted in the database (ASVS 5.0 V6.3.1, V6.3.8;
issue 14, findings 2 and 4)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth import operations, throttle
from caseapp.auth.models import LoginAttempt, LoginBurst
from caseapp.core.permissions import Role
from tests.security.helpers import actions
from tests.support.factories import PASSWORD

WRONG = "not the password at all"
OFFICE = "192.0.2.10"
ELSEWHERE = "203.0.113.66"


def _try(client, email, password=WRONG, ip=OFFICE):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def _age_attempts(db, seconds: float) -> None:
    """Let ``seconds`` pass for the throttle: every recorded attempt moves into the past."""
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.occurred_at -= timedelta(seconds=seconds)
    db.session.commit()


def _fail(client, db, email, times, ip=ELSEWHERE):
    """``times`` checked failures, waiting out each delay (by ageing the attempts)."""
    for _ in range(times):
        response = _try(client, email, ip=ip)
        if response.status_code == 429:
            _age_attempts(db, int(response.headers["Retry-After"]))
            response = _try(client, email, ip=ip)
        assert response.status_code == 200


def test_no_lockout_the_right_password_works_once_the_short_wait_is_over(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    _fail(client, db, user.email, 6, ip=OFFICE)
    waiting = _try(client, user.email, PASSWORD)
    assert waiting.status_code == 429
    seconds = int(waiting.headers["Retry-After"])
    assert 0 < seconds <= 60
    assert f"Try again in {seconds} seconds" in waiting.get_data(as_text=True)
    _age_attempts(db, seconds)
    assert _try(client, user.email, PASSWORD).status_code == 302
    recorded = actions(db)
    assert recorded.count("auth:login:fail") == 6
    assert "auth:login:lockout" not in recorded


def test_the_delay_grows_and_is_capped(app, factory):
    assert [throttle.delay_after(n, 60) for n in range(1, 10)] == [0, 0, 0, 2, 4, 8, 16, 32, 60]
    assert throttle.delay_after(40, 900) == 900
    assert throttle.delay_after(10**6, 60) == 60


def test_refused_attempts_do_not_lengthen_the_wait_nor_fill_the_audit(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    _fail(client, db, user.email, 5)
    first = int(_try(client, user.email).headers["Retry-After"])
    for _ in range(20):
        assert _try(client, user.email).status_code == 429
    assert int(_try(client, user.email).headers["Retry-After"]) <= first
    assert actions(db).count("auth:login:fail") == 5
    attempts = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    assert attempts == 5


def test_someone_guessing_elsewhere_never_delays_the_owner_at_a_familiar_address(
    client, factory, db
):
    user = factory.user(Role.CASEWORKER)
    assert _try(client, user.email, PASSWORD, ip=OFFICE).status_code == 302
    client.post("/logout")
    _fail(client, db, user.email, 12, ip=ELSEWHERE)  # the attacker keeps the account busy
    # From a new address the account waits (at most a minute) ...
    assert _try(client, user.email, PASSWORD, ip="198.51.100.1").status_code == 429
    # ... but the owner at the usual desk gets in at once.
    assert _try(client, user.email, PASSWORD, ip=OFFICE).status_code == 302


def test_the_account_wide_wait_is_capped_at_a_minute(app, client, factory, db):
    user = factory.user(Role.CASEWORKER)
    _fail(client, db, user.email, 15, ip=ELSEWHERE)
    with throttle.read_only() as conn:
        elsewhere = throttle.wait_seconds(conn, throttle.account_key(user.email), ELSEWHERE)
        new_place = throttle.wait_seconds(conn, throttle.account_key(user.email), "198.51.100.2")
    assert elsewhere > 60  # the guessing pair itself waits longer and longer
    assert 0 < new_place <= 60


def test_unknown_and_known_accounts_are_throttled_alike(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    answers = {}
    for email in (user.email, "ghost@example.org"):
        for _ in range(4):
            _try(client, email)
        response = _try(client, email)
        answers[email] = (response.status_code, response.headers.get("Retry-After"))
    assert answers[user.email] == answers["ghost@example.org"] == (429, "2")


def test_throttle_holds_across_two_app_instances(make_app, factory):
    """Failures counted by one worker delay the account in another (shared database)."""
    user = factory.user(Role.CASEWORKER)
    with make_app() as one, make_app() as two:
        a, b = one.test_client(), two.test_client()
        for client in (a, b, a, b):
            assert _try(client, user.email).status_code == 200
        assert _try(b, user.email, PASSWORD).status_code == 429


def test_success_resets_the_count(client, factory):
    user = factory.user(Role.CASEWORKER)
    for _ in range(3):
        _try(client, user.email)
    assert _try(client, user.email, PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(3):
        assert _try(client, user.email).status_code == 200
    assert _try(client, user.email, PASSWORD).status_code == 302


def test_an_office_behind_one_address_keeps_signing_in(client, factory, db):
    """Forty colleagues each mistyping once from the office address delay nobody."""
    users = [factory.user(Role.CASEWORKER) for _ in range(40)]
    for user in users:
        assert _try(client, user.email, ip=OFFICE).status_code == 200
    for user in users[:5]:
        assert _try(client, user.email, PASSWORD, ip=OFFICE).status_code == 302
        client.post("/logout")


def test_an_address_over_its_limit_waits_but_familiar_people_behind_it_do_not(
    make_app, factory, db
):
    regular, newcomer = factory.user(Role.CASEWORKER), factory.user(Role.CASEWORKER)
    victims = [factory.user(Role.CASEWORKER) for _ in range(3)]
    with make_app(LOGIN_MAX_FAILURES_PER_IP=3) as spray:
        client = spray.test_client()
        assert _try(client, regular.email, PASSWORD, ip=OFFICE).status_code == 302
        client.post("/logout")
        for victim in victims:
            assert _try(client, victim.email, ip=OFFICE).status_code == 200
        assert _try(client, newcomer.email, PASSWORD, ip=OFFICE).status_code == 429
        assert _try(client, newcomer.email, PASSWORD, ip=ELSEWHERE).status_code == 302
        client.post("/logout")
        assert _try(client, regular.email, PASSWORD, ip=OFFICE).status_code == 302


def test_unknown_account_failures_are_audited_once_per_burst_with_the_count(
    app, client, factory, db
):
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for n in range(20):
        assert _try(client, f"ghost{n}@example.org", ip=f"198.51.100.{n}").status_code == 200
    assert _try(client, "ghost0@example.org", ip="198.51.100.0").status_code == 200
    for _ in range(4):
        _try(client, "ghost0@example.org", ip="198.51.100.0")  # refused: must wait
    # Nothing audited per attempt while the burst goes on.
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
    gap = app.config.get("LOGIN_BURST_GAP_SECONDS", throttle.DEFAULTS["LOGIN_BURST_GAP_SECONDS"])
    for burst in db.session.scalars(select(LoginBurst)):
        burst.started_at -= timedelta(seconds=gap + 1)
        burst.last_at -= timedelta(seconds=gap + 1)
    db.session.commit()
    user = factory.user(Role.CASEWORKER)
    assert _try(client, user.email, PASSWORD).status_code == 302  # any sign-in closes it
    client.post("/logout")
    _try(client, user.email, PASSWORD)
    bursts = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth:login:burst")
    ).all()
    assert len(bursts) == 1
    # 20 addresses once, then ghost0 three more times before its wait starts: 23 checked;
    # the last two had to wait and were refused unchecked.
    assert bursts[0].diff["unknown_account_failures"] == 23
    assert bursts[0].diff["refused_attempts"] == 2
    assert "auth:login:fail" not in actions(db)


def test_old_attempts_are_forgotten(app, client, factory, db):
    user = factory.user(Role.CASEWORKER)
    for _ in range(3):
        _try(client, user.email)
    _age_attempts(db, throttle.DEFAULTS["LOGIN_WINDOW_SECONDS"] + 1)
    _try(client, user.email)
    assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == 1


def test_the_password_is_hashed_outside_any_write_transaction(
    app, client, factory, db, monkeypatch
):
    """While argon2 runs, another connection can take the write lock (finding 2)."""
    user = factory.user(Role.CASEWORKER)
    seen = []
    real_verify = operations.verify_password

    def verify_and_probe(stored, password):
        seen.append(db.session().in_transaction())
        if db.engine.dialect.name == "sqlite":
            other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # "database is locked" if the lock were held
                other.execute("ROLLBACK")
            finally:
                other.close()
        return real_verify(stored, password)

    monkeypatch.setattr(operations, "verify_password", verify_and_probe)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "stale-cookie-makes-the-app-read")
    assert _try(client, user.email).status_code == 200
    assert _try(client, "ghost@example.org").status_code == 200
    assert _try(client, user.email, PASSWORD).status_code == 302
    assert seen == [False, False, False]


def test_every_failure_on_a_real_account_is_audited(client, factory, db):
    user = factory.user(Role.SUPERVISOR)
    _try(client, user.email)
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth:login:fail")
    ).all()
    assert entry.diff == {"factor": "password"}


def test_every_login_is_audited(client, login, factory, db):
    user = factory.user(Role.SUPERVISOR)
    login(user)
    assert actions(db)[-1] == "auth:login:success"
    entry = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert entry.actor_id == user.id
    assert entry.diff == {"factors": ["password", "totp"]}
