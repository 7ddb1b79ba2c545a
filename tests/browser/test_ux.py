"""In Chromium: the caseworker's day (issue 12) — find any case and come back to the list,
switch language, reset a password by e-mail, and axe-core on every main page of every role."""

import re

import pytest

from caseapp.core.permissions import Role
from tests.browser.axe import violations
from tests.support.gate_builder import ready_case

pytestmark = pytest.mark.browser


def test_find_a_case_by_part_of_its_number_open_it_and_go_back(live_server, page, factory, log_in):
    from playwright.sync_api import expect

    worker = factory.user(Role.CASEWORKER)
    cases = [factory.case(caseworker=worker, given="Ян", family=f"Тест{i}") for i in range(8)]
    target = cases[6]
    number, suffix = target.number, target.number.rsplit("-", 1)[1]
    log_in(page, worker)
    page.goto(f"{live_server}/cases/")  # staff land on their home page; the list is a link

    page.get_by_label("Case number, name or alias (any script)").fill(suffix)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 case found.")).to_be_visible()
    list_url = page.url
    assert re.search(r"/cases/\?q=[\w-]+$", list_url) and suffix not in list_url
    page.get_by_role("link", name="Тест6 Ян").click()
    expect(page.get_by_text(number).first).to_be_visible()

    page.go_back()  # no "Confirm form resubmission": the list is a plain GET
    assert page.url == list_url
    expect(page.get_by_text("1 case found.")).to_be_visible()
    expect(page.get_by_label("Case number, name or alias (any script)")).to_have_value(suffix)
    # and through the menu later: the list as it was
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_text("1 case found.")).to_be_visible()
    assert violations(page) == []


def test_the_language_switch_on_every_page(live_server, page, factory, log_in):
    from playwright.sync_api import expect

    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="Română").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autentificare")
    assert page.locator("html").get_attribute("lang") == "ro"
    page.context.clear_cookies()  # log in through the English form
    worker = factory.user(Role.CASEWORKER)
    case_id = factory.case(caseworker=worker).id  # read before the server writes (SQLite)
    log_in(page, worker)
    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_role("button", name="Русский").click()
    assert page.url.endswith(f"/cases/{case_id}")
    expect(page.locator(".case-nav [aria-current=page]")).to_have_text("Карточка")
    page.get_by_role("button", name="Українська").click()
    expect(page.locator(".case-nav [aria-current=page]")).to_have_text("Картка")
    assert page.locator("html").get_attribute("lang") == "uk"


def test_a_forgotten_password_is_reset_by_the_emailed_link(
    live_server, page, factory, log_in, tmp_path
):
    from playwright.sync_api import expect

    worker = factory.user(Role.CASEWORKER)
    email = worker.email
    from caseapp.core.extensions import db

    db.session.commit()
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_text("a link to set a new password is on its way")).to_be_visible()
    outbox = tmp_path / "live-instance" / "mail"
    [message] = list(outbox.iterdir())  # make run / no SMTP server: mail lands in files
    link = re.search(r"http://\S+/password/reset\?token=\S+", message.read_text()).group(0)
    page.goto(link)
    new = "velvet-harbour-cinnamon-47"
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(new)
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your password was set.")).to_be_visible()
    log_in(page, worker, password=new)
    page.goto(link)  # the link works once
    expect(page.get_by_text("This link is not valid or has expired.")).to_be_visible()


MAIN_PAGES = {
    "anonymous": ["/login", "/password/forgot"],
    "caseworker": [
        "/cases/",
        "/cases/new",
        "/cases/{case}",
        "/cases/{case}/assessment",
        "/cases/{case}/determination",
        "/cases/{case}/decision",
        "/cases/{case}/assessment/bia",
        "/cases/{case}/return/",
        "/cases/{case}/return/coordination",
        "/cases/{case}/return/travel",
        "/cases/{case}/safeguards",
        "/cases/{case}/monitoring/",
        "/cases/{case}/child",
        "/cases/{case}/close",
        "/cases/{case}/documents",
        "/due",
        "/home",
        "/notifications",
        "/preferences",
        "/password",
    ],
    "supervisor": [
        "/cases/",
        "/home",
        "/queue",
        "/due",
        "/cases/{case}/safeguards",
        "/cases/{case}/reassign",
    ],
    "ombudsperson": ["/cases/", "/audit/", "/audit/cases/{case}", "/cases/{case}"],
    "admin": [
        "/admin/users",
        "/admin/users/new",
        "/admin/agencies",
        "/admin/agencies/new",
        "/admin/policy",
        "/admin/suspensions",
    ],
}


def test_axe_finds_no_violation_on_the_main_pages_of_every_role(
    live_server, page, factory, log_in, app
):
    """axe-core (vendored 4.14.1, WCAG 2.2 A/AA) on every main page of every role."""
    ready = ready_case(factory)
    people = {
        "caseworker": ready.caseworker,
        "supervisor": ready.approver,
        "ombudsperson": factory.user(Role.OMBUDSPERSON),
        "admin": factory.user(Role.ADMIN),
    }
    case_id = ready.case.id
    found: dict[str, list[str]] = {}
    for role, paths in MAIN_PAGES.items():
        if role != "anonymous":
            log_in(page, people[role])
        for path in paths:
            url = live_server + path.format(case=case_id)
            response = page.goto(url)
            assert response.status < 400, f"{role} {path}: {response.status}"
            problems = violations(page)
            if problems:
                found[f"{role} {path}"] = problems
        if role != "anonymous":
            page.context.clear_cookies()
    assert found == {}


@pytest.mark.parametrize(
    ("language", "code"),
    [("English", "en"), ("Русский", "ru"), ("Română", "ro"), ("Українська", "uk")],
)
def test_the_case_tab_bar_is_one_line_at_1280_px(
    live_server, page, factory, log_in, language, code
):
    from playwright.sync_api import expect

    worker = factory.user(Role.CASEWORKER)
    case_id = factory.case(caseworker=worker).id
    log_in(page, worker)
    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_role("button", name=language).click()
    # Measure the page in the new language once it and its stylesheet have loaded.
    expect(page.locator("html")).to_have_attribute("lang", code)
    page.wait_for_load_state("load")
    tops = page.eval_on_selector_all(
        ".case-nav li", "items => items.map(li => Math.round(li.getBoundingClientRect().top))"
    )
    assert len(tops) >= 8 and len(set(tops)) == 1, tops
