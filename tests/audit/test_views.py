"""Ombudsperson pages: access, filters, timeline with gate evaluations, export download."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from caseapp.audit import keys
from caseapp.audit.actions import AuditAction
from caseapp.audit.bundle_verifier import verify_bundle
from caseapp.audit.models import AuditEntry
from caseapp.core.permissions import Role
from tests.audit.bundles import populate


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN])
def test_staff_and_admins_may_not_read_the_audit_log(client, factory, login, role):
    case, _ = populate(factory)
    login(factory.user(role))
    assert client.get("/audit/").status_code == 403
    assert client.get(f"/audit/cases/{case.id}").status_code == 403
    assert client.post("/audit/export", data={}).status_code == 403


def test_anonymous_is_sent_to_login(client):
    assert client.get("/audit/").status_code in (302, 401)


def test_ombudsperson_reads_the_log_with_the_key_fingerprint(client, factory, login, db):
    populate(factory)
    login(factory.user(Role.OMBUDSPERSON))
    response = client.get("/audit/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert keys.grouped(keys.key_id()) in page
    assert "return:approve" in page
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last.action == "audit:log:view"


def test_log_filters_by_action_and_case(client, factory, login):
    case, supervisor = populate(factory)
    login(factory.user(Role.OMBUDSPERSON))
    page = client.get("/audit/?action=gate:").get_data(as_text=True)
    assert "gate:refuse" in page and "return:approve" not in page
    page = client.get("/audit/?case=XX-0000-000000").get_data(as_text=True)
    assert "No entries." in page
    page = client.get(f"/audit/?case={case.number}&actor={supervisor.email}").get_data(as_text=True)
    assert "case:stage:change" in page and "case:case:open" not in page
    page = client.get("/audit/?from=2000-01-01&to=2000-01-02").get_data(as_text=True)
    assert "No entries." in page


def test_log_paginates(client, factory, login, db):
    from caseapp.audit.recorder import record

    for n in range(60):
        record(None, AuditAction.POLICY_CHANGE, diff={"n": n})
    db.session.commit()
    login(factory.user(Role.OMBUDSPERSON))
    first = client.get("/audit/?action=policy:settings:change").get_data(as_text=True)
    assert "page=2" in first
    second = client.get("/audit/?action=policy:settings:change&page=2").get_data(as_text=True)
    assert "Newer" in second and "page=3" not in second


def test_timeline_shows_stages_and_gate_evaluations_readably(client, factory, login, db):
    case, _ = populate(factory)
    ombudsperson = factory.user(Role.OMBUDSPERSON)
    login(ombudsperson)
    response = client.get(f"/audit/cases/{case.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "identified → registered" in page
    assert "no guarantee of care" in page and "unmet" in page
    assert "2026-1" in page
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (last.action, last.case_id, last.actor_id) == (
        "audit:timeline:view",
        case.id,
        ombudsperson.id,
    )


def test_timeline_of_unknown_case_is_404(client, factory, login):
    login(factory.user(Role.OMBUDSPERSON))
    assert client.get("/audit/cases/99999").status_code == 404


def test_ombudsperson_downloads_a_verifiable_pseudonymised_bundle(client, factory, login, tmp_path):
    case, _ = populate(factory)
    login(factory.user(Role.OMBUDSPERSON))
    response = client.post("/audit/export", data={"case_number": case.number})
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    path = tmp_path / "download.zip"
    path.write_bytes(response.get_data())
    response.close()
    report = verify_bundle(io.BytesIO(path.read_bytes()))
    assert report.ok, report.failures
    import zipfile

    with zipfile.ZipFile(path) as zf:
        assert b"Ivan" not in zf.read("entries.jsonl")


def test_export_of_unknown_case_is_refused_with_a_message(client, factory, login):
    login(factory.user(Role.OMBUDSPERSON))
    response = client.post("/audit/export", data={"case_number": "XX-1-1"})
    assert response.status_code == 400
    assert "No case with this number." in response.get_data(as_text=True)


def test_audit_pages_in_russian(client, factory, login):
    populate(factory)
    login(factory.user(Role.OMBUDSPERSON, locale="ru"))
    page = client.get("/audit/").get_data(as_text=True)
    assert "Журнал аудита" in page
