"""In a real browser: log in, open a case for a child with a Cyrillic name, find it in Latin."""

import os

import pytest

from caseapp.core.permissions import Role

pytestmark = pytest.mark.browser


def test_open_a_case_in_cyrillic_and_find_it_in_latin(live_server, page, factory, log_in, tmp_path):
    from playwright.sync_api import expect

    worker = factory.user(Role.CASEWORKER)
    log_in(page, worker)
    page.goto(f"{live_server}/cases/")  # staff land on their home page; the list is a link

    page.get_by_role("link", name="Open a case").click()
    page.get_by_label("Family name").fill("Иванов")
    page.get_by_label("Given name").fill("Дмитрий")
    page.get_by_label("Patronymic").fill("Сергеевич")
    page.get_by_label("Lowest age").fill("14")
    page.get_by_label("Highest age").fill("16")
    page.get_by_label("How the age was established").select_option("psychosocial")
    page.get_by_label("Country of origin").select_option("RU")
    page.get_by_label("Accompanied, separated or unaccompanied").select_option("unaccompanied")
    page.get_by_label("Identified by").select_option("border_guard")
    page.get_by_role("button", name="Check for existing cases and open").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Иванов Дмитрий Сергеевич")
    expect(page.get_by_text("presumed minor").first).to_be_visible()
    case_url = page.url
    shot = os.environ.get("CASEAPP_SCREENSHOT_DIR")
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)
    if shot:
        page.screenshot(path=os.path.join(shot, "case.png"), full_page=True)

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Case number, name or alias (any script)").fill("Ivanov")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 case found.")).to_be_visible()
    page.get_by_role("link", name="Иванов Дмитрий Сергеевич").click()
    assert page.url == case_url
    # The search text never went into a URL.
    assert "Ivanov" not in page.url


def test_a_form_error_is_shown_next_to_its_field(live_server, page, factory, log_in):
    from playwright.sync_api import expect

    worker = factory.user(Role.CASEWORKER)
    log_in(page, worker)
    page.goto(f"{live_server}/cases/new")
    page.get_by_label("Lowest age").fill("16")
    page.get_by_label("Highest age").fill("12")
    page.get_by_role("button", name="Check for existing cases and open").click()
    expect(page.locator("#given_name-error")).to_have_text("This field is required.")
    expect(page.get_by_label("Given name")).to_have_attribute("aria-invalid", "true")
