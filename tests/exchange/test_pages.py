"""The exchange in the browser (issue 11): partner register, a case's exchange, the send forms,
the incoming list, file import and export -- each rule tried both ways."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.permissions import Role
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.models import Direction, ExchangeDocument, ExchangeLink, Partner
from tests.exchange import records
from tests.support import clock


def _version(db, case) -> int:
    db.session.refresh(case)
    return case.version


def _actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


@pytest.fixture
def world(factory):
    agency = factory.agency()
    caseworker = factory.user(Role.CASEWORKER, agency=agency)
    case = factory.case(agency=agency, caseworker=caseworker)
    return SimpleNamespace(agency=agency, case=case, caseworker=caseworker)


# -- the partner register --------------------------------------------------------------------


def _partner_form(key, agency, **overrides):
    from caseapp.audit.bundle_verifier import fingerprint
    from caseapp.exchange import keys

    raw = keys.raw_public(key.public_key())
    data = {
        "name": "Child protection directorate of Moldova",
        "country": "MD",
        "base_url": "https://caseapp.example.md",
        "public_key": base64.b64encode(raw).decode(),
        "fingerprint_confirmed": keys.grouped(fingerprint(raw)),
        "confirmed_by": "by telephone with the head of the directorate",
        "local_agency": str(agency.id),
    }
    return {**data, **overrides}


def test_admin_pairs_a_partner_only_with_the_confirmed_fingerprint(client, login, factory, db):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from caseapp.exchange import keys

    agency = factory.agency()
    login(factory.user(Role.ADMIN))
    page = client.get("/admin/partners")
    assert page.status_code == 200
    assert keys.grouped(keys.key_id()) in page.get_data(as_text=True)  # our own fingerprint

    key = Ed25519PrivateKey.generate()
    wrong = _partner_form(key, agency, fingerprint_confirmed="ab" * 32)
    refused = client.post("/admin/partners/new", data=wrong)
    assert refused.status_code == 400
    assert "does not match the key" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Partner.id))) == 0

    added = client.post("/admin/partners/new", data=_partner_form(key, agency))
    assert added.status_code == 302
    partner = db.session.scalar(select(Partner))
    assert partner.country == "MD" and partner.local_agency_id == agency.id
    assert "exchange:partner:add" in _actions(db)
    assert "Child protection directorate of Moldova" in client.get("/admin/partners").get_data(
        as_text=True
    )


def test_editing_a_partner_needs_the_new_keys_fingerprint(client, login, factory, db):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    agency = factory.agency()
    partner = records.pair(agency, Ed25519PrivateKey.generate())
    db.session.commit()
    login(factory.user(Role.ADMIN))
    url = f"/admin/partners/{partner.id}"
    assert client.get(url).status_code == 200
    new_key = Ed25519PrivateKey.generate()
    form = _partner_form(new_key, agency, fingerprint_confirmed="")
    assert client.post(url, data=form).status_code == 400  # a new key, unconfirmed
    db.session.refresh(partner)
    old_key_id = partner.key_id
    renamed = _partner_form(new_key, agency, name="Renamed directorate", active="y")
    assert client.post(url, data=renamed).status_code == 302
    db.session.refresh(partner)
    assert partner.name == "Renamed directorate" and partner.key_id != old_key_id
    assert partner.active
    # Deactivated (the box left unticked), its key unchanged: no fingerprint needed.
    same = dict(renamed, fingerprint_confirmed="")
    del same["active"]
    assert client.post(url, data=same).status_code == 302
    db.session.refresh(partner)
    assert partner.active is False
    assert _actions(db).count("exchange:partner:edit") == 2


# -- a case's exchange: request, documents, export ---------------------------------------------


def test_caseworker_requests_a_home_study_and_exports_it_as_a_file(client, login, db, world):
    from caseapp.children.models import FamilyMember, Relation
    from caseapp.exchange.documents import split, verify
    from caseapp.exchange.keys import signing_key

    partner = records.partner(world)
    mother = FamilyMember(case_id=world.case.id, name="Maria Rusu", relation=Relation.MOTHER)
    db.session.add(mother)
    db.session.commit()
    login(world.caseworker)
    page = client.get(f"/cases/{world.case.id}/exchange")
    assert page.status_code == 200 and "Request a home study" in page.get_data(as_text=True)
    url = f"/cases/{world.case.id}/exchange/request"
    form = {
        "partner": str(partner.id),
        "family_member": str(mother.id),
        "questions": "Can the mother care for the child?",
        "reply_by": (clock.today() + timedelta(days=30)).isoformat(),
        "transport": "file",
    }
    stale = client.post(url, data={**form, "version": str(_version(db, world.case) - 1)})
    assert stale.status_code == 409
    assert db.session.scalar(select(func.count(ExchangeDocument.id))) == 0
    sent = client.post(url, data={**form, "version": str(_version(db, world.case))})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    doc = db.session.scalar(select(ExchangeDocument))
    assert doc.doc_type is DocumentType.HOME_STUDY_REQUEST and doc.direction is Direction.SENT
    assert doc.body["family_contact_name"] == "Maria Rusu"
    page = client.get(f"/cases/{world.case.id}/exchange").get_data(as_text=True)
    assert "to be carried as a file" in page and "Travel and handover plan" in page

    exported = client.get(f"/cases/{world.case.id}/exchange/documents/{doc.id}/file")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    document, signature = split(json.loads(exported.data))
    assert verify(document, signature, signing_key().public_key())
    assert "exchange:document:export" in _actions(db)
    # A second request on the same case is refused: one exchange per case.
    again = client.post(url, data={**form, "version": str(_version(db, world.case))})
    assert again.status_code == 400
    assert db.session.scalar(select(func.count(ExchangeDocument.id))) == 1


def test_export_is_for_those_who_send_on_the_case(client, login, factory, world):
    doc = records.exported_document(world)
    url = f"/cases/{world.case.id}/exchange/documents/{doc.id}/file"
    login(factory.user(Role.OMBUDSPERSON))
    assert client.get(url).status_code == 403
    login(factory.user(Role.CASEWORKER))  # another agency
    assert client.get(url).status_code == 404


# -- the receiving side: incoming list, opening, sending back in order, closure ---------------


def _open_request(client, login, db, world):
    request = records.waiting_request(world)
    login(world.caseworker)
    page = client.get("/exchange/incoming").get_data(as_text=True)
    assert "Ion Rusu" in page and "Maria Rusu" in page
    opened = client.post(f"/exchange/incoming/{request.id}/open", data={})
    assert opened.status_code == 302
    link = db.session.scalar(select(ExchangeLink).where(ExchangeLink.incoming.is_(True)))
    assert link.case.lead_agency_id == world.agency.id
    return link


def test_incoming_request_opened_only_by_the_partners_agency(client, login, factory, db, world):
    request = records.waiting_request(world)
    login(factory.user(Role.CASEWORKER))  # another agency
    assert "Ion Rusu" not in client.get("/exchange/incoming").get_data(as_text=True)
    assert client.post(f"/exchange/incoming/{request.id}/open", data={}).status_code == 404
    login(factory.user(Role.OMBUDSPERSON))
    assert client.post(f"/exchange/incoming/{request.id}/open", data={}).status_code == 403
    assert db.session.scalar(select(func.count(ExchangeLink.id))) == 0
    link = _open_request(client, login, db, world)
    page = client.get("/exchange/incoming").get_data(as_text=True)
    assert link.case.number in page and "No requests waiting." in page


def _send(client, db, case, doc_type, body, **extra):
    data = {**body, "transport": "network", "version": str(_version(db, case)), **extra}
    data = {k: ("y" if v is True else v) for k, v in data.items() if v is not False}
    return client.post(f"/cases/{case.id}/exchange/send/{doc_type}", data=data)


def withdrawal():
    return {"withdrawn_on": clock.today().isoformat(), "reason": "The family moved away."}


def test_receiving_side_sends_back_in_the_order_of_the_return(client, login, db, world):
    from tests.exchange.test_two_instances import bodies

    link = _open_request(client, login, db, world)
    case = link.case
    page = client.get(f"/cases/{case.id}/exchange").get_data(as_text=True)
    assert "Home study report" in page and "Request for a home study" in page
    # The sending side's type is not offered to the receiving side.
    assert client.get(f"/cases/{case.id}/exchange/send/travel_plan").status_code == 404
    assert client.get(f"/cases/{case.id}/exchange/send/nonsense").status_code == 404

    # Nothing withdrawn before it was given; no visit before the return.
    for doc_type, body in (
        ("guarantee_withdrawal", withdrawal()),
        ("readiness_withdrawal", withdrawal()),
        ("monitoring_visit_report", records.visit()),
    ):
        refused = _send(client, db, case, doc_type, body)
        assert refused.status_code == 400, (doc_type, refused.status_code)
    invalid = _send(
        client,
        db,
        case,
        "readiness",
        {"confirmed_on": clock.today().isoformat(), "confirmed_by": ""},
    )
    assert invalid.status_code == 400
    assert db.session.scalar(select(func.count(ExchangeDocument.id))) == 1  # the request

    for doc_type, body in bodies().items():
        answer = _send(client, db, case, doc_type, body)
        assert answer.status_code == 302, (doc_type, answer.get_data(as_text=True)[:2000])
    assert _send(client, db, case, "guarantee_withdrawal", withdrawal()).status_code == 302
    assert _send(client, db, case, "handover_receipt", records.handover()).status_code == 302
    assert _send(client, db, case, "monitoring_visit_report", records.visit()).status_code == 302
    sent = db.session.scalars(
        select(ExchangeDocument.doc_type).where(ExchangeDocument.direction == Direction.SENT)
    ).all()
    assert len(sent) == 7
    assert "waiting for delivery" in client.get(f"/cases/{case.id}/exchange").get_data(as_text=True)

    # A closure notice closes the loop: nothing more is sent on the exchange.
    closure = {"closed_on": clock.today().isoformat(), "reason": "Monitoring completed."}
    assert _send(client, db, case, "closure_notice", closure).status_code == 302
    assert _send(client, db, case, "monitoring_visit_report", records.visit()).status_code == 400
    assert _send(client, db, case, "closure_notice", closure).status_code == 400
    assert "The exchange is closed" in client.get(f"/cases/{case.id}/exchange").get_data(
        as_text=True
    )


def test_inbox_refuses_documents_on_a_closed_exchange(client, db, world):
    link = records.link(world)
    notice = records.signed(
        world,
        DocumentType.CLOSURE_NOTICE,
        link.exchange_id,
        {"closed_on": clock.today().isoformat(), "reason": "Return cancelled."},
    )
    post = dict(path="/api/v1/exchange/inbox", content_type="application/json")
    assert client.post(data=notice, **post).status_code == 200
    readiness = records.signed(
        world,
        DocumentType.READINESS,
        link.exchange_id,
        {"confirmed_on": clock.today().isoformat(), "confirmed_by": "Head of directorate"},
    )
    answer = client.post(data=readiness, **post)
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "exchange_closed"


# -- the file import -------------------------------------------------------------------------


def _upload(client, data: bytes):
    return client.post(
        "/exchange/import",
        data={"file": (io.BytesIO(data), "document.json")},
        content_type="multipart/form-data",
    )


def test_import_checks_a_file_like_the_inbox(client, login, factory, db, world):
    link = records.link(world)
    readiness = {"confirmed_on": clock.today().isoformat(), "confirmed_by": "Head of directorate"}
    raw = records.signed(world, DocumentType.READINESS, link.exchange_id, readiness)
    login(world.caseworker)
    assert client.get("/exchange/import").status_code == 200

    tampered = json.loads(raw)
    tampered["document"]["body"]["confirmed_by"] = "Someone else"
    refused = _upload(client, json.dumps(tampered).encode())
    assert refused.status_code == 403
    assert "changed or forged" in refused.get_data(as_text=True)
    assert _upload(client, b"not json").status_code == 400

    other = factory.user(Role.CASEWORKER)  # another agency: genuine, but not theirs
    login(other)
    refused = _upload(client, raw)
    assert refused.status_code == 403 and "nothing was imported" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ExchangeDocument.id))) == 0

    login(world.caseworker)
    imported = _upload(client, raw)
    assert imported.status_code == 302
    assert imported.headers["Location"].endswith(f"/cases/{world.case.id}/exchange")
    doc = db.session.scalar(
        select(ExchangeDocument).where(ExchangeDocument.direction == Direction.RECEIVED)
    )
    assert doc.doc_type is DocumentType.READINESS and doc.case_id == world.case.id
    replay = _upload(client, raw)
    assert replay.status_code == 409 and "already received" in replay.get_data(as_text=True)
    assert _actions(db).count("exchange:document:refuse") == 4


def test_demo_has_a_partner_and_a_request_waiting_for_the_moldovan_directorate(
    demo_loaded, client, login, db
):
    from caseapp.auth.models import User
    from caseapp.demo.data import DEMO_PASSWORD

    md = db.session.scalar(select(User).where(User.email == "caseworker.md@example.org"))
    login(md, password=DEMO_PASSWORD)
    page = client.get("/exchange/incoming").get_data(as_text=True)
    assert "Andrei Ciobanu" in page and "Open the incoming return" in page
    ua = db.session.scalar(select(User).where(User.email == "caseworker.ua@example.org"))
    login(ua, password=DEMO_PASSWORD)
    assert "Andrei Ciobanu" not in client.get("/exchange/incoming").get_data(as_text=True)


def test_incoming_lists_are_paginated_by_id_and_lose_no_row(
    client, login, db, world, monkeypatch, runner
):
    """Each incoming list a page at a time (issue 16: 200 rows drawn, any beyond them hidden):
    every request and every opened return is on exactly one page, and the API pages alike."""
    from caseapp.exchange import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    requests = records.waiting_requests(world, 5)
    db.session.commit()
    login(world.caseworker)

    def open_buttons(page: str) -> list[str]:
        return [r.id for r in requests if f"/exchange/incoming/{r.id}/open" in page]

    first = client.get("/exchange/incoming").get_data(as_text=True)
    assert open_buttons(first) == [requests[0].id, requests[1].id]  # the oldest first
    assert f"?requests={requests[1].id}" in first and "First page" not in first
    second = client.get(f"/exchange/incoming?requests={requests[1].id}").get_data(as_text=True)
    assert open_buttons(second) == [requests[2].id, requests[3].id]
    assert "First page" in second
    last = client.get(f"/exchange/incoming?requests={requests[3].id}").get_data(as_text=True)
    assert open_buttons(last) == [requests[4].id] and "?requests=" not in last
    # A cursor that is not a number is ignored: the first page, not an error.
    assert client.get("/exchange/incoming?requests=x%27").status_code == 200

    for r in requests:
        assert client.post(f"/exchange/incoming/{r.id}/open", data={}).status_code == 302
    links = list(
        db.session.scalars(select(ExchangeLink).order_by(ExchangeLink.id.desc()))
    )  # newest first
    seen: list[str] = []
    url = "/exchange/incoming"
    while url:
        page = client.get(url).get_data(as_text=True)
        assert "No requests waiting." in page
        seen += [link.case.number for link in links if f">{link.case.number}</a>" in page]
        nxt = [link.id for link in links if f'?returns={link.id}"' in page]
        url = f"/exchange/incoming?returns={nxt[0]}" if nxt else ""
    assert seen == [link.case.number for link in links]


def test_api_incoming_requests_page_with_next_after(client, db, world, monkeypatch, runner):
    from caseapp.exchange import queries

    monkeypatch.setattr(queries, "PER_PAGE", 2)
    ids = [r.id for r in records.waiting_requests(world, 3)]
    db.session.commit()
    result = runner.invoke(args=["api", "token-create", world.caseworker.email, "pager"])
    auth = {"Authorization": f"Bearer {result.output.split(': ', 1)[1].strip()}"}
    first = client.get("/api/v1/exchange/incoming", headers=auth).get_json()
    assert [r["id"] for r in first["requests"]] == ids[:2] and first["next_after"] == ids[1]
    last = client.get(f"/api/v1/exchange/incoming?after={ids[1]}", headers=auth).get_json()
    assert [r["id"] for r in last["requests"]] == ids[2:] and last["next_after"] is None


def test_incoming_returns_are_read_newest_first_from_an_index(client, login, db, world):
    """The incoming returns come from ``(incoming, id)`` in order, each joined to its case;
    not every case of the agency probed for a link and the matches sorted (issue 16)."""
    from caseapp.exchange.queries import incoming_returns
    from tests.support.plans import sqlite_plans

    _open_request(client, login, db, world)
    with sqlite_plans("exchange_link") as plans:
        for before in (None, 10**9):
            assert len(incoming_returns(world.caseworker, before=before, limit=25)[0]) == 1
    assert len(plans) == 2
    for plan in plans:
        assert "ix_exchange_link_incoming" in plan and "TEMP B-TREE" not in plan, plan
