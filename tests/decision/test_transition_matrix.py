"""Stage x role matrix for every transition of assessment, determination and decision.

Each transition is allowed only from its stage(s) by the lead agency's caseworkers and
supervisors; from every other open stage it raises ``InvalidTransition`` and changes nothing;
on a closed case (read-only) ``PermissionDenied``. Ombudspersons, admins and staff of
another agency get ``PermissionDenied`` (the pages answer 404/403, see test_views).
"""

import pytest
from sqlalchemy import func, select

from caseapp.assessment.operations import start_assessment
from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Outcome, Stage
from caseapp.core.errors import InvalidTransition, PermissionDenied
from caseapp.core.permissions import Role
from caseapp.decision.operations import (
    proceed_after_decision,
    record_decision,
    reopen_determination,
)
from caseapp.determination.operations import open_determination
from tests.support import clock, lifecycle


def _start(user, case):
    start_assessment(user, case, expected_version=case.version)


def _open(user, case):
    open_determination(user, case, expected_version=case.version)


def _decide(user, case):
    record_decision(
        user, case, outcome=Outcome.RETURN, decided_on=clock.today(), expected_version=case.version
    )


def _proceed(user, case):
    proceed_after_decision(user, case, expected_version=case.version)


def _reopen(user, case):
    reopen_determination(user, case, reason="New fact", expected_version=case.version)


def _prepare_registered(case, cw, sup):
    lifecycle.to_registered(case, cw)


def _prepare_assessment(case, cw, sup):
    lifecycle.to_assessment(case, cw)
    lifecycle.completed_bia(case, cw)


def _prepare_determination(case, cw, sup):
    lifecycle.approved_bid(case, cw, sup)


def _prepare_decided(case, cw, sup):
    lifecycle.to_decided(case, cw, sup)


def _prepare_return_preparation(case, cw, sup):
    lifecycle.to_return_preparation(case, cw, sup)


TRANSITIONS = {
    # name: (operation, stages it is allowed from, how to get a case ready there, target)
    "start_assessment": (_start, {Stage.REGISTERED: _prepare_registered}, Stage.ASSESSMENT),
    "open_determination": (_open, {Stage.ASSESSMENT: _prepare_assessment}, Stage.DETERMINATION),
    "record_decision": (_decide, {Stage.DETERMINATION: _prepare_determination}, Stage.DECIDED),
    "proceed_after_decision": (
        _proceed,
        {Stage.DECIDED: _prepare_decided},
        Stage.RETURN_PREPARATION,
    ),
    "reopen_determination": (
        _reopen,
        {
            Stage.DECIDED: _prepare_decided,
            Stage.RETURN_PREPARATION: _prepare_return_preparation,
        },
        Stage.DETERMINATION,
    ),
}

WRONG_STAGE_CASES = [
    (name, stage)
    for name, (_, allowed, _target) in TRANSITIONS.items()
    for stage in Stage
    if stage not in allowed
    and not (name == "reopen_determination" and stage is Stage.RETURN_APPROVED)
]
ALLOWED_CASES = [
    (name, stage) for name, (_, allowed, _target) in TRANSITIONS.items() for stage in allowed
]


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "caseworker": factory.user(Role.CASEWORKER, agency=agency),
        "supervisor": factory.user(Role.SUPERVISOR, agency=agency),
        "approver": factory.user(Role.SUPERVISOR, agency=agency),
        "ombudsperson": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
        "other_agency": factory.user(Role.SUPERVISOR),
    }


def _count(db, case):
    return db.session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case.id)
    )


@pytest.mark.parametrize(("name", "stage"), WRONG_STAGE_CASES)
def test_refused_in_every_other_stage(factory, people, db, name, stage):
    operation = TRANSITIONS[name][0]
    case = factory.case(caseworker=people["caseworker"])
    lifecycle.force_stage(case, stage)
    before = _count(db, case)
    expected = PermissionDenied if stage is Stage.CLOSED else InvalidTransition
    with pytest.raises(expected):
        operation(people["caseworker"], case)
    db.session.rollback()
    assert case.stage is stage
    assert _count(db, case) == before


@pytest.mark.parametrize("role", ["caseworker", "supervisor"])
@pytest.mark.parametrize(("name", "stage"), ALLOWED_CASES)
def test_allowed_for_lead_agency_staff(factory, people, db, name, stage, role):
    operation, allowed, target = TRANSITIONS[name]
    case = factory.case(caseworker=people["caseworker"])
    allowed[stage](case, people["caseworker"], people["approver"])
    before = _count(db, case)
    operation(people[role], case)
    db.session.commit()
    assert case.stage is target
    new = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
    ).all()[before:]
    assert new.count("case:stage:change") == 1


@pytest.mark.parametrize("role", ["ombudsperson", "admin", "other_agency"])
@pytest.mark.parametrize(("name", "stage"), ALLOWED_CASES)
def test_refused_for_other_roles(factory, people, db, name, stage, role):
    operation, allowed, _target = TRANSITIONS[name]
    case = factory.case(caseworker=people["caseworker"])
    allowed[stage](case, people["caseworker"], people["approver"])
    before = _count(db, case)
    with pytest.raises(PermissionDenied):
        operation(people[role], case)
    db.session.rollback()
    assert case.stage is stage
    assert _count(db, case) == before
