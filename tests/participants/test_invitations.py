"""Invitations: an admin or the supervisor of the case invites a participant by e-mail with
a one-time link that expires; the participant must use the second factor (issue 10 item 5)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from caseapp.agencies.models import AgencyKind
from caseapp.auth import invitations
from caseapp.auth.models import Invitation, User
from caseapp.core.db import utcnow
from caseapp.core.errors import PermissionDenied, ValidationFailed
from caseapp.core.mail import outbox
from caseapp.core.permissions import Role
from caseapp.participants.models import Assignment
from tests.support.audit import count_entries

NEW = "velvet-harbour-cinnamon-47"


def _token(message) -> str:
    link = re.search(r"https?://\S+", message.body).group(0)
    parts = urlsplit(link)
    assert parts.path == "/invitation"
    return parse_qs(parts.query)["token"][0]


def _accept(client, token, password=NEW):
    return client.post(
        "/invitation", data={"token": token, "new_password": password, "confirm": password}
    )


def test_admin_invites_link_works_once_and_second_factor_is_forced(app, client, login, factory, db):
    ca = factory.agency(kind=AgencyKind.CENTRAL_AUTHORITY)
    login(factory.user(Role.ADMIN))
    response = client.post(
        "/participants/invite",
        data={
            "email": "officer@ca.example.org",
            "name": "Ana Officer",
            "role": "central_authority_officer",
            "agency_id": str(ca.id),
            "locale": "ro",
        },
    )
    assert response.status_code == 302
    [message] = outbox()
    assert message.to == ["officer@ca.example.org"]
    token = _token(message)
    assert token not in str(db.session.scalar(select(Invitation.token_hash)))
    user = db.session.scalar(select(User).where(User.email == "officer@ca.example.org"))
    assert user.role is Role.CENTRAL_AUTHORITY_OFFICER and user.agency_id == ca.id
    assert user.locale == "ro"
    assert count_entries("user:invitation:send") == 1

    client.post("/logout")
    assert client.get(f"/invitation?token={token}").status_code == 200
    response = _accept(client, token)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert count_entries("user:invitation:accept") == 1
    # One use: the link is spent.
    assert client.get(f"/invitation?token={token}").status_code == 400
    assert _accept(client, token, "another-lantern-harbour-9").status_code == 400
    # The password works, and the second factor must be enrolled before anything else.
    response = client.post("/login", data={"email": user.email, "password": NEW})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login/enrol")
    assert client.get("/my").status_code in (302, 303)


def test_link_expires(app, factory, db):
    admin = factory.user(Role.ADMIN)
    ngo = factory.agency(kind=AgencyKind.NGO)
    _user, token = invitations.invite(
        admin, email="monitor@ngo.example.org", name="Monitor", role=Role.MONITOR, agency=ngo
    )
    db.session.commit()
    later = utcnow() + invitations.INVITATION_LIFETIME + timedelta(seconds=1)
    assert invitations.valid_invitation(token, now=later) is None
    with pytest.raises(ValidationFailed):
        invitations.accept(token, NEW, now=later)
    db.session.rollback()
    before = utcnow() + invitations.INVITATION_LIFETIME - timedelta(minutes=1)
    assert invitations.valid_invitation(token, now=before) is not None


def test_inviting_again_spends_the_earlier_link_and_never_takes_over_an_account(app, factory, db):
    admin = factory.user(Role.ADMIN)
    ngo = factory.agency(kind=AgencyKind.NGO)
    _user, first = invitations.invite(
        admin,
        email="lawyer@ngo.example.org",
        name="Lawyer",
        role=Role.LEGAL_REPRESENTATIVE,
        agency=ngo,
    )
    _user, second = invitations.invite(
        admin,
        email="lawyer@ngo.example.org",
        name="Lawyer",
        role=Role.LEGAL_REPRESENTATIVE,
        agency=ngo,
    )
    db.session.commit()
    assert invitations.valid_invitation(first) is None
    assert invitations.valid_invitation(second) is not None
    invitations.accept(second, NEW)
    db.session.commit()
    # Taken up: no further invitation for it.
    with pytest.raises(ValidationFailed):
        invitations.invite(
            admin,
            email="lawyer@ngo.example.org",
            name="X",
            role=Role.LEGAL_REPRESENTATIVE,
            agency=ngo,
        )
    # A staff account's address is never turned into a participant.
    staff = factory.user(Role.CASEWORKER)
    with pytest.raises(ValidationFailed):
        invitations.invite(admin, email=staff.email, name="X", role=Role.GUARDIAN, agency=ngo)
    db.session.rollback()
    assert db.session.get(User, staff.id).role is Role.CASEWORKER


def test_who_may_invite_and_which_agency(app, factory, db):
    ngo = factory.agency(kind=AgencyKind.NGO)
    police = factory.agency(kind=AgencyKind.LAW_ENFORCEMENT)
    for actor in (
        factory.user(Role.CASEWORKER),
        factory.user(Role.SUPERVISOR),
        factory.user(Role.OMBUDSPERSON),
    ):
        with pytest.raises(PermissionDenied):
            invitations.invite(actor, email="g@x.org", name="G", role=Role.GUARDIAN, agency=ngo)
    admin = factory.user(Role.ADMIN)
    with pytest.raises(ValidationFailed):  # law enforcement is never a participant's agency
        invitations.invite(admin, email="g@x.org", name="G", role=Role.MONITOR, agency=police)
    with pytest.raises(ValidationFailed):  # invitations are for participants
        invitations.invite(admin, email="g@x.org", name="G", role=Role.SUPERVISOR, agency=ngo)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_supervisor_of_the_case_invites_and_assigns(app, client, login, factory, db):
    from tests.support.participants import basis_records

    agency = factory.agency()
    supervisor = factory.user(Role.SUPERVISOR, agency=agency)
    case = factory.case(agency=agency)
    appointment = basis_records(case, Role.GUARDIAN)["guardian_appointment"]
    db.session.commit()
    ngo = factory.agency(kind=AgencyKind.NGO)
    login(supervisor)
    data = {
        "invite-version": str(case.version),
        "invite-email": "guardian@ngo.example.org",
        "invite-name": "Gheorghe Guardian",
        "invite-role": "guardian",
        "invite-agency_id": str(ngo.id),
        "invite-basis_id": f"g{appointment.id}",
        "invite-locale": "ru",
    }
    # A caseworker of the case may not.
    login(factory.user(Role.CASEWORKER, agency=agency))
    assert client.post(f"/cases/{case.id}/participants", data=data).status_code == 403
    login(supervisor)
    response = client.post(f"/cases/{case.id}/participants", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    [message] = outbox()
    assert "Здравствуйте" in message.body or "Gheorghe" in message.body
    user = db.session.scalar(select(User).where(User.email == "guardian@ngo.example.org"))
    assignment = db.session.scalar(select(Assignment).where(Assignment.user_id == user.id))
    assert assignment.case_id == case.id and assignment.guardian_appointment_id == appointment.id
    db.session.expire_all()
    assert appointment.guardian_user_id == user.id  # the gate derives independence from it


def test_deactivating_a_participant_ends_their_sessions_at_once(client, login, world, factory, db):
    from caseapp.auth.operations import deactivate_user

    guardian = world.users["guardian"]
    login(guardian)
    assert client.get(f"/my/cases/{world.case.id}").status_code == 200
    deactivate_user(factory.user(Role.ADMIN), guardian)
    db.session.commit()
    response = client.get(f"/my/cases/{world.case.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_participants_must_use_the_second_factor_whatever_the_setting(app, factory):
    from caseapp.auth.twofactor import role_requires_2fa

    app.config["MFA_REQUIRED_ROLES"] = ()
    assert role_requires_2fa(factory.user(Role.MONITOR, totp=False))
    assert not role_requires_2fa(factory.user(Role.SUPERVISOR))
