"""Admin pages: users and agencies; admin only; never child records."""

import pytest
from sqlalchemy import select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.auth.models import User
from caseapp.auth.operations import deactivate_user, reactivate_user
from caseapp.core.errors import ValidationFailed
from caseapp.core.permissions import Role
from tests.support.audit import count_entries
from tests.support.factories import PASSWORD

NEW_USER = {
    "email": "new.worker@example.org",
    "name": "New Worker",
    "role": "caseworker",
    "locale": "ru",
    "password": "quiet river stones 71",
    "password_again": "quiet river stones 71",
}


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.OMBUDSPERSON])
def test_only_admins_open_admin_pages(client, factory, login, role):
    login(factory.user(role))
    for url in ("/admin/users", "/admin/users/new", "/admin/agencies", "/admin/agencies/new"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/users/new", data=NEW_USER).status_code == 403


def test_admin_creates_a_user(client, factory, login, db):
    agency = factory.agency(code="MD-X")
    login(factory.user(Role.ADMIN))
    assert client.get("/admin/users/new").status_code == 200
    response = client.post("/admin/users/new", data={**NEW_USER, "agency": str(agency.id)})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == NEW_USER["email"]))
    assert user.role is Role.CASEWORKER and user.agency_id == agency.id and user.locale == "ru"
    assert count_entries("user:account:create") == 1
    assert "new.worker@example.org" in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "short", "password_again": "short"}, "password"),
        ({"agency": ""}, "agency"),
        ({"email": "not-an-address"}, "email"),
        ({"password_again": "something else entirely"}, "password_again"),
    ],
)
def test_invalid_user_is_refused_next_to_the_field(client, factory, login, db, change, field):
    agency = factory.agency()
    login(factory.user(Role.ADMIN))
    data = {**NEW_USER, "agency": str(agency.id), **change}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == NEW_USER["email"])) is None
    assert count_entries("user:account:create") == 0


def test_admin_deactivates_and_reactivates_a_user(client, factory, login, db):
    admin = factory.user(Role.ADMIN)
    worker = factory.user(Role.CASEWORKER)
    login(admin)
    assert client.post(f"/admin/users/{worker.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, worker.id).active is False
    assert count_entries("user:account:deactivate") == 1
    client.post("/logout")
    refused = client.post("/login", data={"email": worker.email, "password": PASSWORD})
    assert refused.status_code == 200  # not logged in
    login(admin)
    assert client.post(f"/admin/users/{worker.id}/reactivate").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, worker.id).active is True
    assert count_entries("user:account:reactivate") == 1


def test_admin_cannot_deactivate_themselves(db, factory):
    admin = factory.user(Role.ADMIN)
    with pytest.raises(ValidationFailed):
        deactivate_user(admin, admin)
    with pytest.raises(ValidationFailed):
        reactivate_user(admin, admin)  # already active


def test_admin_creates_an_agency(client, factory, login, db):
    login(factory.user(Role.ADMIN))
    data = {"code": "kg-ngo", "name": "Demo NGO", "country": "KG", "kind": "ngo"}
    assert client.post("/admin/agencies/new", data=data).status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.code == "KG-NGO"))
    assert agency.kind is AgencyKind.NGO
    assert count_entries("agency:agency:create") == 1
    again = client.post("/admin/agencies/new", data=data)
    assert again.status_code == 400
    assert 'id="code-error"' in again.get_data(as_text=True)
    assert "Demo NGO" in client.get("/admin/agencies").get_data(as_text=True)


def test_admin_home_has_no_child_data(client, factory, login):
    factory.case(given="Дмитрий", family="Иванов")
    login(factory.user(Role.ADMIN))
    for url in ("/admin/users", "/admin/agencies"):
        assert "Иванов" not in client.get(url).get_data(as_text=True)
