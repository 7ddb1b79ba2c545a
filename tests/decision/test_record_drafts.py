"""Drafts on the row forms with long text (issue 12 item 2): an appeal's grounds, its result,
a complaint's answer, the reintegration plan. The text typed comes back into its form (one
statement for all the rows of a page) and saving the form forgets it."""

import re

import pytest
from sqlalchemy import func, select

from caseapp.core.permissions import Role
from caseapp.decision import operations as decision
from caseapp.decision.models import Appeal
from caseapp.drafts.models import Draft
from tests.support import clock, lifecycle
from tests.support.gate_builder import ready_case

GROUNDS = "The child was not heard in a language she understands. " * 20
RESULT = "Upheld: the court found the hearing insufficient. " * 20


@pytest.fixture
def people(factory):
    agency = factory.agency()
    return {
        "cw": factory.user(Role.CASEWORKER, agency=agency),
        "sup": factory.user(Role.SUPERVISOR, agency=agency),
    }


@pytest.fixture
def case(factory, people):
    return factory.case(caseworker=people["cw"])


def _drafts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Draft))


def test_an_appeals_grounds_come_back_and_are_forgotten_on_save(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    login(people["cw"])
    path = f"/cases/{case.id}/decision/appeals"
    assert client.post("/drafts", data={"path": path, "appeal-grounds": GROUNDS}).status_code == 204
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    assert GROUNDS.strip() in page
    saved = client.post(
        path,
        data={
            "appeal-version": str(case.version),
            "appeal-lodged_on": clock.today().isoformat(),
            "appeal-lodged_by": "Guardian",
            "appeal-body": "District court",
            "appeal-grounds": GROUNDS,
        },
    )
    assert saved.status_code == 302
    assert _drafts(db) == 0


def test_an_appeals_result_draft_belongs_to_its_row(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    for body in ("District court", "Court of appeal"):
        decision.lodge_appeal(
            people["cw"],
            case,
            lodged_on=clock.today(),
            lodged_by="Guardian",
            body=body,
            expected_version=case.version,
        )
    db.session.commit()
    first, second = db.session.scalars(select(Appeal).order_by(Appeal.id)).all()
    login(people["cw"])
    path = f"/cases/{case.id}/decision/appeals/{first.id}/decide"
    prefix = f"appeal-{first.id}"
    data = {"path": path, f"{prefix}-result_summary": RESULT}
    assert client.post("/drafts", data=data).status_code == 204
    page = client.get(f"/cases/{case.id}/decision").get_data(as_text=True)
    assert page.count(RESULT.strip()) == 1  # in the first appeal's form, not the second's
    empty = rf'<textarea[^>]*name="appeal-{second.id}-result_summary"[^>]*>\s*</textarea>'
    assert re.search(empty, page)
    saved = client.post(
        path,
        data={
            f"{prefix}-version": str(first.version),
            f"{prefix}-status": "rejected",
            f"{prefix}-decided_on": clock.today().isoformat(),
            f"{prefix}-result_summary": RESULT,
        },
    )
    assert saved.status_code == 302
    assert _drafts(db) == 0


def test_a_stale_appeal_result_keeps_the_text_and_shows_theirs(client, login, case, people, db):
    lifecycle.to_decided(case, people["cw"], people["sup"])
    appeal = decision.lodge_appeal(
        people["cw"],
        case,
        lodged_on=clock.today(),
        lodged_by="Guardian",
        body="District court",
        expected_version=case.version,
    )
    db.session.commit()
    loaded = appeal.version
    appeal.result_summary = "Theirs: a note on the hearing date."  # a colleague's edit
    db.session.commit()
    login(people["cw"])
    prefix = f"appeal-{appeal.id}"
    response = client.post(
        f"/cases/{case.id}/decision/appeals/{appeal.id}/decide",
        data={
            f"{prefix}-version": str(loaded),
            f"{prefix}-status": "rejected",
            f"{prefix}-decided_on": clock.today().isoformat(),
            f"{prefix}-result_summary": "Mine: rejected on the merits.",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Mine: rejected on the merits." in page
    assert (
        "Theirs: a note on the hearing date." in page
        and f'id="theirs-{prefix}-result_summary"' in page
    )
    db.session.refresh(appeal)
    assert appeal.result_summary == "Theirs: a note on the hearing date."


def test_the_reintegration_plan_is_draftable(factory, client, login, db):
    ready = ready_case(factory)
    db.session.commit()
    login(ready.caseworker)
    path = f"/cases/{ready.case.id}/return/reintegration"
    assert client.post("/drafts", data={"path": path, "education": GROUNDS}).status_code == 204
    assert GROUNDS.strip() in client.get(path).get_data(as_text=True)
    # A page without long text is not draftable.
    travel = f"/cases/{ready.case.id}/return/travel"
    assert client.post("/drafts", data={"path": travel, "route": "x"}).status_code == 400
