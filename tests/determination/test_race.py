"""Two supervisors approving the same BID at the same moment: exactly one approval.

Each thread has its own application context, session and database connection, on the real
test database (a SQLite file, or PostgreSQL when the suite runs with
``CASEAPP_TEST_DATABASE_URL``). On SQLite the second writer waits for the first one's lock
(``BEGIN IMMEDIATE``) and then finds the BID changed; on PostgreSQL both may read the same
version and the loser's ``UPDATE ... WHERE version = ...`` matches no row. Either way the
loser gets ``StaleVersion`` and nothing of it is stored.
"""

import threading

from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.core.errors import DomainError
from caseapp.core.permissions import Role
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.determination.operations import approve_bid
from tests.support import lifecycle


def test_two_supervisors_approving_at_once_make_one_approval(app, factory, db):
    agency = factory.agency()
    cw = factory.user(Role.CASEWORKER, agency=agency)
    supervisors = [factory.user(Role.SUPERVISOR, agency=agency) for _ in range(2)]
    case = factory.case(caseworker=cw)
    bid = lifecycle.submitted_bid(case, cw)
    bid_id, version, case_id = bid.id, bid.version, case.id
    sup_ids = [s.id for s in supervisors]
    db.session.commit()
    db.session.close()  # the test's own connection holds no lock while the threads run

    barrier = threading.Barrier(2, timeout=30)
    results: dict[int, str] = {}

    def approve(user_id: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                user = db.session.get(User, user_id)
                target = db.session.get(BestInterestsDetermination, bid_id)
                approve_bid(user, target, expected_version=version)
                db.session.commit()
                results[user_id] = "approved"
            except DomainError as err:
                db.session.rollback()
                results[user_id] = type(err).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(uid,)) for uid in sup_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)

    assert sorted(results.values()) == ["StaleVersion", "approved"]
    winner = next(uid for uid, r in results.items() if r == "approved")
    stored = db.session.get(BestInterestsDetermination, bid_id)
    assert stored.status is BidStatus.APPROVED
    assert stored.approved_by_id == winner
    approvals = db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.case_id == case_id, AuditEntry.action == "bid:approve")
    )
    assert approvals == 1
