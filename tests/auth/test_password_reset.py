"""Password reset by e-mail link: one use, expiring, audited (issue 12 item 7; ASVS V6.4)."""

import re
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from caseapp.auth import reset
from caseapp.auth.models import PasswordResetToken, User, UserSession
from caseapp.core.db import utcnow
from caseapp.core.mail import outbox
from caseapp.core.permissions import Role
from tests.support.audit import count_entries
from tests.support.auth import LoginHelper

NEW = "velvet-harbour-cinnamon-47"


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email})


def _link_token(message) -> str:
    link = re.search(r"https?://\S+", message.body).group(0)
    parts = urlsplit(link)
    assert parts.path == "/password/reset"
    return parse_qs(parts.query)["token"][0]


def test_a_link_is_mailed_used_once_and_audited(app, client, factory, login, db):
    user = factory.user(Role.CASEWORKER, locale="uk")
    elsewhere = app.test_client()
    LoginHelper(elsewhere)(user)  # a session on another computer, which the reset must end
    response = _ask(client, user.email.upper())
    assert response.status_code == 302
    [message] = outbox()
    assert message.to == [user.email]
    assert "caseapp" in message.subject and "Вітаємо" in message.body  # the user's language
    token = _link_token(message)
    assert token not in str(db.session.scalar(select(PasswordResetToken.token_hash)))
    page = client.get(f"/password/reset?token={token}")
    assert page.status_code == 200 and f'value="{token}"' in page.get_data(as_text=True)

    response = client.post(
        "/password/reset", data={"token": token, "new_password": NEW, "confirm": NEW}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    db.session.expire_all()
    assert count_entries("user:password_reset:request") == 1
    assert count_entries("user:password_reset:complete") == 1
    open_sessions = db.session.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    )
    assert open_sessions == 0
    login(user, password=NEW)  # the new password works

    # the same link again: refused, nothing changes
    again = client.post(
        "/password/reset", data={"token": token, "new_password": NEW + "x", "confirm": NEW + "x"}
    )
    assert again.status_code == 400
    assert "Посилання недійсне" in again.get_data(as_text=True)  # signed in: Ukrainian
    assert count_entries("user:password_reset:complete") == 1


def test_unknown_and_deactivated_addresses_get_the_same_answer_and_no_mail(client, factory, db):
    gone = factory.user(Role.CASEWORKER)
    gone.active = False
    db.session.commit()
    for email in ("nobody@example.org", gone.email, "not an address"):
        response = _ask(client, email)
        assert response.status_code in (200, 302)
    assert outbox() == []
    assert db.session.scalar(select(func.count()).select_from(PasswordResetToken)) == 0


def test_expired_bad_and_weak_are_refused(app, client, factory, db):
    user = factory.user(Role.CASEWORKER)
    made = reset.request_reset(user.email, now=utcnow() - timedelta(minutes=31))
    db.session.commit()
    _, old_token = made
    assert client.get(f"/password/reset?token={old_token}").status_code == 400
    assert client.get("/password/reset?token=nonsense").status_code == 400
    assert client.get("/password/reset").status_code == 400

    _, token = reset.request_reset(user.email)
    db.session.commit()
    weak = client.post(
        "/password/reset", data={"token": token, "new_password": "password", "confirm": "password"}
    )
    assert weak.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == user.password_hash
    assert reset.valid_token(token) is not None  # a refused password does not spend the link


def test_requests_are_limited_per_hour(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    for _ in range(5):
        _ask(client, user.email)
    assert len(outbox()) == reset.RESET_REQUESTS_PER_HOUR


def test_a_new_password_spends_every_other_link(client, factory, db):
    user = factory.user(Role.CASEWORKER)
    _, first = reset.request_reset(user.email)
    _, second = reset.request_reset(user.email)
    db.session.commit()
    client.post("/password/reset", data={"token": second, "new_password": NEW, "confirm": NEW})
    db.session.expire_all()
    assert reset.valid_token(first) is None


def test_two_uses_of_one_link_at_once_change_the_password_once(app, factory, db):
    """Two requests racing with one link: one sets the password, the other is refused."""
    from caseapp.core.errors import ValidationFailed

    user = factory.user(Role.CASEWORKER)
    _, token = reset.request_reset(user.email)
    db.session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def use(password):
        with app.app_context():
            barrier.wait()
            try:
                reset.reset_password(token, password)
                db.session.commit()
                outcomes.append("ok")
            except ValidationFailed:
                db.session.rollback()
                outcomes.append("refused")
            except Exception:  # a lost write race on the database is a refusal too
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=use, args=(NEW + s,)) for s in ("-a", "-b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert count_entries("user:password_reset:complete") == 1


def test_file_backend_writes_the_message_under_the_instance_folder(make_app, tmp_path):
    """Without a mail server (``make run``) messages go to files a developer can open."""
    from caseapp.core import mail as mail_module

    folder = tmp_path / "outbox"
    with make_app(TESTING=False, MAIL_FILE_PATH=str(folder)) as other:
        assert other.config["MAIL_BACKEND"] == "file"
        with other.test_request_context():
            assert mail_module.send("someone@example.org", "Subject", "Body text")
    [written] = list(folder.iterdir())
    assert "Body text" in written.read_text()
