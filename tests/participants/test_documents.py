"""Participants read documents by the record they are attached to (issue 10; least
privilege): the Central Authority officer the paper document of the Central Authority's
decision (S11), the monitor a visit's, the addressee a request's; never the case's file as a
whole, never another case's, never after the assignment ended. Every refusal is a 404 (they
do not learn what else the file holds), the staff's documents page stays closed to them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db
from tests.participants.records import attached_document

ASSIGNED = ("guardian", "legal_representative", "central_authority_officer", "monitor")
# Who reads the record each document is attached to (the matrix; the request's addressee).
READERS = {
    "central_approval": {"central_authority_officer"},
    "visit": {"monitor", "guardian"},  # the guardian reads the monitoring too
    "request": {"guardian"},
}


def _url(world, document, case=None):
    case = case or world.case
    return f"/my/cases/{case.id}/documents/{document.id}"


@pytest.mark.parametrize("kind", sorted(READERS))
@pytest.mark.parametrize(
    "actor",
    [*ASSIGNED, "counterpart_officer", "participant_other_case", "participant_ended"],
)
def test_a_document_is_read_by_who_reads_its_record(client, login, world, kind, actor):
    document = attached_document(world, kind)
    login(world.users[actor])
    response = client.get(_url(world, document))
    body = response.get_data()
    response.close()
    if actor in READERS[kind]:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert body.startswith(b"%PDF")
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "documents:document:download")
        )
        assert entry.actor_id == world.users[actor].id
    else:
        assert response.status_code == 404


def test_the_readers_case_page_lists_the_documents_they_may_read(client, login, world):
    approval_doc = attached_document(world, "central_approval")
    visit_doc = attached_document(world, "visit")
    login(world.users["central_authority_officer"])
    page = client.get(f"/my/cases/{world.case.id}").get_data(as_text=True)
    assert _url(world, approval_doc) in page and "central_approval.pdf" in page
    assert _url(world, visit_doc) not in page and "passport.pdf" not in page
    login(world.users["monitor"])
    page = client.get(f"/my/cases/{world.case.id}").get_data(as_text=True)
    assert _url(world, visit_doc) in page and _url(world, approval_doc) not in page


@pytest.mark.parametrize("actor", [*ASSIGNED, "counterpart_officer"])
def test_the_cases_own_file_stays_closed_to_participants(client, login, world, actor):
    """A document attached to no record (``world.document``): no participant reads it, by
    their page or the staff's; the refusal is audited."""
    login(world.users[actor])
    assert client.get(_url(world, world.document)).status_code == 404
    staff_url = f"/cases/{world.case.id}/documents/{world.document.id}"
    assert client.get(staff_url).status_code in (403, 404)
    assert client.get(f"/cases/{world.case.id}/documents").status_code in (403, 404)
    refused = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor_id == world.users[actor].id)
    ).all()
    assert "access:object:refuse" in refused


def test_another_cases_document_is_not_reachable_through_the_officers_case(client, login, world):
    foreign = attached_document(world, "central_approval", case=world.other_case)
    login(world.users["central_authority_officer"])
    assert client.get(_url(world, foreign)).status_code == 404
    assert client.get(_url(world, foreign, case=world.other_case)).status_code == 404


def test_staff_keep_their_own_documents_page(client, login, world):
    document = attached_document(world, "central_approval")
    login(world.users["caseworker_own"])
    response = client.get(f"/cases/{world.case.id}/documents/{document.id}")
    assert response.status_code == 200
    response.close()
    assert client.get(_url(world, document)).status_code == 403  # not the staff's page
