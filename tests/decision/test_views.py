"""Decision page: recording the decision, notice, appeals, complaints, proceeding, reopening."""

from datetime import timedelta

import pytest

from caseapp.cases.models import Outcome, Stage
from caseapp.core.permissions import Role
from caseapp.decision.models import AppealStatus
from caseapp.decision.queries import appeals, current_notice, execution_suspended
from caseapp.gate.policy import current_policy
from tests.support import lifecycle
from tests.support.lifecycle import TODAY


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
        "decision-decided_on": TODAY.isoformat(),
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
    day = TODAY  # a notice in the future is refused by every form (caseapp.core.validators)
    response = client.post(
        url(case, "/notify-child"),
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


def test_appeal_suspends_then_upheld_reopens(client, login, case, people, db):
    lifecycle.to_return_preparation(case, people["cw"], people["sup"])
    login(people["cw"])
    response = client.post(
        url(case, "/appeals"),
        data={
            "appeal-version": str(case.version),
            "appeal-lodged_on": TODAY.isoformat(),
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
            f"{prefix}-decided_on": TODAY.isoformat(),
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
            "complaint-lodged_on": TODAY.isoformat(),
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
