"""A TOTP code works once, also when several sessions post it at the same moment (issue 14,
finding 3; ASVS 5.0 V6.5.1). On PostgreSQL four sessions posting one code all got in while the
step was read, compared and written without a lock; the conditional update lets one in."""

from __future__ import annotations

import threading

from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.auth import twofactor
from caseapp.auth.models import User
from caseapp.core.permissions import Role
from tests.support.auth import totp_code
from tests.support.factories import PASSWORD

SESSIONS = 4


def test_four_sessions_posting_one_code_at_once_get_in_once(app, factory, db):
    user = factory.user(Role.SUPERVISOR)
    clients = [app.test_client() for _ in range(SESSIONS)]
    for client in clients:
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.headers["Location"].endswith("/login/second-factor")
    code = totp_code(user, margin=10)
    db.session.rollback()  # the test's own session holds no lock while the threads run
    barrier = threading.Barrier(SESSIONS, timeout=30)
    statuses: list[int] = []

    def post(client) -> None:
        with app.app_context():
            barrier.wait()
            statuses.append(client.post("/login/second-factor", data={"code": code}).status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert sorted(statuses) == [200] * (SESSIONS - 1) + [302]
    successes = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "auth:login:success")
    ).all()
    assert len(successes) == 1


def test_verify_totp_claims_the_step_with_a_conditional_update(app, factory, db):
    """Four threads that all read the user before any of them writes: one wins."""
    user_id = factory.user(Role.SUPERVISOR).id
    code = totp_code(db.session.get(User, user_id), margin=10)
    db.session.rollback()
    barrier = threading.Barrier(SESSIONS, timeout=30)
    results: list[bool] = []

    def verify() -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                assert user.totp_last_step is None  # read before anyone wrote
                if db.engine.dialect.name == "sqlite":
                    db.session.commit()  # SQLite: release the lock BEGIN IMMEDIATE took
                barrier.wait()
                results.append(twofactor.verify_totp(user, code))
                db.session.commit()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=verify) for _ in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [False] * (SESSIONS - 1) + [True]
    db.session.expire_all()
    assert db.session.get(User, user_id).totp_last_step == twofactor.current_step()
