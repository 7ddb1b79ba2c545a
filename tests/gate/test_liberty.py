"""One definition of deprivation of liberty (issue 9, principle 8; 002, Rec 4): the placement,
the alert (and its SQL twin), the case page, the gate's arrival check and the export summary
all read ``caseapp.assessment.liberty.deprives_of_liberty``."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.alerts.queries import case_ids_with_alert
from caseapp.alerts.rules import alerts_for
from caseapp.assessment import operations as assessment
from caseapp.assessment.models import Placement, PlacementType
from caseapp.audit.models import AuditEntry
from caseapp.audit.summary import CaseSummaries
from caseapp.core.extensions import db
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle

# (type, can leave at will, run by law enforcement) -> deprives of liberty
CASES = [
    (PlacementType.OPEN_SHELTER, True, False, False),
    (PlacementType.FOSTER_FAMILY, False, False, True),  # cannot leave: whatever its name
    (PlacementType.OPEN_SHELTER, True, True, True),  # run by the police
    (PlacementType.TRANSIT_CENTRE, True, False, True),  # custodial by type
]


@pytest.mark.parametrize("ptype, can_leave, police, deprives", CASES)
def test_one_definition_everywhere(
    factory, client, login, tmp_path, ptype, can_leave, police, deprives
):
    cw = factory.user()
    case = factory.case(agency=cw.agency, caseworker=cw)
    lifecycle.to_assessment(case, cw)
    placement = assessment.record_placement(
        cw,
        case,
        placement_type=ptype,
        responsible_authority="Authority",
        started_on=clock.today() - timedelta(days=3),
        child_can_leave_at_will=can_leave,
        run_by_law_enforcement=police,
        expected_version=case.version,
    )
    db.session.commit()
    # The placement, and the same definition as SQL.
    assert placement.deprives_of_liberty is deprives
    in_sql = db.session.scalar(
        select(Placement.id).where(Placement.id == placement.id, Placement.deprives_of_liberty)
    )
    assert (in_sql is not None) is deprives
    # The alert and its SQL twin (the case list filter).
    kinds = [a.kind for a in alerts_for(case)]
    assert ("deprived_of_liberty" in kinds) is deprives
    ids = case_ids_with_alert("deprived_of_liberty", today=clock.today(), policy=current_policy())
    assert (case.id in set(db.session.scalars(ids))) is deprives
    # The export summary, from the placement's real audit entry.
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Placement").order_by(AuditEntry.id)
    ).all()[-1]
    summaries = CaseSummaries(tmp_path / "summaries.sqlite3")
    summaries.add(
        {
            "case_id": case.id,
            "case_number": case.number,
            "occurred_at": entry.occurred_at.isoformat(),
            "seq": entry.seq,
            "action": entry.action,
            "actor": None,
            "diff": entry.diff,
        }
    )
    [summary] = list(summaries.cases(until=entry.occurred_at.isoformat()))
    alerts = summary["alerts"]
    assert ([a["alert"] for a in alerts] == ["deprivation_of_liberty"]) is deprives
    # The case page marks it.
    login(cw)
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    assert ("Deprivation of liberty" in page) is deprives
