"""In Chromium (issue 12 items 3, 4, 7): each role's home page, the confirmation step of a
high-stakes act, reassigning a case and editing a user; axe-core finds 0 violations on each
new page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.core.permissions import Role
from tests.browser.axe import violations
from tests.support import clock
from tests.support.gate_builder import ready_case

pytestmark = pytest.mark.browser


def _no_violations(page, where: str) -> None:
    problems = violations(page)
    assert problems == [], f"{where}: {problems}"


def test_caseworker_home_shows_what_is_due_with_names_and_days(
    live_server, page, factory, log_in, db
):
    from playwright.sync_api import expect

    from caseapp.children.models import CareStatus

    worker = factory.user(Role.CASEWORKER)
    factory.case(
        caseworker=worker,
        given="Olena",
        family="Koval",
        identified_on=clock.today() - timedelta(days=10),
        care_status=CareStatus.UNACCOMPANIED,
    )
    db.session.commit()
    log_in(page, worker)
    expect(page).to_have_url(f"{live_server}/home")
    row = page.locator("tr", has_text="No guardian appointed")
    expect(row).to_contain_text("Koval Olena")
    expect(row).to_contain_text("3 days overdue")
    expect(page.get_by_text("Register the case: identity, care status, placement.")).to_be_visible()
    _no_violations(page, "caseworker /home")
    page.get_by_role("link", name="All notifications and the e-mail digest").click()
    page.get_by_label("Send me a daily e-mail digest (counts and a link, no names)").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You will get a daily e-mail digest.")).to_be_visible()
    _no_violations(page, "/notifications")


def test_supervisor_home_reassigns_and_confirms_closing_with_a_comment(
    live_server, page, factory, log_in, db
):
    from playwright.sync_api import expect

    from caseapp.audit.models import AuditEntry
    from caseapp.cases.models import Case, Stage

    ready = ready_case(factory)
    supervisor = ready.approver
    colleague = factory.user(Role.CASEWORKER, agency=ready.agency, name="Ion Colleague")
    case_id, colleague_id = ready.case.id, colleague.id
    db.session.commit()
    log_in(page, supervisor)
    expect(page).to_have_url(f"{live_server}/home")
    expect(page.get_by_role("heading", name="The team's workload")).to_be_visible()
    expect(page.get_by_role("heading", name="Approvals waiting")).to_be_visible()
    _no_violations(page, "supervisor /home")

    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_role("link", name="Reassign").click()
    _no_violations(page, "reassign page")
    page.get_by_label("New caseworker").select_option(label="Ion Colleague (caseworker)")
    page.get_by_label("Reason (kept in the audit trail)").fill("Workload.")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_text("The case is reassigned.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Case, case_id).caseworker_id == colleague_id
    db.session.commit()

    page.goto(f"{live_server}/cases/{case_id}/close")
    page.get_by_label("Reason").select_option(label="The child absconded")
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_role("heading", name="Close the case?")).to_be_visible()
    expect(page.get_by_text("The approval in force will be withdrawn.")).to_have_count(0)
    _no_violations(page, "confirmation page")
    db.session.expire_all()
    assert db.session.get(Case, case_id).stage is Stage.RETURN_PREPARATION
    db.session.commit()
    page.get_by_label("Comment (kept in the audit trail)").fill("Police informed.")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("The case is closed.")).to_be_visible()
    db.session.expire_all()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case:close"))
    assert entry.diff["comment"] == "Police informed."
    db.session.commit()


def test_admin_edits_a_user_and_an_agency(live_server, page, factory, log_in, db):
    from playwright.sync_api import expect

    from caseapp.auth.models import User

    admin = factory.user(Role.ADMIN)
    person = factory.user(Role.SUPERVISOR, name="Vera Person")
    person_id, agency_id, email = person.id, person.agency_id, person.email
    # Read before the commit: reading after it would open a read transaction in the test's
    # session that the live server's save then waits on.
    db.session.commit()
    log_in(page, admin)
    page.goto(f"{live_server}/admin/users")
    page.get_by_role("link", name=email).click()
    _no_violations(page, "user edit page")
    page.get_by_label("Role").select_option(label="caseworker")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The account is saved.")).to_be_visible()
    page.get_by_role("button", name="Reset the second factor").click()
    expect(page.get_by_text("The second factor is reset")).to_be_visible()
    db.session.expire_all()
    person = db.session.get(User, person_id)
    assert person.role is Role.CASEWORKER and not person.has_totp
    db.session.commit()
    page.goto(f"{live_server}/admin/agencies/{agency_id}")
    _no_violations(page, "agency edit page")
