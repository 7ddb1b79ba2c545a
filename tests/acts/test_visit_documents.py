"""The monitor attaches documents to a visit's report (S17; 002, Rec 2; issue 10: a
participant reads the documents attached to records they may read): attached to the visit
only, never to the case's file, read by whoever reads the visit; no one else attaches."""

from __future__ import annotations

import io

import pytest
from flask import current_app
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.errors import PermissionDenied
from caseapp.core.extensions import db
from caseapp.documents.models import Document
from caseapp.documents.operations import store_document
from caseapp.participants.operations import end_assignment
from tests.acts.test_operations import guardian, officer, returned
from tests.security.conftest import PDF, upload_folder


def _upload(client, ready, visit, **extra):
    return client.post(
        f"/participate/cases/{ready.case.id}/visits/{visit.id}/documents",
        data={"file": (io.BytesIO(PDF), "report.pdf"), **extra},
        content_type="multipart/form-data",
    )


def _documents():
    return db.session.scalar(select(func.count()).select_from(Document))


def test_the_monitor_attaches_a_document_to_the_visit(client, login, factory):
    ready, mon, visit = returned(factory)
    guardian_user, ca = guardian(factory, ready), officer(factory, ready)
    login(mon)
    # Mass assignment: the record, the case and the uploader are not the form's to set.
    response = _upload(
        client,
        ready,
        visit,
        record_type="central_authority_approval",
        record_id="1",
        case_id="999",
        uploaded_by_id=str(ready.caseworker.id),
    )
    assert response.status_code == 302
    db.session.expire_all()
    document = db.session.scalars(select(Document).order_by(Document.id.desc())).first()
    assert (document.record_type, document.record_id) == ("monitoring_visit", visit.id)
    assert document.case_id == ready.case.id and document.uploaded_by_id == mon.id
    entry = db.session.scalar(  # the latest: the ready case's own documents came before
        select(AuditEntry)
        .where(AuditEntry.action == "documents:document:upload")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    assert entry.actor_id == mon.id
    page = client.get(f"/participate/cases/{ready.case.id}/visits/{visit.id}")
    url = f"/my/cases/{ready.case.id}/documents/{document.id}"
    assert url in page.get_data(as_text=True)
    for user, status in ((mon, 200), (guardian_user, 200), (ca, 404)):
        login(user)
        response = client.get(url)
        response.close()
        assert response.status_code == status, user.role


def test_no_one_else_attaches_to_the_visit(client, login, factory):
    ready, mon, visit = returned(factory)
    guardian_user = guardian(factory, ready)
    before = _documents()
    login(guardian_user)
    assert _upload(client, ready, visit).status_code == 404  # reads the visit, acts not
    end_assignment(
        ready.supervisor,
        ready.case.assignment_of(mon),
        reason="Plan ended",
        expected_version=ready.case.version,
    )
    db.session.commit()
    login(mon)
    assert _upload(client, ready, visit).status_code == 404  # the assignment ended
    assert _documents() == before


def test_a_participant_attaches_to_a_record_they_act_on_only(factory):
    """The operation's rule: never the case's file, never a record of a kind the role does
    not act on (the monitor and the Central Authority's decision)."""
    from caseapp.crossborder.models import CentralAuthorityApproval

    ready, mon, visit = returned(factory)
    approval = db.session.scalar(
        select(CentralAuthorityApproval).where(CentralAuthorityApproval.case_id == ready.case.id)
    )

    def store(**target):
        return store_document(
            mon,
            ready.case,
            filename="x.pdf",
            data=PDF,
            folder=upload_folder(current_app),
            max_bytes=10**6,
            **target,
        )

    for target in (
        {},
        {"record_type": "central_authority_approval", "record_id": approval.id},
        {"record_type": "document", "record_id": 1},
    ):
        with pytest.raises(PermissionDenied):
            store(**target)
        db.session.rollback()
    assert store(record_type="monitoring_visit", record_id=visit.id).uploaded_by_id == mon.id
