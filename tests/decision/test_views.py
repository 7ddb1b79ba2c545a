"""Decision page: recording the decision, notice, appeals, complaints, proceeding, reopening."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Outcome, Stage
from caseapp.core.extensions import db as _db
from caseapp.core.permissions import Role
from caseapp.decision.models import AppealStatus, DecisionNotice
from caseapp.decision.operations import reopen_determination
from caseapp.decision.queries import appeals, current_notice, execution_suspended
from caseapp.determination.operations import open_new_draft
from caseapp.gate.policy import current_policy
from tests.support import clock, lifecycle


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
        "other": factory.user(Role.CASEWORKER),
    }


@pytest.fixture
def case(factory, people):
    return factory.case(caseworker=people["cw"])


def url(case, tail=""):
    return f"/cases/{case.id}/decision{tail}"


@pytest.mark.parametrize(
    ("who", "status"), [("cw", 200), ("sup", 200), ("omb", 200), ("admin", 404), ("other", 404)]
)
def test_page_visible_to_the_right_people(client, login, case, people, who, status):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people[who])
    response = client.get(url(case))
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert case.number in page and "Appeal deadline" in page


def test_record_decision_through_page(client, login, case, people, db):
    lifecycle.approved_bid(case, people["cw"], people["sup"])
    login(people["cw"])
    assert "Record the decision" in client.get(url(case)).get_data(as_text=True)
    data = {
        "decision-version": str(case.version),
        "decision-outcome": "tolerated_stay",
        "decision-decided_on": clock.today().isoformat(),
    }
    refused = client.post(url(case, "/record"), data=data)
    assert refused.status_code == 400
    assert "give the reasons" in refused.get_data(as_text=True)
    db.session.refresh(case)
    assert case.stage is Stage.DETERMINATION
    response = client.post(url(case, "/record"), data={**data, "decision-outcome": "return"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.DECIDED and case.outcome is Outcome.RETURN


def test_notify_and_deadline_from_policy(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["cw"])
    day = clock.today()  # a notice in the future is refused by every form (caseapp.core.validators)
    response = client.post(
        url(case, f"/notices/{current_notice(case).id}/notify-child"),
        data={
            "notify_child-version": str(current_notice(case).version),  # the notice's own
            "notify_child-notified_on": day.isoformat(),
            "notify_child-language": "Ukrainian",
            "notify_child-child_understands_language": "y",
        },
    )
    assert response.status_code == 302
    notice = current_notice(case)
    assert notice.appeal_deadline == day + timedelta(days=current_policy().appeal_period_days)


def audit_count() -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEntry))


def _redecided(case, people, db):
    """The decision recorded, the determination reopened and a new decision recorded: the
    first notice (superseded) and the one in force, both at version 1 as a fresh notice is."""
    old = lifecycle.to_decided(case, people["cw"], people["sup"])
    old_id, old_version = old.id, old.version
    reopen_determination(people["cw"], case, reason="New fact", expected_version=case.version)
    open_new_draft(people["cw"], case, expected_version=case.version)
    db.session.commit()
    new = lifecycle.to_decided(case, people["cw"], people["sup"])
    assert new.id != old_id and new.version == old_version  # the versions happen to match
    return old_id, old_version, new


NOTIFY = ("notify-child", "notify-guardian")


def notify(action):
    """The form of ``action``, dated today."""
    today = clock.today().isoformat()
    if action == "notify-child":
        return {
            "notify_child-notified_on": today,
            "notify_child-language": "Ukrainian",
            "notify_child-child_understands_language": "y",
        }
    return {"notify_guardian-notified_on": today}


@pytest.mark.parametrize("action", NOTIFY)
def test_a_stale_notice_form_is_refused_not_applied_to_the_new_notice(
    client, login, case, people, db, action
):
    """Issue 12: a form opened on the first decision names its notice; posted after a new
    decision (same version number), it is refused and neither notice changes."""
    old_id, old_version, new = _redecided(case, people, db)
    login(people["cw"])
    before = audit_count()
    prefix = action.replace("-", "_")
    response = client.post(
        url(case, f"/notices/{old_id}/{action}"),
        data={f"{prefix}-version": str(old_version), **notify(action)},
    )
    assert response.status_code == 400
    assert "This decision has been superseded." in response.get_data(as_text=True)
    db.session.expire_all()
    for notice in (db.session.get(DecisionNotice, old_id), current_notice(case)):
        assert notice.child_notified_on is None and notice.guardian_notified_on is None
    assert current_notice(case).id == new.id
    assert audit_count() == before


@pytest.mark.parametrize("action", NOTIFY)
def test_a_notice_form_on_the_notice_in_force_is_saved(client, login, case, people, db, action):
    _old_id, _old_version, new = _redecided(case, people, db)
    login(people["cw"])
    page = client.get(url(case)).get_data(as_text=True)
    assert url(case, f"/notices/{new.id}/{action}") in page  # the form names its notice
    prefix = action.replace("-", "_")
    response = client.post(
        url(case, f"/notices/{new.id}/{action}"),
        data={f"{prefix}-version": str(new.version), **notify(action)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    notice = current_notice(case)
    notified = notice.child_notified_on if action == "notify-child" else notice.guardian_notified_on
    assert notice.id == new.id and notified == clock.today()


def test_a_notice_of_another_case_is_not_found(client, login, case, people, db, factory):
    other = factory.case(caseworker=people["cw"])
    theirs = lifecycle.to_decided(other, people["cw"], people["sup"])
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["cw"])
    response = client.post(
        url(case, f"/notices/{theirs.id}/notify-guardian"),
        data={"notify_guardian-version": str(theirs.version), **notify("notify-guardian")},
    )
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(DecisionNotice, theirs.id).guardian_notified_on is None


def test_appeal_suspends_then_upheld_reopens(client, login, case, people, db):
    lifecycle.to_return_preparation(case, people["cw"], people["sup"])
    login(people["cw"])
    response = client.post(
        url(case, "/appeals"),
        data={
            "appeal-version": str(case.version),
            "appeal-lodged_on": clock.today().isoformat(),
            "appeal-lodged_by": "Guardian",
            "appeal-body": "District court",
        },
    )
    assert response.status_code == 302
    assert execution_suspended(case)
    assert "execution of the decision is suspended" in client.get(url(case)).get_data(as_text=True)
    appeal = appeals(case)[0]
    db.session.refresh(case)
    prefix = f"appeal-{appeal.id}"
    response = client.post(
        url(case, f"/appeals/{appeal.id}/decide"),
        data={
            f"{prefix}-version": str(appeal.version),  # the appeal's own lock
            f"{prefix}-status": "upheld",
            f"{prefix}-decided_on": clock.today().isoformat(),
        },
    )
    assert response.status_code == 302
    db.session.refresh(case)
    db.session.refresh(appeal)
    assert appeal.status is AppealStatus.UPHELD
    assert case.stage is Stage.DETERMINATION and case.outcome is None


def test_complaint_objection_reopens(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["cw"])
    response = client.post(
        url(case, "/complaints"),
        data={
            "complaint-version": str(case.version),
            "complaint-lodged_by": "child",
            "complaint-lodged_on": clock.today().isoformat(),
            "complaint-subject": "I do not want to go back.",
            "complaint-objects_to_decision": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.DETERMINATION


def test_proceed_and_new_fact(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["sup"])
    assert (
        client.post(url(case, "/proceed"), data={"proceed-version": str(case.version)}).status_code
        == 302
    )
    db.session.refresh(case)
    assert case.stage is Stage.RETURN_PREPARATION
    response = client.post(
        url(case, "/new-fact"),
        data={"new_fact-version": str(case.version), "new_fact-reason": "Father found."},
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.DETERMINATION


def test_stale_and_read_only(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["cw"])
    stale = client.post(url(case, "/proceed"), data={"proceed-version": str(case.version - 1)})
    assert stale.status_code == 409
    db.session.refresh(case)
    assert case.stage is Stage.DECIDED
    login(people["omb"])
    page = client.get(url(case)).get_data(as_text=True)
    assert "Proceed" not in page
    assert (
        client.post(url(case, "/proceed"), data={"proceed-version": str(case.version)}).status_code
        == 403
    )


def test_tolerated_stay_suggestion_shown(client, login, case, people, db):
    lifecycle.complete_bid(case, people["cw"], recommended=Outcome.LOCAL_INTEGRATION)
    login(people["cw"])
    page = client.get(url(case)).get_data(as_text=True)
    assert "Consider regularisation or tolerated stay." in page


def test_pages_in_russian(client, login, factory, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    people["cw"].locale = "ru"
    db.session.commit()
    login(people["cw"])
    assert "Уведомление о решении" in client.get(url(case)).get_data(as_text=True)
    page = client.get(f"/cases/{case.id}/assessment").get_data(as_text=True)
    assert "Беседы с ребёнком" in page
    page = client.get(f"/cases/{case.id}/determination").get_data(as_text=True)
    assert "Определение наилучших интересов" in page
