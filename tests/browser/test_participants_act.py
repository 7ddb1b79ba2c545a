"""In a real browser (issue 10, "what this must show"): the caseworker requests the Central
Authority's approval, the Central Authority officer signs in with the second factor and
approves with a reference, and the safeguards page shows S11 met "confirmed by the Central
Authority"; the independent monitor records the first visit report after the return.
axe-core checks the participants' pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from caseapp.core.extensions import db as _db
from caseapp.core.permissions import Role
from caseapp.crossborder.models import CentralAuthorityApproval, Provenance
from caseapp.documents.models import Document
from caseapp.gate.operations import approve_return
from caseapp.monitoring import operations as monitoring
from caseapp.monitoring.models import MonitoringVisit
from caseapp.participants.operations import assign_participant
from tests.browser.axe import violations
from tests.support import clock
from tests.support.gate_builder import ready_case

pytestmark = pytest.mark.browser


def _new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_the_central_authority_approves_for_itself_and_the_gate_says_so(
    live_server, page, browser, factory, db, log_in
):
    from playwright.sync_api import expect

    ready = ready_case(factory)
    # No Central Authority approval yet: the caseworker will ask for it.
    central = ready.r["central"]
    db.session.execute(
        delete(Document).where(
            Document.record_type == central.__tablename__, Document.record_id == central.id
        )
    )
    db.session.delete(central)
    officer = factory.user(
        Role.CENTRAL_AUTHORITY_OFFICER, agency=ready.r["central_agency"], name="Maria Lungu"
    )
    assign_participant(ready.supervisor, ready.case, officer)
    db.session.commit()
    case_id, number, officer_id = ready.case.id, ready.case.number, officer.id
    assert officer.totp_secret  # participants use the second factor

    # The caseworker asks the Central Authority to approve, with a due date.
    log_in(page, ready.caseworker)
    page.goto(f"{live_server}/cases/{case_id}/safeguards")
    expect(page.locator("#safeguard-S11")).to_contain_text("No Central Authority approval.")
    page.goto(f"{live_server}/cases/{case_id}/participants")
    page.get_by_label("To", exact=True).select_option(
        label="Maria Lungu (Central Authority officer)"
    )
    page.get_by_label("Asked to", exact=True).select_option(label="Approve")
    page.get_by_label("What is asked", exact=True).fill("Please approve the return to Ukraine.")
    page.get_by_label("Due on", exact=True).fill((clock.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator(".flash-success")).to_be_visible()

    # The officer signs in with the second factor and finds the request on their home page.
    context, officer_page = _new_page(browser)
    try:
        log_in(officer_page, officer)
        expect(officer_page.get_by_text("Please approve the return to Ukraine.")).to_be_visible()
        assert violations(officer_page) == []
        officer_page.get_by_role("link", name=number).first.click()
        officer_page.get_by_role("link", name="Approve or refuse the return request").click()
        assert violations(officer_page) == []
        officer_page.get_by_label("Approve the return").check()
        officer_page.get_by_label("Reference", exact=True).fill("CA-MD-2026-0415")
        officer_page.get_by_label("Decided on", exact=True).fill(clock.today().isoformat())
        officer_page.get_by_role("button", name="Record the decision").click()
        expect(officer_page.get_by_text("Your decision is recorded.")).to_be_visible()
        expect(officer_page.get_by_text("CA-MD-2026-0415")).to_be_visible()
        # The officer cannot open the safeguards page (not in their part).
        response = officer_page.goto(f"{live_server}/cases/{case_id}/safeguards")
        assert response is not None and response.status == 404
    finally:
        context.close()

    # The gate reads it as the Central Authority's own word.
    page.goto(f"{live_server}/cases/{case_id}/safeguards")
    s11 = page.locator("#safeguard-S11")
    expect(s11).to_contain_text("met")
    expect(s11).not_to_contain_text("not met")
    expect(s11).to_contain_text("confirmed by the Central Authority: Maria Lungu")
    expect(page.get_by_text("Every safeguard is met.")).to_be_visible()
    db.session.expire_all()
    approval = db.session.scalar(
        select(CentralAuthorityApproval).where(CentralAuthorityApproval.case_id == case_id)
    )
    assert approval.provenance is Provenance.CONFIRMED_BY_PARTICIPANT
    assert approval.confirmed_by_id == officer_id and approval.reference == "CA-MD-2026-0415"
    db.session.commit()


def test_the_monitor_records_the_first_visit_report_after_the_return(
    live_server, page, factory, db, log_in
):
    from playwright.sync_api import expect

    ready = ready_case(factory)
    monitor = factory.user(Role.MONITOR, agency=ready.r["monitor_agency"], name="Pavel Moraru")
    assign_participant(ready.supervisor, ready.case, monitor)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    monitoring.record_return_execution(
        ready.caseworker,
        ready.case,
        travelled_on=ready.today,
        received_on=ready.today,
        received_by="Odesa child protection",
        expected_version=ready.case.version,
    )
    db.session.commit()
    case_id, number, monitor_id = ready.case.id, ready.case.number, monitor.id

    log_in(page, monitor)
    page.get_by_role("link", name=number).first.click()
    page.get_by_role("link", name="Monitoring plan and visit reports").click()
    assert violations(page) == []
    page.get_by_role("link", name="Record the report").first.click()
    assert violations(page) == []
    page.get_by_label("Visited on", exact=True).fill(clock.today().isoformat())
    expect(page.get_by_label("Visited by", exact=True)).to_have_value("Pavel Moraru")
    page.get_by_label("Wellbeing", exact=True).fill(
        "At home with her mother; back at school; calm."
    )
    page.get_by_label("School", exact=True).fill("Attends the local school.")
    page.get_by_role("button", name="Save the report").click()
    expect(page.get_by_text("The visit report is saved.")).to_be_visible()
    expect(page.get_by_text("Visited on")).to_be_visible()

    _db.session.expire_all()
    first = db.session.scalars(
        select(MonitoringVisit)
        .where(MonitoringVisit.case_id == case_id)
        .order_by(MonitoringVisit.due_on)
    ).first()
    assert first.visited_on == clock.today() and first.reported_by_id == monitor_id
    assert first.wellbeing.startswith("At home with her mother")
    db.session.commit()
