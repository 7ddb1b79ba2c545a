"""Never lose work (issue 12 item 2): drafts kept while typing, the page restores them after
a new login, saving the form forgets them; the idle timeout sends the user back to the form."""

from sqlalchemy import func, select

from caseapp.core.permissions import Role
from caseapp.drafts.models import Draft
from tests.support import lifecycle
from tests.support.auth import LoginHelper

TEXT = "Heard with an interpreter; wants to stay with the aunt. " * 40


def _case(factory):
    cw = factory.user(Role.CASEWORKER)
    return cw, lifecycle.to_assessment(factory.case(caseworker=cw), cw)


def test_a_draft_is_kept_restored_and_forgotten_on_save(app, client, factory, login, db):
    cw, case = _case(factory)
    path = f"/cases/{case.id}/assessment/bia"
    login(cw)
    response = client.post("/drafts", data={"path": path, "views": TEXT, "version": "0"})
    assert response.status_code == 204
    assert db.session.scalar(select(Draft.data)) == {"views": TEXT}

    # the session times out; the user signs in again, on another client, and opens the form
    other = app.test_client()
    LoginHelper(other)(cw)
    page = other.get(path).get_data(as_text=True)
    assert TEXT.strip() in page and "Your unsaved text" in page
    saved = other.post(path, data={"version": "0", "views": TEXT})
    assert saved.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_drafts_only_for_draftable_forms_of_cases_the_user_may_edit(client, factory, login, db):
    cw, case = _case(factory)
    stranger = factory.user(Role.CASEWORKER)
    login(stranger)
    path = f"/cases/{case.id}/assessment/bia"
    assert client.post("/drafts", data={"path": path, "views": "x"}).status_code == 404
    ombudsperson = factory.user(Role.OMBUDSPERSON)
    login(ombudsperson)
    assert client.post("/drafts", data={"path": path, "views": "x"}).status_code == 403
    login(cw)
    for bad in ("/cases/", "//evil.example/x", f"/cases/{case.id}", "/login", "", "x" * 600):
        assert client.post("/drafts", data={"path": bad, "views": "x"}).status_code == 400, bad
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_after_a_timeout_a_save_leads_back_to_the_form(app, client, factory, login, db):
    cw, case = _case(factory)
    path = f"/cases/{case.id}/assessment/bia"
    login(cw)
    client.post("/drafts", data={"path": path, "views": TEXT})
    client.post("/logout")  # the session has ended (as at the idle timeout)
    response = client.post(path, data={"version": "0", "views": TEXT})
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=") and "assessment" in login_url
    back = client.post(
        login_url, data={"email": cw.email, "password": "correct horse battery staple"}
    )
    assert back.status_code == 302 and back.headers["Location"] == path
    assert TEXT.strip() in client.get(path).get_data(as_text=True)


def test_keepalive_and_the_warning_on_every_signed_in_page(client, factory, login):
    cw = factory.user(Role.CASEWORKER)
    login(cw)
    assert client.post("/session/keepalive").status_code == 204
    page = client.get("/cases/").get_data(as_text=True)
    assert 'data-idle-seconds="1800"' in page and 'id="idle-warning"' in page
    assert "/static/js/idle.js" in page
