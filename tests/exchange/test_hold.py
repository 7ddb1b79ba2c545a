"""The sending side's gate holds on what the partner says after the approval (issue 9 principle
6, issue 11 item 4): a guarantee or readiness withdrawn by the partner, received through the
inbox after the return was approved, withdraws the approval in the same transaction
(``caseapp/gate/hold.py``); a document that leaves every safeguard met does not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Stage
from caseapp.exchange.documents import DocumentType
from caseapp.gate.models import ReturnApproval
from tests.exchange import records
from tests.exchange.test_two_instances import EXCHANGED, bodies
from tests.support import clock
from tests.support.gate_builder import ready_case

INBOX = {"path": "/api/v1/exchange/inbox", "content_type": "application/json"}


@pytest.fixture
def approved(client, factory, db):
    """A case approved for return on the documents received from the partner."""
    from caseapp.gate.operations import approve_return

    ready = ready_case(factory, breaks=EXCHANGED)
    records.return_to_partner(ready)
    world = SimpleNamespace(agency=ready.agency, case=ready.case)
    link = records.link(world)
    for doc_type, body in bodies().items():
        raw = records.signed(world, DocumentType(doc_type), link.exchange_id, body)
        assert client.post(data=raw, **INBOX).status_code == 200
    db.session.refresh(ready.case)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert ready.case.stage is Stage.RETURN_APPROVED
    return world, link


def _withdrawals(db) -> list[ReturnApproval]:
    return list(
        db.session.scalars(select(ReturnApproval).where(ReturnApproval.withdrawn_at.isnot(None)))
    )


@pytest.mark.parametrize(
    ("doc_type", "safeguard"),
    [(DocumentType.GUARANTEE_WITHDRAWAL, "S7"), (DocumentType.READINESS_WITHDRAWAL, "S12")],
)
def test_partners_withdrawal_after_approval_withdraws_it(client, db, approved, doc_type, safeguard):
    world, link = approved
    raw = records.signed(
        world,
        doc_type,
        link.exchange_id,
        {"withdrawn_on": clock.today().isoformat(), "reason": "Family moved."},
    )
    assert client.post(data=raw, **INBOX).status_code == 200
    db.session.expire_all()
    assert world.case.stage is Stage.RETURN_PREPARATION
    (approval,) = _withdrawals(db)
    assert approval.withdrawn_unmet == [safeguard]
    actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
    received = actions.index("exchange:document:receive", len(actions) - 4)
    assert actions[received + 1 :] == ["return:approval:withdraw", "case:stage:change"]


def test_a_document_that_keeps_every_safeguard_met_keeps_the_approval(client, db, approved):
    world, link = approved
    raw = records.signed(
        world,
        DocumentType.READINESS,
        link.exchange_id,
        {"confirmed_on": clock.today().isoformat(), "confirmed_by": "Deputy head of directorate"},
    )
    assert client.post(data=raw, **INBOX).status_code == 200
    db.session.expire_all()
    assert world.case.stage is Stage.RETURN_APPROVED
    assert _withdrawals(db) == []
