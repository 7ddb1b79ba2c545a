"""Alert rules (pure) and their SQL twins agree, both ways."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.alerts.queries import case_ids_with_alert
from caseapp.alerts.rules import KINDS, alerts_for
from caseapp.assessment.models import (
    BestInterestsAssessment,
    Placement,
    PlacementType,
    ServiceKind,
    ServiceRecord,
)
from caseapp.cases.models import Stage
from caseapp.core.db import utcnow
from caseapp.core.extensions import db
from caseapp.decision.operations import lodge_appeal
from caseapp.determination.models import BidStatus
from caseapp.gate.operations import approve_return
from caseapp.monitoring.models import MonitoringVisit
from tests.support import clock
from tests.support.gate_builder import ready_case


def _services(case):
    for kind in (ServiceKind.SCHOOL, ServiceKind.HEALTHCARE):
        db.session.add(
            ServiceRecord(
                case=case, kind=kind, provider="Local", started_on=clock.today() - timedelta(9)
            )
        )


def _placement(case, **kw):
    db.session.add(
        Placement(
            case=case,
            placement_type=kw.pop("placement_type", PlacementType.FOSTER_FAMILY),
            responsible_authority="Social services",
            started_on=clock.today() - timedelta(days=30),
            **kw,
        )
    )


def _make(kind, case, ready):
    child = case.child
    if kind == "deprived_of_liberty":
        _placement(case, child_can_leave_at_will=False)
    elif kind == "separated_by_placement":
        _placement(case, separated_from_family=True)
    elif kind == "no_school_or_healthcare":
        db.session.query(ServiceRecord).filter_by(case_id=case.id, kind=ServiceKind.SCHOOL).delete()
    elif kind == "bid_overdue":
        case.stage = Stage.ASSESSMENT
        case.outcome = None
        case.opened_at = utcnow() - timedelta(days=91)
        ready.r["bid"].status = BidStatus.WITHDRAWN
    elif kind == "visit_overdue":
        db.session.add(
            MonitoringVisit(case=case, months_after_return=1, due_on=clock.today() - timedelta(1))
        )
    elif kind == "charged_irregular_entry":
        child.charged_irregular_entry = True
    elif kind == "approval_withdrawn":
        # An appeal lodged after the approval: the gate's hold withdraws it on commit.
        approve_return(ready.approver, case, expected_version=case.version)
        db.session.commit()
        lodge_appeal(
            ready.caseworker,
            case,
            lodged_on=clock.today(),
            lodged_by="The guardian",
            body="District court",
            expected_version=case.version,
        )
    elif kind == "turning_18":  # 30 days before the 18th birthday (issue 15)
        child.date_of_birth = date(
            clock.today().year - 18, clock.today().month, min(clock.today().day, 28)
        ) + timedelta(30)
    elif kind == "adult_by_records":
        child.date_of_birth = date(clock.today().year - 19, 1, 1)
    elif kind == "detention_open":  # through the operation: the placement opens the record
        from caseapp.assessment.operations import record_placement

        record_placement(
            ready.caseworker,
            case,
            placement_type=PlacementType.DETENTION,
            responsible_authority="Migration police",
            started_on=clock.today() - timedelta(days=3),
            child_can_leave_at_will=False,
            expected_version=case.version,
        )
    elif kind == "victim_not_referred":
        child.trafficking_indicators = True
        child.trafficking_indicators_on = clock.today() - timedelta(days=30)
    elif kind == "return_impossible":
        db.session.add(
            BestInterestsAssessment(
                case=case, author_id=ready.caseworker.id, return_safe=False, completed_at=utcnow()
            )
        )
        ready.r["bia"].return_safe = False


# Alerts that come with another by nature: a detention record is opened by a placement that
# deprives of liberty, so both alerts show (issue 15).
COMPANIONS = {"detention_open": {"deprived_of_liberty"}}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_rule_and_sql_agree_both_ways(factory, kind):
    ready = ready_case(factory)
    quiet = ready_case(factory)
    for r in (ready, quiet):
        _services(r.case)
    db.session.commit()
    assert [a.kind for a in alerts_for(ready.case, clock.today())] == []
    assert (
        ready.case.id
        not in db.session.scalars(case_ids_with_alert(kind, today=clock.today())).all()
    )
    _make(kind, ready.case, ready)
    db.session.commit()
    kinds = [a.kind for a in alerts_for(ready.case, clock.today())]
    assert set(kinds) == {kind, *COMPANIONS.get(kind, ())}
    [alert] = [a for a in alerts_for(ready.case, clock.today()) if a.kind == kind]
    assert alert.source.startswith("002")
    ids = db.session.scalars(case_ids_with_alert(kind, today=clock.today())).all()
    assert ids == [ready.case.id]


def test_closed_case_has_no_deprivation_alert(factory):
    ready = ready_case(factory)
    _services(ready.case)
    _placement(ready.case, placement_type=PlacementType.DETENTION)
    ready.case.stage = Stage.CLOSED
    ready.case.closed_at = utcnow()
    ready.case.closure_reason = "transferred"
    db.session.commit()
    assert alerts_for(ready.case, clock.today()) == []
    assert db.session.scalars(case_ids_with_alert("deprived_of_liberty")).all() == []


def test_unknown_kind():
    with pytest.raises(ValueError):
        select(case_ids_with_alert("nonsense", today=clock.today(), policy=object()))


def test_alerts_partial_on_the_safeguards_page(factory, client, login):
    ready = ready_case(factory)
    ready.case.child.charged_irregular_entry = True
    db.session.commit()
    login(ready.caseworker)
    html = client.get(f"/cases/{ready.case.id}/safeguards").get_data(as_text=True)
    assert "Child charged for irregular entry or stay" in html
