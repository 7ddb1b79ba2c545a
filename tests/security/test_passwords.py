"""Password policy, storage and change (ASVS 5.0 V6.2, V11.4.2, V7.4.3)."""

from __future__ import annotations

import gzip

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from caseapp.auth import passwords
from caseapp.auth.operations import check_password_rules
from caseapp.core.errors import ValidationFailed
from caseapp.core.permissions import Role
from tests.security.helpers import actions, sessions_of
from tests.support.factories import PASSWORD

GOOD = "lantern orbit meadow fjord"


@pytest.fixture
def rctx(app):
    """A request context, for operations whose messages are translated."""
    with app.test_request_context():
        yield


def _long_common() -> str:
    """A password from the shipped list that satisfies the length rule."""
    with gzip.open(passwords.COMMON_PASSWORDS, "rt", encoding="utf-8") as fh:
        return next(line.strip() for line in fh if len(line.strip()) >= passwords.MIN_LENGTH)


@pytest.mark.parametrize(
    "password",
    [
        "a" * 11 + "Z",  # too few distinct characters
        "short pass",  # 10 characters
        "x7" * 64 + "!",  # 129 characters
        "PASSWORD1234",  # common core, any case
        "qwertyqwertyqwerty",  # a common word repeated
        "Caseapp rocks forever",  # the app's name
        "anna.karenina tower 9",  # the user's e-mail name
        "my petrova family 1987",  # a part of the user's name
    ],
)
def test_weak_passwords_are_refused(rctx, password):
    with pytest.raises(ValidationFailed):
        check_password_rules(password, email="anna.karenina@example.org", name="Olga Petrova")


def test_common_list_is_compared_case_insensitively(rctx):
    common = _long_common()
    for variant in (common, common.upper(), common.capitalize()):
        with pytest.raises(ValidationFailed):
            check_password_rules(variant)


@pytest.mark.parametrize(
    "password",
    [
        GOOD,  # lower-case words only: no composition rules
        "ü" * 3 + "книга стол окно",  # any characters
        "z" + "fjord meadow lantern orbit " * 2 + "x9" * 5 + "q",  # 64+ characters
        "m" * 60 + "kolobok",  # 67 characters
    ],
)
def test_good_passwords_of_any_composition_and_64_plus_characters_are_accepted(rctx, password):
    check_password_rules(password, email="anna@example.org", name="Olga Petrova")


def test_128_characters_are_allowed(rctx):
    check_password_rules(("orbit lantern meadow fjord " * 6)[:128])


def test_shipped_list_has_provenance_and_license():
    data = passwords.COMMON_PASSWORDS.parent
    assert (data / "PROVENANCE.md").read_text().count("Django") >= 1
    assert (data / "common-passwords.LICENSE").exists()
    assert len(passwords.common_passwords()) > 19000


def test_argon2id_parameters_at_least_owasp_minimum():
    assert passwords.MEMORY_COST >= 19 * 1024 and passwords.TIME_COST >= 2
    assert passwords.hash_password("x" * 12).startswith("$argon2id$")


def test_hash_with_old_parameters_is_rehashed_at_login(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    weak = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    user.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    assert passwords.needs_rehash(user.password_hash)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    db.session.refresh(user)
    assert f"m={passwords.MEMORY_COST},t={passwords.TIME_COST}" in user.password_hash
    assert not passwords.needs_rehash(user.password_hash)
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_password_is_verified_exactly_as_typed(factory):
    stored = passwords.hash_password(GOOD)
    assert not passwords.verify_password(stored, GOOD.upper())
    assert not passwords.verify_password(stored, GOOD[:-1])
    with pytest.raises(VerificationError):
        PasswordHasher().verify(stored, GOOD + " ")


def _change(client, current, new, confirm=None):
    return client.post(
        "/password",
        data={"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_change_password_requires_the_current_one(client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    response = _change(client, "wrong current password", GOOD)
    assert response.status_code == 400  # the refusal's status, with the form
    assert "not right" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_change_password_refuses_a_common_one(client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    assert "too common" in _change(client, PASSWORD, "Password12345").get_data(as_text=True)


def test_change_password_ends_other_sessions_and_keeps_this_one(app, client, login, factory, db):
    from tests.support.auth import LoginHelper

    user = factory.user(Role.CASEWORKER)
    other_device = app.test_client()
    LoginHelper(other_device)(user)
    login(user)
    old_sid = client.get_cookie("caseapp").value
    assert _change(client, PASSWORD, GOOD).status_code == 302
    assert client.get("/preferences").status_code == 200
    assert client.get_cookie("caseapp").value != old_sid  # fresh token for this session
    assert other_device.get("/preferences").status_code == 302
    assert [r.end_reason for r in sessions_of(db, user)].count("password_changed") == 1
    assert "user:password:change" in actions(db)
    db.session.refresh(user)
    assert passwords.verify_password(user.password_hash, GOOD)
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": GOOD}).status_code == 302
