"""Determination page: drafting through the forms, review by another supervisor, refusals."""

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Outcome, Stage
from caseapp.core.permissions import Role
from caseapp.determination.models import BidStatus, PanelMember
from caseapp.determination.operations import current_bid
from tests.support import lifecycle


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
        "omb": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
        "other": factory.user(Role.SUPERVISOR),
    }


@pytest.fixture
def case(factory, people):
    return factory.case(caseworker=people["cw"])


@pytest.mark.parametrize(
    ("who", "status"), [("cw", 200), ("sup", 200), ("omb", 200), ("admin", 404), ("other", 404)]
)
def test_page_visible_to_the_right_people(client, login, case, people, who, status):
    lifecycle.to_determination(case, people["cw"])
    login(people[who])
    response = client.get(f"/cases/{case.id}/determination")
    assert response.status_code == status
    if status == 200:
        assert case.number in response.get_data(as_text=True)


def test_open_determination_through_page(client, login, case, people, db):
    lifecycle.to_assessment(case, people["cw"])
    login(people["cw"])
    refused = client.post(
        f"/cases/{case.id}/determination/open", data={"open-version": str(case.version)}
    )
    assert refused.status_code == 400
    assert "Complete the best-interests assessment" in refused.get_data(as_text=True)
    lifecycle.completed_bia(case, people["cw"])
    response = client.post(
        f"/cases/{case.id}/determination/open", data={"open-version": str(case.version)}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.stage is Stage.DETERMINATION


def test_draft_through_forms_then_approve_by_other_supervisor(client, login, case, people, db):
    bid = lifecycle.to_determination(case, people["cw"])
    login(people["cw"])
    base = f"/cases/{case.id}/determination/bids/{bid.id}"

    def version():
        db.session.refresh(bid)
        return str(bid.version)

    assert (
        client.post(
            f"{base}/panel",
            data={
                "panel-version": version(),
                "panel-name": "Head of child protection",
                "panel-role": "chair",
                "panel-child_protection": "y",
            },
        ).status_code
        == 302
    )
    client.post(
        f"{base}/panel",
        data={"panel-version": version(), "panel-name": "Guardian", "panel-role": "guardian"},
    )
    for option in ("local_integration", "tolerated_stay", "return", "third_country"):
        response = client.post(
            f"{base}/options/{option}",
            data={f"option-{option}-version": version(), f"option-{option}-assessment": "Done."},
        )
        assert response.status_code == 302
    client.post(
        f"{base}/recommendation",
        data={
            "recommendation-version": version(),
            "recommendation-recommended": "return",
            "recommendation-reasons": "Mother able to care.",
        },
    )
    assert client.post(f"{base}/submit", data={"submit-version": version()}).status_code == 302
    db.session.refresh(bid)
    assert bid.status is BidStatus.SUBMITTED
    # The author sees no approve button; a caseworker posting is refused (403 from the rule).
    page = client.get(f"/cases/{case.id}/determination").get_data(as_text=True)
    assert "Approve the BID" not in page
    refused = client.post(
        f"{base}/approve", data={"approve-version": version(), "approve-confirmed": "1"}
    )
    assert refused.status_code == 403
    login(people["sup"])
    page = client.get(f"/cases/{case.id}/determination").get_data(as_text=True)
    assert "Approve the BID" in page
    assert (
        client.post(
            f"{base}/approve", data={"approve-version": version(), "approve-confirmed": "1"}
        ).status_code
        == 302
    )
    db.session.refresh(bid)
    assert bid.status is BidStatus.APPROVED and bid.approved_by_id == people["sup"].id


def test_author_supervisor_gets_four_eyes_refusal(client, login, case, people, db):
    bid = lifecycle.submitted_bid(case, people["sup"])
    login(people["sup"])
    response = client.post(
        f"/cases/{case.id}/determination/bids/{bid.id}/approve",
        data={"approve-version": str(bid.version), "approve-confirmed": "1"},
    )
    assert response.status_code == 403
    assert "four eyes" in response.get_data(as_text=True)
    db.session.refresh(bid)
    assert bid.status is BidStatus.SUBMITTED
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "bid:approve")
        )
        == 0
    )


def test_send_back_through_page(client, login, case, people, db):
    bid = lifecycle.submitted_bid(case, people["cw"])
    login(people["sup"])
    response = client.post(
        f"/cases/{case.id}/determination/bids/{bid.id}/send-back",
        data={"send_back-version": str(bid.version), "send_back-comment": "More on return."},
    )
    assert response.status_code == 302
    db.session.refresh(bid)
    assert bid.status is BidStatus.SENT_BACK


def test_stale_bid_version_changes_nothing(client, login, case, people, db):
    bid = lifecycle.to_determination(case, people["cw"])
    login(people["cw"])
    response = client.post(
        f"/cases/{case.id}/determination/bids/{bid.id}/panel",
        data={"panel-version": str(bid.version - 1), "panel-name": "X", "panel-role": "member"},
    )
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(PanelMember)) == 0


def test_ombudsperson_cannot_post_and_bid_of_other_case_is_404(
    client, login, case, factory, people, db
):
    bid = lifecycle.to_determination(case, people["cw"])
    login(people["omb"])
    url = f"/cases/{case.id}/determination/bids/{bid.id}/recommendation"
    assert client.post(url, data={"recommendation-version": "1"}).status_code == 403
    other_case = factory.case(caseworker=people["cw"])
    login(people["cw"])
    wrong = f"/cases/{other_case.id}/determination/bids/{bid.id}/recommendation"
    assert client.post(wrong, data={"recommendation-version": "1"}).status_code == 404


def test_new_draft_after_reopen(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    from caseapp.decision.operations import reopen_determination

    reopen_determination(people["cw"], case, reason="New fact", expected_version=case.version)
    db.session.commit()
    login(people["cw"])
    page = client.get(f"/cases/{case.id}/determination").get_data(as_text=True)
    assert "Open a new draft" in page
    response = client.post(
        f"/cases/{case.id}/determination/new-draft",
        data={"new_draft-version": str(case.version)},
    )
    assert response.status_code == 302
    new = current_bid(case)
    assert new.status is BidStatus.DRAFT and len(new.options) == 4


@pytest.mark.parametrize(
    ("recommended", "proposed"), [(Outcome.RETURN, False), (Outcome.LOCAL_INTEGRATION, True)]
)
def test_a_bid_against_return_proposes_regularisation(
    client, login, case, people, recommended, proposed
):
    # BestInterestsDetermination.recommends_against_return (002, Rec 2; Moldova practice).
    bid = lifecycle.submitted_bid(case, people["cw"], recommended=recommended)
    assert bid.recommends_against_return is proposed
    login(people["cw"])
    page = client.get(f"/cases/{case.id}/determination").get_data(as_text=True)
    assert ("The BID recommends against return" in page) is proposed
