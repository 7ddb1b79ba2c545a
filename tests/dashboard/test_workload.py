"""The caseload counts behind the team's workload and a caseworker's count of open cases
(``caseapp.dashboard.workload``; issue 16): they move in the same transaction as every
change of a case's caseworker, stage or opening date and of a determination's status, and
always equal a fresh count of the cases; the past-the-limit figure is the rule
``bid_overdue`` itself (``alerts.queries``), compared here with the rule run on the cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from caseapp.alerts.queries import case_ids_with_alert
from caseapp.cases.models import Case, Stage
from caseapp.cases.operations import reassign_case, register_case
from caseapp.closure.operations import ClosureReason, close_case
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.dashboard import workload
from caseapp.dashboard.home import UNREAD_COUNTED, my_cases, team_workload
from caseapp.dashboard.models import Notification, NotificationKind
from caseapp.determination.models import BestInterestsDetermination, BidStatus
from caseapp.gate.policy import current_policy
from tests.support import clock
from tests.support.statements import statements


def _team(supervisor) -> dict[int, tuple[int, int, int]]:
    return {
        w.user_id: (w.open_cases, w.over_limit, w.in_preparation)
        for w in team_workload(supervisor, clock.today(), current_policy())
    }


def _by_the_rule(user) -> tuple[int, int, int]:
    """The same figures counted on the cases (the rule ``bid_overdue`` run on ``Case``)."""
    mine = (Case.caseworker_id == user.id, Case.stage != Stage.CLOSED)
    overdue = case_ids_with_alert("bid_overdue", today=clock.today(), policy=current_policy())
    count = select(func.count()).select_from(Case).where(*mine)
    return (
        db.session.scalar(count),
        db.session.scalar(count.where(Case.id.in_(overdue))),
        db.session.scalar(count.where(Case.stage == Stage.RETURN_PREPARATION)),
    )


def _agrees(supervisor, *users) -> None:
    assert workload.differences(db.session.connection()) == 0
    team = _team(supervisor)
    for user in users:
        assert team[user.id] == _by_the_rule(user)


def test_counts_move_with_every_change_and_equal_a_fresh_count(factory):
    supervisor = factory.user(Role.SUPERVISOR)
    ana = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    ion = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    case = factory.case(caseworker=ana, agency=supervisor.agency)
    factory.case(caseworker=ana, agency=supervisor.agency)
    db.session.commit()
    assert _team(supervisor)[ana.id] == (2, 0, 0)
    _agrees(supervisor, ana, ion)

    # Opened long ago: past the time limit for a determination.
    limit = current_policy().bid_time_limit_days
    case.opened_at = datetime.now(UTC) - timedelta(days=limit + 3)
    db.session.commit()
    assert _team(supervisor)[ana.id] == (2, 1, 0)
    _agrees(supervisor, ana, ion)

    # A stage change keeps it past the limit (registered is before the decision).
    register_case(ana, case, expected_version=case.version)
    db.session.commit()
    assert case.stage is Stage.REGISTERED
    assert _team(supervisor)[ana.id] == (2, 1, 0)
    _agrees(supervisor, ana, ion)

    # An approved determination ends it; its withdrawal brings it back.
    bid = BestInterestsDetermination(
        case=case,
        author_id=ana.id,
        status=BidStatus.APPROVED,
        submitted_at=utcnow(),
        approved_by_id=supervisor.id,
        approved_at=utcnow(),
    )
    db.session.add(bid)
    db.session.commit()
    assert _team(supervisor)[ana.id] == (2, 0, 0)
    _agrees(supervisor, ana, ion)
    bid.status = BidStatus.WITHDRAWN
    db.session.commit()
    assert _team(supervisor)[ana.id] == (2, 1, 0)
    _agrees(supervisor, ana, ion)

    # Reassigned: it leaves Ana's counts and joins Ion's at once.
    reassign_case(
        supervisor, case, caseworker=ion, reason="Workload.", expected_version=case.version
    )
    db.session.commit()
    assert _team(supervisor)[ana.id] == (1, 0, 0)
    assert _team(supervisor)[ion.id] == (1, 1, 0)
    _agrees(supervisor, ana, ion)
    lines, total = my_cases(ion, clock.today(), current_policy())
    assert total == 1 and [line.case_id for line in lines] == [case.id]

    # Closed: no longer open, no longer past the limit.
    close_case(supervisor, case, reason=ClosureReason.ABSCONDED, expected_version=case.version)
    db.session.commit()
    assert _team(supervisor)[ion.id] == (0, 0, 0)
    _agrees(supervisor, ana, ion)
    assert my_cases(ion, clock.today(), current_policy())[1] == 0


def test_a_change_rolled_back_leaves_the_counts_as_they_were(factory):
    supervisor = factory.user(Role.SUPERVISOR)
    ana = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    ion = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    case = factory.case(caseworker=ana, agency=supervisor.agency)
    db.session.commit()
    case.caseworker_id = ion.id
    db.session.flush()
    assert _team(supervisor)[ion.id][0] == 1  # in the same transaction
    db.session.rollback()
    assert _team(supervisor)[ana.id][0] == 1 and _team(supervisor)[ion.id][0] == 0
    _agrees(supervisor, ana, ion)


def test_recount_repairs_counts_written_past_the_orm(factory, runner):
    supervisor = factory.user(Role.SUPERVISOR)
    ana = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    ion = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    case = factory.case(caseworker=ana, agency=supervisor.agency)
    db.session.commit()
    # A bulk UPDATE bypasses the flush listener (as the benchmark's loader does).
    db.session.execute(update(Case).where(Case.id == case.id).values(caseworker_id=ion.id))
    db.session.commit()
    assert workload.differences(db.session.connection()) > 0
    db.session.commit()
    result = runner.invoke(args=["dashboard", "recount-workload", "--check"])
    assert result.exit_code == 1
    result = runner.invoke(args=["dashboard", "recount-workload"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["dashboard", "recount-workload", "--check"]).exit_code == 0
    db.session.expire_all()
    _agrees(supervisor, ana, ion)
    assert _team(supervisor)[ion.id][0] == 1


def _statements(client, url: str) -> int:
    with statements() as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_home_pages_run_the_same_statements_with_more_cases(factory, client, login):
    supervisor = factory.user(Role.SUPERVISOR)
    ana = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    factory.case(caseworker=ana, agency=supervisor.agency)
    db.session.commit()
    counts = {}
    for user in (ana, supervisor):
        login(user)
        _statements(client, "/home")  # warm-up: statements built once per process
        counts[user.id] = _statements(client, "/home")
    for _ in range(4):
        factory.case(caseworker=ana, agency=supervisor.agency)
    db.session.commit()
    for user in (ana, supervisor):
        login(user)
        assert _statements(client, "/home") == counts[user.id] <= 10


def test_many_unread_notifications_are_counted_up_to_a_bound(factory, client, login):
    ana = factory.user(Role.CASEWORKER)
    case = factory.case(caseworker=ana)
    db.session.add_all(
        Notification(user_id=ana.id, kind=NotificationKind.CASE_ASSIGNED, case_id=case.id)
        for _ in range(UNREAD_COUNTED + 2)
    )
    db.session.commit()
    login(ana)
    html = client.get("/home").get_data(as_text=True)
    assert f"more than {UNREAD_COUNTED} unread" in html
