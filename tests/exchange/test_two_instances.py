"""A whole return cycle across two real instances (issue 11 item 6; 002, Rec 2 and Rec 6).

Ukraine (sending) asks Moldova (receiving) for a home study; Moldova opens the incoming
return and sends back the report, the guarantee, readiness and the reintegration plan; the
Ukrainian gate reads them as evidence with their provenance and the return is approved
through the API by a second supervisor; the travel plan goes to Moldova, the handover
receipt and the first visit report come back. Both audit trails are checked. Then: the
partner down, a tampered document, an unknown partner, a replay, an unknown schema version,
an invalid document, and the same document carried as a file.
"""

from __future__ import annotations

import json
from datetime import timedelta

import requests
from sqlalchemy import func, select

from caseapp.audit.models import AuditEntry
from caseapp.core.extensions import db
from caseapp.exchange.documents import DocumentType
from caseapp.exchange.models import Direction, ExchangeDocument, OutboxItem
from tests.exchange import records
from tests.support import clock
from tests.support.gate_builder import ready_case

EXCHANGED = ("S6", "S7", "S12", "S13", "S17")


def call(inst, method, path, token=None, body=None, raw=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if raw is not None:
        headers["Content-Type"] = "application/json"
    return requests.request(
        method, inst.url + path, json=body, data=raw, headers=headers, timeout=30
    )


def deliver(inst, *args):
    result = inst.app.test_cli_runner().invoke(args=["exchange", "deliver", *args])
    assert result.exit_code == 0, result.output
    return result.output


def actions(inst) -> list[str]:
    with inst.app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def count_docs(inst, **where) -> int:
    with inst.app.app_context():
        query = select(func.count(ExchangeDocument.id))
        for name, value in where.items():
            query = query.where(getattr(ExchangeDocument, name) == value)
        return db.session.scalar(query)


def sending_case(ua):
    """A Ukrainian case ready for return except what Moldova must provide (S6, S7, S12...)."""
    from caseapp.agencies.models import Agency
    from caseapp.api.operations import create_token
    from tests.support.factories import Factory

    with ua.app.app_context():
        agency = db.session.get(Agency, ua.people["agency"])
        ready = ready_case(Factory(), agency=agency, breaks=EXCHANGED)
        records.return_to_partner(ready)
        tokens = {
            who: create_token(None, getattr(ready, who), name="script")[1]
            for who in ("caseworker", "approver")
        }
        db.session.commit()
        return ready.case.id, ready.r["mother"].id, tokens


def _other_agency_token(inst) -> str:
    from caseapp.api.operations import create_token
    from caseapp.core.permissions import Role
    from tests.support.factories import Factory

    with inst.app.app_context():
        user = Factory().user(Role.CASEWORKER, agency=Factory().agency(country=inst.country))
        text = create_token(None, user, name="other agency")[1]
        db.session.commit()
        return text


def request_home_study(ua, case_id, mother_id):
    from caseapp.auth.models import User
    from caseapp.cases.models import Case
    from caseapp.children.models import FamilyMember
    from caseapp.exchange.models import Partner
    from caseapp.exchange.sending import request_home_study as op

    with ua.app.app_context():
        case = db.session.get(Case, case_id)
        partner = db.session.scalar(select(Partner))
        doc = op(
            db.session.get(User, case.caseworker_id),
            case,
            partner,
            family_member=db.session.get(FamilyMember, mother_id),
            questions="Can the mother care for the child?",
            reply_by=clock.today() + timedelta(days=30),
        )
        db.session.commit()
        return doc.document_id, doc.exchange_id


def bodies():
    """What the receiving side sends back, dated today."""
    today = clock.today()
    return {
        "home_study_report": {
            "conducted_by": "Social worker, Chisinau",
            "conducted_on": today.isoformat(),
            "favourable": True,
            "summary": "The mother is able and willing; a room is ready.",
        },
        "guarantee": {
            "guarantor_kind": "family",
            "guarantor_name": "The child's mother",
            "given_on": today.isoformat(),
            "document_reference": "MD-G-2026-17",
        },
        "readiness": {"confirmed_on": today.isoformat(), "confirmed_by": "Head of directorate"},
        "reintegration_plan": {
            "education": "School no. 3, Chisinau",
            "health": "Family doctor registered",
            "psychosocial": "Counselling weekly",
            "family_support": "Monthly allowance",
            "responsible_agency": "Child protection directorate, Chisinau",
            "resources_confirmed": True,
            "resources_confirmed_by": "Head of directorate",
            "resources_confirmed_on": today.isoformat(),
            "starts_on": (today + timedelta(days=12)).isoformat(),
            "monitor_name": "Independent NGO, Chisinau",
            "monitor_independent": True,
            "first_visit_on": (today + timedelta(days=40)).isoformat(),
        },
    }


def test_return_cycle_across_two_instances(pair):
    ua, md = pair
    case_id, mother_id, ua_tokens = sending_case(ua)
    _request_id, exchange_id = request_home_study(ua, case_id, mother_id)
    assert "delivered" in deliver(ua)

    # Moldova: the request waits for the receiving agency, which opens the incoming return.
    md_token = md.people["caseworker_token"]
    waiting = call(md, "GET", "/api/v1/exchange/incoming", md_token).json()["requests"]
    assert [r["exchange_id"] for r in waiting] == [exchange_id]
    stranger = _other_agency_token(md)
    path = f"/api/v1/exchange/incoming/{waiting[0]['id']}/open"
    assert call(md, "POST", path, stranger).status_code == 404  # another agency's request
    opened = call(md, "POST", path, md_token)
    assert opened.status_code == 201, opened.text
    md_case = opened.json()["id"]

    # The gate refuses while the partner's documents are missing (audited on Ukraine's side).
    approver = ua_tokens["approver"]
    version = call(ua, "GET", f"/api/v1/cases/{case_id}", approver).json()["version"]
    for bad in ({}, {"version": "abc"}, {"version": version - 1}):
        answer = call(ua, "POST", f"/api/v1/cases/{case_id}/return-approval", approver, bad)
        assert answer.status_code in (400, 409) and answer.json()["error"]["code"] in (
            "invalid_version",
            "stale_version",
        )
    refused = call(
        ua, "POST", f"/api/v1/cases/{case_id}/return-approval", approver, {"version": version}
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "gate_not_satisfied"
    unmet = {s["id"] for s in refused.json()["gate"]["safeguards"] if not s["met"]}
    assert unmet == set(EXCHANGED)

    for doc_type, body in bodies().items():
        sent = call(
            md,
            "POST",
            f"/api/v1/cases/{md_case}/exchange/documents",
            md_token,
            {"type": doc_type, "body": body},
        )
        assert sent.status_code == 201, sent.text
    assert deliver(md).count("delivered") == 4

    detail = call(ua, "GET", f"/api/v1/cases/{case_id}", approver).json()
    gate = {s["id"]: s for s in detail["gate"]["safeguards"]}
    for sid in EXCHANGED:
        assert gate[sid]["met"], gate[sid]
        assert (
            "signed by Child protection directorate of Moldova (MD), received on"
            in (gate[sid]["evidence"][0]["description"])
        )
    approved = call(
        ua,
        "POST",
        f"/api/v1/cases/{case_id}/return-approval",
        approver,
        {"version": detail["version"]},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["stage"] == "return_approved"

    # The travel plan goes to Moldova; the handover receipt and first visit report come back.
    travel = records.travel(clock.today() + timedelta(days=10))
    caseworker = ua_tokens["caseworker"]
    sent = call(
        ua,
        "POST",
        f"/api/v1/cases/{case_id}/exchange/documents",
        caseworker,
        {"type": "travel_plan", "body": travel},
    )
    assert sent.status_code == 201, sent.text
    assert "delivered" in deliver(ua)
    for doc_type, body in (
        ("handover_receipt", records.handover()),
        ("monitoring_visit_report", {**records.visit(), "escalation_needed": False}),
    ):
        assert (
            call(
                md,
                "POST",
                f"/api/v1/cases/{md_case}/exchange/documents",
                md_token,
                {"type": doc_type, "body": body},
            ).status_code
            == 201
        )
    assert deliver(md).count("delivered") == 2

    # Both audit trails tell what was sent to whom and received from whom.
    ua_log, md_log = actions(ua), actions(md)
    assert ua_log.count("exchange:document:send") == 2  # request, travel plan
    assert ua_log.count("exchange:document:receive") == 6
    assert ua_log.count("exchange:document:deliver") == 2
    assert "gate:refuse" in ua_log and "return:approve" in ua_log
    assert md_log.count("exchange:document:receive") == 2
    assert md_log.count("exchange:incoming:open") == 1
    assert md_log.count("exchange:document:send") == 6
    assert md_log.count("exchange:document:deliver") == 6
    assert count_docs(ua, direction=Direction.RECEIVED) == 6
    assert count_docs(md, direction=Direction.RECEIVED) == 2
    with ua.app.app_context():
        assert (
            db.session.scalar(
                select(func.count(OutboxItem.id)).where(OutboxItem.delivered_at.is_(None))
            )
            == 0
        )


def _sent_envelope(inst, document_id) -> dict:
    with inst.app.app_context():
        doc = db.session.scalar(
            select(ExchangeDocument).where(ExchangeDocument.document_id == document_id)
        )
        return json.loads(doc.envelope)


def _resign(inst, document: dict) -> bytes:
    from caseapp.exchange import keys
    from caseapp.exchange.documents import sign

    with inst.app.app_context():
        return json.dumps(sign(document, keys.signing_key())).encode()


def test_partner_down_then_back_delivers_once(pair):
    ua, md = pair
    case_id, mother_id, _tokens = sending_case(ua)
    port = md.port
    md.stop()
    document_id, _exchange = request_home_study(ua, case_id, mother_id)
    assert "failed" in deliver(ua)
    with ua.app.app_context():
        item = db.session.scalar(select(OutboxItem))
        assert item.attempts == 1 and item.delivered_at is None and item.last_error
    assert deliver(ua) == ""  # backing off: not due yet
    md.port = port
    md.start()
    assert "delivered" in deliver(ua, "--retry-now")
    assert deliver(ua, "--retry-now") == ""  # exactly once
    assert count_docs(md, document_id=document_id) == 1


def test_refusals_change_nothing_and_are_audited(pair):
    ua, md = pair
    case_id, mother_id, _tokens = sending_case(ua)
    document_id, _exchange = request_home_study(ua, case_id, mother_id)
    envelope = _sent_envelope(ua, document_id)

    # Tampered: the body changed after signing.
    tampered = json.loads(json.dumps(envelope))
    tampered["document"]["body"]["questions"] = "Something else"
    answer = call(md, "POST", "/api/v1/exchange/inbox", raw=json.dumps(tampered))
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "bad_signature"

    # Unknown partner: a valid signature by a key no one paired.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from caseapp.exchange.documents import sign

    stranger = json.loads(json.dumps(envelope["document"]))
    stranger["sender"]["key_id"] = "f" * 64
    answer = call(
        md,
        "POST",
        "/api/v1/exchange/inbox",
        raw=json.dumps(sign(stranger, Ed25519PrivateKey.generate())),
    )
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "unknown_partner"

    # Unknown schema version and a document invalid against its schema, both well signed.
    v2 = dict(envelope["document"], schema_version=2)
    answer = call(md, "POST", "/api/v1/exchange/inbox", raw=_resign(ua, v2))
    assert answer.json()["error"]["code"] == "unknown_schema_version"
    invalid = json.loads(json.dumps(envelope["document"]))
    invalid["body"]["child_health"] = "asthma"  # not in the schema: never sent, never taken
    answer = call(md, "POST", "/api/v1/exchange/inbox", raw=_resign(ua, invalid))
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid_document"
    assert count_docs(md) == 0

    # Delivered once; the same document again is a replay, answered with the first receipt.
    assert "delivered" in deliver(ua)
    answer = call(md, "POST", "/api/v1/exchange/inbox", raw=json.dumps(envelope))
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "replayed"
    assert answer.json()["receipt"]["document"]["document_id"] == document_id
    assert count_docs(md) == 1
    refusals = [a for a in actions(md) if a == "exchange:document:refuse"]
    assert len(refusals) == 5


def test_file_transport_with_the_same_checks(pair, tmp_path):
    ua, md = pair
    case_id, mother_id, _tokens = sending_case(ua)
    document_id, _exchange = request_home_study(ua, case_id, mother_id)
    path = tmp_path / "request.json"
    result = ua.app.test_cli_runner().invoke(args=["exchange", "export", document_id, str(path)])
    assert result.exit_code == 0, result.output
    result = md.app.test_cli_runner().invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "received home_study_request" in result.output
    again = md.app.test_cli_runner().invoke(args=["exchange", "import", str(path)])
    assert again.exit_code != 0 and "replayed" in again.output
    data = json.loads(path.read_text())
    data["document"]["body"]["family_contact_name"] = "Someone else"
    path.write_text(json.dumps(data))
    tampered = md.app.test_cli_runner().invoke(args=["exchange", "import", str(path)])
    assert tampered.exit_code != 0 and "bad_signature" in tampered.output
    assert count_docs(md, doc_type=DocumentType.HOME_STUDY_REQUEST) == 1
    assert actions(md).count("exchange:document:refuse") == 2
