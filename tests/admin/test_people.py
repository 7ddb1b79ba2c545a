"""People admin in the browser (issue 12 item 7): reassigning cases (supervisors), editing
users and agencies, resetting a second factor, sending a password-reset link (admins).
Each rule both ways: allowed and refused."""

from __future__ import annotations

from sqlalchemy import select

from caseapp.agencies.models import Agency, AgencyKind
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.core.extensions import db
from caseapp.core.mail import outbox
from caseapp.core.permissions import Role
from caseapp.dashboard.models import Notification, NotificationKind
from tests.support.audit import entries


def _reload(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def test_supervisor_reassigns_a_case_audited_and_notified(factory, client, login):
    supervisor = factory.user(Role.SUPERVISOR)
    old = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    new = factory.user(Role.CASEWORKER, agency=supervisor.agency, name="Nadia New")
    case = factory.case(caseworker=old)
    login(supervisor)
    page = client.get(f"/cases/{case.id}/reassign").get_data(as_text=True)
    assert "Nadia New" in page
    response = client.post(
        f"/cases/{case.id}/reassign",
        data={"version": case.version, "caseworker": new.id, "reason": "Leave."},
    )
    assert response.status_code == 302
    assert _reload(Case, case.id).caseworker_id == new.id
    [entry] = entries("case:caseworker:reassign")
    assert entry.reason == "Leave." and entry.diff["caseworker_id"] == [old.id, new.id]
    notice = db.session.scalar(select(Notification).where(Notification.user_id == new.id))
    assert notice.kind is NotificationKind.CASE_ASSIGNED


def test_reassignment_refuses_outsiders_and_caseworkers(factory, client, login):
    supervisor = factory.user(Role.SUPERVISOR)
    worker = factory.user(Role.CASEWORKER, agency=supervisor.agency)
    outsider = factory.user(Role.CASEWORKER)  # another agency
    case = factory.case(caseworker=worker)
    login(supervisor)
    response = client.post(
        f"/cases/{case.id}/reassign",
        data={"version": case.version, "caseworker": outsider.id},
    )
    assert response.status_code == 400  # not one of the choices offered
    assert _reload(Case, case.id).caseworker_id == worker.id
    login(worker)
    assert client.get(f"/cases/{case.id}/reassign").status_code == 403
    assert entries("case:caseworker:reassign") == []


def test_admin_edits_a_user_and_the_new_role_ends_their_sessions(factory, client, login):
    admin = factory.user(Role.ADMIN)
    agency = factory.agency()
    person = factory.user(Role.CASEWORKER, agency=agency)
    login(admin)
    response = client.post(
        f"/admin/users/{person.id}",
        data={"name": "Renamed", "role": "supervisor", "agency": agency.id, "locale": "ro"},
    )
    assert response.status_code == 302
    person = _reload(User, person.id)
    assert (person.name, person.role, person.locale) == ("Renamed", Role.SUPERVISOR, "ro")
    [entry] = entries("user:account:update")
    assert entry.diff["role"] == ["caseworker", "supervisor"]


def test_user_edit_refusals(factory, client, login):
    admin = factory.user(Role.ADMIN)
    person = factory.user(Role.CASEWORKER)
    login(admin)
    no_agency = client.post(
        f"/admin/users/{person.id}",
        data={"name": "X", "role": "caseworker", "agency": "", "locale": "en"},
    )
    assert no_agency.status_code == 400
    assert "must belong to an agency" in no_agency.get_data(as_text=True)
    # A participant too (the database's check said so with a 500: the fuzzer found it).
    for role in ("guardian", "central_authority_officer", "monitor"):
        participant = client.post(
            f"/admin/users/{person.id}",
            data={"name": "X", "role": role, "agency": "", "locale": "en"},
        )
        assert participant.status_code == 400, role
        assert "A participant belongs to their own agency" in participant.get_data(as_text=True)
        assert _reload(User, person.id).role is Role.CASEWORKER
    moved = client.post(
        f"/admin/users/{person.id}",
        data={"name": "X", "role": "guardian", "agency": person.agency_id, "locale": "en"},
    )
    assert moved.status_code == 302 and _reload(User, person.id).role is Role.GUARDIAN
    assert len(entries("user:account:update")) == 1
    person = _reload(User, person.id)
    person.role = Role.CASEWORKER
    db.session.commit()
    own_role = client.post(
        f"/admin/users/{admin.id}",
        data={"name": "Me", "role": "caseworker", "agency": person.agency_id, "locale": "en"},
    )
    assert own_role.status_code == 400
    assert _reload(User, admin.id).role is Role.ADMIN
    assert len(entries("user:account:update")) == 1  # the guardian's only


def test_admin_resets_a_second_factor_and_sends_a_reset_link(factory, client, login):
    admin = factory.user(Role.ADMIN)
    person = factory.user(Role.SUPERVISOR)
    assert person.has_totp
    login(admin)
    client.post(f"/admin/users/{person.id}/reset-2fa", data={"reason": "Lost phone"})
    assert not _reload(User, person.id).has_totp
    [entry] = entries("auth:2fa:reset")
    assert entry.actor_id == admin.id
    # Nothing left to reset: refused, nothing audited.
    client.post(f"/admin/users/{person.id}/reset-2fa", data={})
    assert len(entries("auth:2fa:reset")) == 1
    outbox().clear()
    client.post(f"/admin/users/{person.id}/send-reset", data={})
    assert len(outbox()) == 1 and "/password/reset?token=" in outbox()[0].body
    [request] = entries("user:password_reset:request")
    assert request.actor_id == admin.id


def test_no_reset_link_for_a_deactivated_account(factory, client, login):
    admin = factory.user(Role.ADMIN)
    person = factory.user(Role.CASEWORKER)
    person.active = False
    db.session.commit()
    login(admin)
    outbox().clear()
    client.post(f"/admin/users/{person.id}/send-reset", data={})
    assert outbox() == [] and entries("user:password_reset:request") == []


def test_admin_edits_an_agency_but_not_with_a_bad_country(factory, client, login):
    admin = factory.user(Role.ADMIN)
    agency = factory.agency(name="Old name")
    login(admin)
    bad = client.post(
        f"/admin/agencies/{agency.id}",
        data={"name": "New name", "country": "XX", "kind": "ngo", "active": "y"},
    )
    assert bad.status_code == 400 and _reload(Agency, agency.id).name == "Old name"
    good = client.post(
        f"/admin/agencies/{agency.id}",
        data={"name": "New name", "country": "UA", "kind": "ngo"},
    )
    assert good.status_code == 302
    agency = _reload(Agency, agency.id)
    assert (agency.name, agency.country, agency.kind, agency.active) == (
        "New name",
        "UA",
        AgencyKind.NGO,
        False,
    )
    assert len(entries("agency:agency:update")) == 1
