"""Per-record locking beyond the BIA (issue 12 item 2): a colleague's record elsewhere in the
case does not refuse a guardian, hearing or placement saved on a page loaded before it; a
stage change in between does, and nothing is stored."""

import pytest
from sqlalchemy import func, select

from caseapp.assessment import operations as ops
from caseapp.assessment.models import GuardianAppointment
from caseapp.cases.models import Stage
from caseapp.core.errors import StaleVersion
from caseapp.core.permissions import Role
from tests.support import clock, lifecycle


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "colleague": factory.user(Role.CASEWORKER, agency=agency),
    }


@pytest.fixture
def case(factory, people):
    return lifecycle.to_assessment(factory.case(caseworker=people["cw"]), people["cw"])


def _appoint(case, user, version):
    return ops.appoint_guardian(
        user,
        case,
        guardian_name="Maria Popescu",
        appointing_authority="Court",
        appointed_on=clock.today(),
        declared_independent=True,
        expected_version=version,
    )


def _guardians(db, case):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(GuardianAppointment.case_id == case.id))


def test_a_hearing_recorded_meanwhile_does_not_refuse_a_guardian(case, people, db):
    loaded = case.version  # the caseworker opens the assessment page
    lifecycle.with_hearing(case, people["colleague"])  # a colleague records a hearing
    db.session.commit()
    assert case.version > loaded and case.stage is Stage.ASSESSMENT
    _appoint(case, people["cw"], loaded)
    db.session.commit()
    assert _guardians(db, case) == 1


def test_a_stage_change_meanwhile_refuses_and_stores_nothing(case, people, db):
    loaded = case.version
    lifecycle.to_determination(case, people["colleague"])  # (appoints a guardian too)
    db.session.commit()
    before = _guardians(db, case)
    with pytest.raises(StaleVersion):
        _appoint(case, people["cw"], loaded)
    db.session.rollback()
    assert _guardians(db, case) == before
    _appoint(case, people["cw"], case.version)  # reloaded: allowed in this stage
    db.session.commit()
    assert _guardians(db, case) == before + 1


@pytest.mark.parametrize("version", [None, 10**6])
def test_a_missing_or_impossible_version_is_refused(case, people, db, version):
    with pytest.raises(StaleVersion):
        _appoint(case, people["cw"], version)
    db.session.rollback()
    assert _guardians(db, case) == 0
