"""A monitoring visit has its own lock (issue 12 item 2): a report or an escalation written on
an out-of-date version of THE SAME visit is refused with a clear message and stores nothing;
a colleague's change to another visit (another record of the same case) in between does not
refuse it. The return itself (a stage change) still names the case's version."""

import pytest
from sqlalchemy import select

from caseapp.core.errors import StaleVersion
from caseapp.core.extensions import db
from caseapp.monitoring import operations as ops
from caseapp.monitoring.models import MonitoringVisit
from tests.monitoring.test_monitoring import returned_long_ago
from tests.support import clock
from tests.support.audit_entries import entries

STALE = "Someone else saved this record while you were writing"


def returned(factory):
    """A returned case with its visits scheduled (100 days ago, so two are overdue)."""
    ready = returned_long_ago(factory, 100)
    visits = db.session.scalars(select(MonitoringVisit).order_by(MonitoringVisit.due_on)).all()
    return ready, visits


def report(ready, visit, loaded, wellbeing="Well."):
    return ops.record_visit_report(
        ready.caseworker,
        visit,
        visited_on=clock.today(),
        visited_by="Monitor",
        wellbeing=wellbeing,
        expected_version=loaded,
    )


def test_a_change_to_another_visit_does_not_refuse_the_report(factory):
    ready, (first, second, *_) = returned(factory)
    loaded = first.version  # the caseworker opens the first visit's form
    case_loaded = ready.case.version
    ops.escalate_visit(ready.caseworker, second, reason="Overdue", expected_version=second.version)
    db.session.commit()
    assert ready.case.version == case_loaded + 1  # the case moved on
    report(ready, first, loaded, "Settled.")
    db.session.commit()
    assert first.wellbeing == "Settled." and first.version == loaded + 1
    assert len(entries("visit:report", ready.case.id)) == 1


def test_a_stale_report_of_the_same_visit_changes_nothing(factory):
    ready, (first, *_) = returned(factory)
    loaded = first.version
    report(ready, first, loaded, "First words.")
    db.session.commit()
    with pytest.raises(StaleVersion) as info:
        report(ready, first, loaded, "Second words.")
    assert STALE in info.value.message
    db.session.rollback()
    assert first.wellbeing == "First words."
    assert len(entries("visit:report", ready.case.id)) == 1
    with pytest.raises(StaleVersion):
        ops.escalate_visit(ready.caseworker, first, reason="Concern", expected_version=loaded)
    db.session.rollback()
    assert not first.escalated


@pytest.mark.parametrize(
    "call",
    [
        lambda ready, visit: report(ready, visit, None),
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


def test_stale_post_keeps_the_text_shows_theirs_and_saves_on_top(factory, client, login):
    ready, (first, *_) = returned(factory)
    login(ready.caseworker)
    url = f"/cases/{ready.case.id}/monitoring/visits/{first.id}"
    loaded = first.version
    assert f'name="version" type="hidden" value="{loaded}"' in client.get(url).get_data(
        as_text=True
    )
    # A colleague reports the same visit in between.
    report(ready, first, loaded, "Theirs: settled at school.")
    db.session.commit()
    form = {
        "version": loaded,
        "visited_on": clock.today().isoformat(),
        "visited_by": "Monitor",
        "wellbeing": "Mine: settled at home.",
    }
    r = client.post(url, data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 409
    assert STALE in page
    assert "Mine: settled at home." in page  # the user's text is kept in the form
    assert "Saved in the meantime by someone else" in page and "Theirs: settled at school." in page
    assert f'value="{loaded + 1}"' in page  # the form now carries the current version
    db.session.expire_all()
    assert db.session.get(MonitoringVisit, first.id).wellbeing == "Theirs: settled at school."
    r = client.post(url, data={**form, "version": loaded + 1})  # "save again": mine on top
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringVisit, first.id).wellbeing == "Mine: settled at home."


def test_a_post_after_another_visit_changed_is_stored(factory, client, login):
    ready, (first, second, *_) = returned(factory)
    login(ready.caseworker)
    url = f"/cases/{ready.case.id}/monitoring/visits/{first.id}"
    loaded = first.version
    ops.escalate_visit(ready.caseworker, second, reason="Overdue", expected_version=second.version)
    db.session.commit()
    form = {
        "version": loaded,
        "visited_on": clock.today().isoformat(),
        "visited_by": "Monitor",
        "wellbeing": "Settled at home.",
    }
    assert client.post(url, data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(MonitoringVisit, first.id).wellbeing == "Settled at home."
