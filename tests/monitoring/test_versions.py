"""Monitoring checks the case version: a visit report, an escalation or the return recorded on
an out-of-date page is refused with a clear message and stores nothing (DESIGN.md section 3
item 8)."""

import pytest
from sqlalchemy import select

from caseapp.core.errors import StaleVersion
from caseapp.core.extensions import db
from caseapp.monitoring import operations as ops
from caseapp.monitoring.models import MonitoringVisit
from tests.monitoring.test_monitoring import TODAY, returned_long_ago
from tests.support.audit_entries import entries

STALE = "Someone else changed this case"


def returned(factory):
    """A returned case with its visits scheduled (100 days ago, so two are overdue)."""
    ready = returned_long_ago(factory, 100)
    visits = db.session.scalars(select(MonitoringVisit).order_by(MonitoringVisit.due_on)).all()
    return ready, visits


def test_a_stale_visit_report_changes_nothing(factory):
    ready, (first, second, *_) = returned(factory)
    loaded = ready.case.version
    ops.escalate_visit(ready.caseworker, second, reason="Overdue", expected_version=loaded)
    db.session.commit()
    assert ready.case.version == loaded + 1
    with pytest.raises(StaleVersion):
        ops.record_visit_report(
            ready.caseworker,
            first,
            visited_on=TODAY,
            visited_by="Monitor",
            wellbeing="Well.",
            expected_version=loaded,
        )
    db.session.rollback()
    assert first.visited_on is None and first.wellbeing is None
    assert entries("visit:report", ready.case.id) == []
    with pytest.raises(StaleVersion):
        ops.escalate_visit(ready.caseworker, first, reason="Concern", expected_version=loaded)
    db.session.rollback()
    assert not first.escalated


@pytest.mark.parametrize(
    "call",
    [
        lambda ready, visit: ops.record_visit_report(
            ready.caseworker,
            visit,
            visited_on=TODAY,
            visited_by="Monitor",
            wellbeing="Well.",
            expected_version=None,
        ),
        lambda ready, visit: ops.escalate_visit(
            ready.caseworker, visit, reason="x", expected_version=None
        ),
        lambda ready, visit: ops.start_monitoring(
            ready.caseworker, ready.case, expected_version=None
        ),
    ],
)
def test_an_unnamed_version_is_refused(factory, call):
    ready, visits = returned(factory)
    with pytest.raises(StaleVersion):
        call(ready, visits[0])


def test_stale_visit_report_post_shows_the_message_and_stores_nothing(factory, client, login):
    ready, (first, second, *_) = returned(factory)
    login(ready.caseworker)
    url = f"/cases/{ready.case.id}/monitoring/visits/{first.id}"
    loaded = ready.case.version
    assert f'value="{loaded}"' in client.get(url).get_data(as_text=True)
    ops.escalate_visit(ready.caseworker, second, reason="Overdue", expected_version=loaded)
    db.session.commit()
    form = {
        "version": loaded,
        "visited_on": TODAY.isoformat(),
        "visited_by": "Monitor",
        "wellbeing": "Settled at home.",
    }
    r = client.post(url, data=form)
    assert r.status_code == 409
    assert STALE in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MonitoringVisit, first.id).visited_on is None
    assert entries("visit:report", ready.case.id) == []
    r = client.post(url, data={**form, "version": ready.case.version})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringVisit, first.id).wellbeing == "Settled at home."
