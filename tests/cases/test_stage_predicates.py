"""The lifecycle predicates templates ask (issue 8: templates never compare stages): each is
true at its own stage for a caseworker of the lead agency, false at every other stage and for
a reader."""

import pytest

from caseapp.auth.models import User
from caseapp.cases.models import Case, Stage
from caseapp.core.permissions import Role

PREDICATES = {
    "can_register": {Stage.IDENTIFIED},
    "can_start_assessment": {Stage.REGISTERED},
    "can_assess": {Stage.ASSESSMENT},
    "can_open_new_draft": {Stage.DETERMINATION},
    "can_proceed_after_decision": {Stage.DECIDED},
    "can_lodge_complaint": set(Stage) - {Stage.IDENTIFIED, Stage.CLOSED},
    "can_record_return": {Stage.RETURN_APPROVED},
    "can_start_monitoring": {Stage.RETURNED},
}


@pytest.mark.parametrize("name", sorted(PREDICATES))
def test_predicate_holds_at_its_stages_only(app, name):
    caseworker = User(role=Role.CASEWORKER, agency_id=1)
    ombudsperson = User(role=Role.OMBUDSPERSON, agency_id=None)
    other_agency = User(role=Role.CASEWORKER, agency_id=2)
    for stage in Stage:
        case = Case(stage=stage, lead_agency_id=1)
        assert getattr(case, name)(caseworker) is (stage in PREDICATES[name]), stage
        assert getattr(case, name)(ombudsperson) is False
        assert getattr(case, name)(other_agency) is False


def test_state_properties(app):
    assert Case(stage=Stage.IDENTIFIED).awaits_registration
    assert not Case(stage=Stage.REGISTERED).awaits_registration
    assert Case(stage=Stage.ASSESSMENT).in_assessment
    assert Case(stage=Stage.DETERMINATION).in_determination
    assert not Case(stage=Stage.DECIDED).in_determination
    assert not Case(stage=Stage.CLOSED).takes_records
