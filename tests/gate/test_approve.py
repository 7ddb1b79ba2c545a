"""approve_return: the gate inside the operation, four eyes, stale versions, the flush guard."""

import threading

import pytest
from sqlalchemy import func, select

from caseapp.cases.models import Case, Stage
from caseapp.core.cli import transaction
from caseapp.core.errors import (
    FourEyesViolation,
    GateNotSatisfied,
    InvalidTransition,
    PermissionDenied,
    StaleVersion,
)
from caseapp.core.extensions import db
from caseapp.core.permissions import Role
from caseapp.gate.models import ReturnApproval
from caseapp.gate.operations import approve_return
from tests.support.audit_entries import entries
from tests.support.gate_builder import SAFEGUARD_IDS, ready_case


def approvals(case_id):
    return db.session.scalar(select(func.count()).where(ReturnApproval.case_id == case_id))


def test_approve_moves_the_case_and_records_everything(factory):
    ready = ready_case(factory)
    case = ready.case
    version = case.version
    approval = approve_return(ready.approver, case, expected_version=version, today=ready.today)
    db.session.commit()
    assert case.stage is Stage.RETURN_APPROVED
    assert approval.policy_version == 1
    assert approval.case_version == version
    assert approval.gate_evaluation["all_met"] is True
    assert len(approval.gate_evaluation["safeguards"]) == 19
    [entry] = entries("return:approve", case.id)
    assert entry.diff["gate"]["policy_version"] == 1
    assert entries("case:stage:change", case.id)[-1].diff["stage"] == [
        "return_preparation",
        "return_approved",
    ]


@pytest.mark.parametrize("sid", SAFEGUARD_IDS)
def test_any_unmet_safeguard_refuses_and_changes_nothing(factory, sid):
    ready = ready_case(factory, breaks=(sid,))
    case = ready.case
    version = case.version
    # The request layer's (and the CLI's) one transaction: roll back, record the refusal, commit.
    with pytest.raises(GateNotSatisfied) as exc, transaction():
        approve_return(ready.approver, case, expected_version=version, today=ready.today)
    assert sid in exc.value.message
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.stage is Stage.RETURN_PREPARATION
    assert case.version == version
    assert approvals(case.id) == 0
    assert entries("return:approve", case.id) == []
    [refusal] = entries("gate:refuse", case.id)
    unmet = [s["id"] for s in refusal.diff["gate"]["safeguards"] if not s["met"]]
    assert unmet == [sid]
    assert refusal.actor_id == ready.approver.id


def test_bid_author_cannot_approve_the_return(factory):
    ready = ready_case(factory)
    ready.r["bid"].author_id = ready.approver.id  # a supervisor wrote it
    db.session.commit()
    with pytest.raises(FourEyesViolation):
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.rollback()
    assert approvals(ready.case.id) == 0


def test_stale_version_is_refused(factory):
    ready = ready_case(factory)
    with pytest.raises(StaleVersion):
        approve_return(ready.approver, ready.case, expected_version=ready.case.version - 1)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.OMBUDSPERSON, Role.ADMIN])
def test_only_supervisors_approve(factory, role):
    ready = ready_case(factory)
    user = ready.caseworker if role is Role.CASEWORKER else factory.user(role)
    with pytest.raises(PermissionDenied):
        approve_return(user, ready.case, expected_version=ready.case.version)


def test_supervisor_of_another_agency_cannot_approve(factory):
    ready = ready_case(factory)
    other = factory.user(Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        approve_return(other, ready.case, expected_version=ready.case.version)


@pytest.mark.parametrize(
    "stage", [Stage.DECIDED, Stage.RETURN_APPROVED, Stage.RETURNED, Stage.MONITORING]
)
def test_only_from_return_preparation(factory, stage):
    ready = ready_case(factory)
    if stage is Stage.RETURN_APPROVED:
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    else:
        ready.case.stage = stage
    db.session.commit()
    with pytest.raises(InvalidTransition):
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)


def test_setting_the_stage_directly_is_refused_on_flush(factory):
    ready = ready_case(factory)
    ready.case.stage = Stage.RETURN_APPROVED
    with pytest.raises(GateNotSatisfied):
        db.session.commit()
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Case, ready.case.id).stage is Stage.RETURN_PREPARATION


def test_guard_refuses_a_withdrawn_approval_as_cover(factory):
    from caseapp.core.db import utcnow

    ready = ready_case(factory)
    db.session.add(
        ReturnApproval(
            case=ready.case,
            approved_by_id=ready.approver.id,
            case_version=ready.case.version,
            policy_version=1,
            gate_evaluation={},
            withdrawn_at=utcnow(),
            withdrawn_reason="x",
        )
    )
    ready.case.stage = Stage.RETURN_APPROVED
    with pytest.raises(GateNotSatisfied):
        db.session.flush()
    db.session.rollback()


def test_two_supervisors_racing_end_with_one_approval(factory, app):
    ready = ready_case(factory)
    second = factory.user(Role.SUPERVISOR, agency=ready.agency)
    case_id, version = ready.case.id, ready.case.version
    actors = [ready.approver.id, second.id]
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = {}

    def run(user_id):
        from caseapp.auth.models import User

        with app.app_context():
            try:
                barrier.wait(timeout=10)
                actor = db.session.get(User, user_id)
                case = db.session.get(Case, case_id)
                approve_return(actor, case, expected_version=version)
                db.session.commit()
                outcomes[user_id] = "approved"
            except StaleVersion:
                db.session.rollback()
                outcomes[user_id] = "stale"
            except Exception as err:
                db.session.rollback()
                outcomes[user_id] = repr(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(uid,)) for uid in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes.values()) == ["approved", "stale"], outcomes
    db.session.expire_all()
    in_force = db.session.scalar(
        select(func.count()).where(
            ReturnApproval.case_id == case_id, ReturnApproval.withdrawn_at.is_(None)
        )
    )
    assert in_force == 1
    assert len(entries("return:approve", case_id)) == 1
    assert db.session.get(Case, case_id).stage is Stage.RETURN_APPROVED


@pytest.mark.parametrize("own_case", [True, False])
def test_the_cases_own_caseworker_does_not_approve_its_return(factory, own_case):
    """A supervisor who took the case on as its caseworker prepared the return: approving it
    would be their own work (DESIGN.md section 1: "never their own work"). Another supervisor
    of the agency may."""
    from caseapp.cases.operations import reassign_case

    ready = ready_case(factory)
    if own_case:
        reassign_case(
            ready.supervisor,
            ready.case,
            caseworker=ready.approver,
            reason="Covering for a colleague on leave.",
            expected_version=ready.case.version,
        )
        db.session.commit()
    assert ready.case.can_approve_return(ready.approver, set(), set()) is not own_case
    if own_case:
        with pytest.raises(FourEyesViolation, match="caseworker"):
            approve_return(ready.approver, ready.case, expected_version=ready.case.version)
        db.session.rollback()
        assert approvals(ready.case.id) == 0
    else:
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)
        db.session.commit()
        assert approvals(ready.case.id) == 1
