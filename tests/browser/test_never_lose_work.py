"""In Chromium (issue 12 item 2): a BIA saved while a colleague changed a hearing is stored;
a BIA typed before an idle timeout is there after signing in again; a BIA sent while another
write held the database's lock too long comes back to be sent again, and is stored."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from caseapp.core.permissions import Role
from tests.support import lifecycle
from tests.support.factories import PASSWORD
from tests.support.locks import another_writer

pytestmark = pytest.mark.browser

TEXT = ("Heard with an interpreter; wants to stay with the aunt in Chisinau. " * 30).strip()


def _assessment_case(factory, db):
    agency = factory.agency()
    cw = factory.user(Role.CASEWORKER, agency=agency)
    colleague = factory.user(Role.CASEWORKER, agency=agency)
    case = lifecycle.to_assessment(factory.case(caseworker=cw), cw)
    db.session.commit()
    return cw, colleague, case, case.id


def _stored_views(db, case_id: int):
    """The child's views as the database holds them now (the test's session ends its read)."""
    from caseapp.assessment.models import BestInterestsAssessment

    db.session.expire_all()
    stored = db.session.scalar(
        db.select(BestInterestsAssessment.views).where(BestInterestsAssessment.case_id == case_id)
    )
    db.session.commit()
    return stored


def test_a_bia_saved_while_a_colleague_recorded_a_hearing_is_stored(
    live_server, page, factory, log_in, db
):
    from playwright.sync_api import expect

    cw, colleague, case, case_id = _assessment_case(factory, db)
    log_in(page, cw)
    page.goto(f"{live_server}/cases/{case_id}/assessment/bia")
    page.get_by_label("The child's views").fill(TEXT)
    lifecycle.with_hearing(case, colleague)  # meanwhile, in another office
    db.session.commit()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Best-interests assessment saved.")).to_be_visible()
    assert _stored_views(db, case_id) == TEXT


def test_a_bia_typed_before_the_idle_timeout_is_there_after_signing_in_again(
    live_server, page, factory, log_in, db
):
    from playwright.sync_api import expect

    from caseapp.auth.models import UserSession
    from caseapp.core.db import utcnow

    cw, _colleague, _case, case_id = _assessment_case(factory, db)
    email, user_id = cw.email, cw.id
    log_in(page, cw)
    bia = f"{live_server}/cases/{case_id}/assessment/bia"
    page.goto(bia)
    page.get_by_label("The child's views").fill(TEXT)
    expect(page.get_by_text("Draft kept.")).to_be_visible(timeout=15000)

    # The caseworker leaves; the session passes the idle timeout.
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id)
        .values(last_seen_at=utcnow() - timedelta(hours=2))
    )
    db.session.commit()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(bia)
    expect(page.get_by_label("The child's views")).to_have_value(TEXT)
    expect(page.get_by_text("Your unsaved text")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Best-interests assessment saved.")).to_be_visible()


def test_a_travel_plan_keeps_its_own_lock_in_the_browser(live_server, page, factory, log_in, db):
    """Return preparation's records lock per record (issue 12 item 2): the travel plan saved
    while a colleague added a guarantee is stored; saved after a colleague changed the travel
    plan itself, it is refused with the user's text kept and theirs shown, and "Save" again
    puts the user's text on top."""
    from playwright.sync_api import expect

    from caseapp.crossborder import operations as prep
    from caseapp.crossborder.models import GuarantorKind, TravelPlan
    from tests.support.gate_builder import ready_case

    ready = ready_case(factory)
    colleague = factory.user(Role.CASEWORKER, agency=ready.agency)
    db.session.commit()
    case_id = ready.case.id
    url = f"{live_server}/cases/{case_id}/return/travel"
    log_in(page, ready.caseworker)

    def route() -> str:
        db.session.expire_all()
        value = db.session.scalar(db.select(TravelPlan.route).where(TravelPlan.case_id == case_id))
        db.session.commit()
        return value

    # 1. A colleague adds a guarantee (another record) while the route is typed: stored.
    page.goto(url)
    page.get_by_label("Route").fill("Mine: by train via Ungheni")
    prep.record_guarantee(
        colleague,
        ready.case,
        expected_version=ready.case.version,
        guarantor_kind=GuarantorKind.FAMILY,
        guarantor_name="Aunt",
        given_on=ready.today,
        written=True,
    )
    db.session.commit()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert route() == "Mine: by train via Ungheni"

    # 2. A colleague changes the travel plan itself while the route is typed: refused, kept.
    page.goto(url)
    page.get_by_label("Route").fill("Mine again: by bus")
    plan = db.session.scalar(db.select(TravelPlan).where(TravelPlan.case_id == case_id))
    plan.route = "Theirs: by road with the escort"
    db.session.commit()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text("Someone else saved this record while you were writing")
    ).to_be_visible()
    expect(page.get_by_label("Route")).to_have_value("Mine again: by bus")
    expect(page.locator("#theirs-route")).to_contain_text("Theirs: by road with the escort")
    assert route() == "Theirs: by road with the escort"
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    assert route() == "Mine again: by bus"


@pytest.fixture
def quick_lock(monkeypatch):
    """The live server gives up a lock wait after 1 s (``DATABASE_LOCK_TIMEOUT``; 15 s by
    default). Asked for before ``live_server``, which passes the environment on."""
    monkeypatch.setenv("CASEAPP_DATABASE_LOCK_TIMEOUT", "1")


def test_a_bia_sent_while_the_database_was_busy_comes_back_and_is_sent_again(
    quick_lock, live_server, page, factory, log_in, db
):
    from playwright.sync_api import expect

    cw, _colleague, _case, case_id = _assessment_case(factory, db)
    log_in(page, cw)
    page.goto(f"{live_server}/cases/{case_id}/assessment/bia")
    page.get_by_label("The child's views").fill(TEXT)
    with another_writer(db, case_id):  # a long write elsewhere holds the lock
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", name="Busy: nothing was saved")).to_be_visible()
    assert _stored_views(db, case_id) != TEXT  # nothing of it was saved

    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("Best-interests assessment saved.")).to_be_visible()
    assert _stored_views(db, case_id) == TEXT
