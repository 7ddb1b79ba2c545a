"""Forms ignore every field the user may not set (ASVS 5.0 V15.3.3, V8.2.3)."""

from __future__ import annotations

import io

from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.core.permissions import Role
from caseapp.documents.models import Document
from tests.security.conftest import PDF

EXTRA = {
    "role": "admin",
    "agency_id": "999",
    "active": "false",
    "email": "attacker@example.org",
    "name": "Attacker",
    "totp_secret": "JBSWY3DPEHPK3PXP",
    "password_hash": "x",
    "id": "1",
}


def test_preferences_change_only_the_language(client, login, world, db):
    user = world.users["caseworker_own"]
    before = (user.role, user.agency_id, user.active, user.email, user.name, user.password_hash)
    login(user)
    response = client.post("/preferences", data={"locale": "ru", **EXTRA})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "ru"
    after = (user.role, user.agency_id, user.active, user.email, user.name, user.password_hash)
    assert after == before
    assert user.totp_secret is None


def test_upload_ignores_case_uploader_type_and_storage_fields(client, login, world, db):
    user = world.users["caseworker_own"]
    login(user)
    case_version, stage = world.case.version, world.case.stage
    response = client.post(
        f"/cases/{world.case.id}/documents",
        data={
            "file": (io.BytesIO(PDF), "a.pdf"),
            "case_id": str(world.other_case.id),
            "uploaded_by_id": str(world.users["supervisor_other"].id),
            "content_type": "text/html",
            "storage_name": "../../static/evil.html",
            "stage": "closed",
            "version": "99",
            "lead_agency_id": str(world.other_agency.id),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert document.case_id == world.case.id
    assert document.uploaded_by_id == user.id
    assert document.content_type == "application/pdf"
    assert len(document.storage_name) == 64 and "/" not in document.storage_name
    db.session.expire_all()
    case = db.session.get(Case, world.case.id)
    assert (case.version, case.stage, case.lead_agency_id) == (
        case_version,
        stage,
        world.agency.id,
    )


def test_password_change_ignores_other_account_fields(client, login, factory, db):
    user = factory.user(Role.CASEWORKER)
    login(user)
    from tests.support.factories import PASSWORD

    client.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "lantern orbit meadow fjord",
            "confirm": "lantern orbit meadow fjord",
            **EXTRA,
        },
    )
    db.session.refresh(user)
    assert (user.role, user.email, user.active) == (Role.CASEWORKER, user.email, True)
    assert user.email != EXTRA["email"]
