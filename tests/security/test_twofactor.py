"""Two-factor authentication (ASVS 5.0 V6.3.3, V6.5.1-V6.5.5)."""

from __future__ import annotations

import hashlib
import re

import pyotp
from sqlalchemy import select

from caseapp.auth.models import RecoveryCode, SessionStage, UserSession
from caseapp.core.permissions import Role
from tests.security.helpers import actions
from tests.support.auth import totp_code
from tests.support.factories import PASSWORD


def _password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def _pending_secret(db, user) -> str:
    db.session.expire_all()
    row = db.session.scalar(
        select(UserSession).where(
            UserSession.user_id == user.id, UserSession.stage == SessionStage.ENROL
        )
    )
    return row.pending_totp_secret


def _enrol(client, db, user) -> list[str]:
    page = client.get("/login/enrol").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page  # QR code inline, no external service
    secret = _pending_secret(db, user)
    response = client.post("/login/enrol", data={"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    return re.findall(r"<code>([A-Z0-9-]{29})</code>", response.get_data(as_text=True))


def test_roles_that_need_2fa_are_forced_to_enrol_before_anything_else(client, factory, db):
    for role in (Role.SUPERVISOR, Role.OMBUDSPERSON, Role.ADMIN):
        user = factory.user(role, totp=False)
        response = _password_step(client, user)
        assert response.headers["Location"].endswith("/login/enrol")
        for page in ("/cases/", "/preferences", "/admin/users"):
            blocked = client.get(page)
            assert blocked.status_code == 302
            assert blocked.headers["Location"].endswith("/login/enrol")
        codes = _enrol(client, db, user)
        assert len(codes) == 10
        assert client.get("/preferences").status_code == 200
        db.session.refresh(user)
        assert user.has_totp
        client.post("/logout")


def test_recovery_codes_are_stored_hashed_and_work_once(client, factory, db):
    user = factory.user(Role.SUPERVISOR, totp=False)
    _password_step(client, user)
    codes = _enrol(client, db, user)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    raw = codes[0].replace("-", "")
    assert raw not in stored and hashlib.sha256(raw.encode()).hexdigest() in stored
    client.post("/logout")
    _password_step(client, user)
    assert client.post("/login/second-factor", data={"code": codes[0]}).status_code == 302
    assert client.get("/preferences").status_code == 200
    client.post("/logout")
    _password_step(client, user)
    again = client.post("/login/second-factor", data={"code": codes[0]})
    assert again.status_code == 200 and "not valid" in again.get_data(as_text=True)
    assert client.get("/preferences").status_code == 302


def test_a_totp_code_is_accepted_once_only(client, factory, db):
    user = factory.user(Role.SUPERVISOR)
    code = totp_code(user)
    _password_step(client, user)
    assert client.post("/login/second-factor", data={"code": code}).status_code == 302
    client.post("/logout")
    _password_step(client, user)
    replay = client.post("/login/second-factor", data={"code": code})
    assert replay.status_code == 200  # refused: the step was used already
    assert client.get("/preferences").status_code == 302
    assert actions(db).count("auth:login:fail") == 1


def test_an_old_code_is_refused(client, factory, db):
    """A code of the previous 30-second step is no longer valid (V6.5.5)."""
    import time

    user = factory.user(Role.SUPERVISOR)
    old = pyotp.TOTP(user.totp_secret).at(time.time() - 60)
    _password_step(client, user)
    assert client.post("/login/second-factor", data={"code": old}).status_code == 200
    assert client.get("/preferences").status_code == 302


def test_wrong_code_is_refused_and_audited(client, factory, db):
    user = factory.user(Role.OMBUDSPERSON)
    _password_step(client, user)
    wrong = "000000" if totp_code(user) != "000000" else "111111"
    response = client.post("/login/second-factor", data={"code": wrong})
    assert response.status_code == 200
    assert client.get("/cases/").headers["Location"].endswith("/login/second-factor")
    assert "auth:login:fail" in actions(db)


def test_caseworkers_may_log_in_without_2fa_and_enrol_voluntarily(client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    assert "/login/enrol" in client.get("/preferences").get_data(as_text=True)
    client.get("/login/enrol")
    db.session.expire_all()
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    codes = client.post(
        "/login/enrol", data={"code": pyotp.TOTP(row.pending_totp_secret).now()}
    ).get_data(as_text=True)
    assert "Recovery codes" in codes
    db.session.refresh(user)
    assert user.has_totp
    assert "auth:2fa:enrol" in actions(db)
    # From now on the second factor is asked at login.
    client.post("/logout")
    assert _password_step(client, user).headers["Location"].endswith("/login/second-factor")


def test_enrolment_refuses_a_wrong_code(client, factory, db):
    user = factory.user(Role.ADMIN, totp=False)
    _password_step(client, user)
    client.get("/login/enrol")
    response = client.post("/login/enrol", data={"code": "12345"})
    assert response.status_code == 200
    db.session.refresh(user)
    assert not user.has_totp
