"""Four eyes on the return's preparation: a supervisor who recorded part of it does not approve
it, whoever is the case's caseworker now (DESIGN.md section 1: "never their own work"; UNHCR
BIP; 002, Rec 2). Who wrote a record is read from the audit trail (``GateData.preparers``)."""

from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from caseapp.audit.actions import RETURN_PREPARATION_ACTIONS, AuditAction
from caseapp.audit.recorder import record
from caseapp.cases.models import Stage
from caseapp.cases.operations import reassign_case
from caseapp.core import clock
from caseapp.core.errors import FourEyesViolation, InvalidTransition
from caseapp.core.extensions import db
from caseapp.crossborder.models import MessageDirection, MessageKind
from caseapp.crossborder.operations import log_message
from caseapp.documents.operations import store_document
from caseapp.gate.data import load_gate_data
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.models import ReturnApproval
from caseapp.gate.operations import approve_return
from caseapp.gate.policy import current_policy
from caseapp.gate.views import panel_context
from tests.security.conftest import PDF, upload_folder
from tests.support.gate_builder import execute_return, ready_case
from tests.support.plans import sqlite_plans


def approvals(case_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            ReturnApproval.case_id == case_id, ReturnApproval.withdrawn_at.is_(None)
        )
    )


def log_a_message(actor, case) -> None:
    """A message to the counterpart, as the coordination page records it (a record of the
    return's preparation that leaves every safeguard as it was)."""
    log_message(
        actor,
        case,
        expected_version=case.version,
        counterpart="Child protection service, Chernivtsi",
        subject="Travel arrangements",
        on_date=clock.today(),
        direction=MessageDirection.SENT,
        kind=MessageKind.INFORMATION,
    )
    db.session.commit()


@pytest.mark.parametrize("prepared", [True, False])
def test_a_supervisor_who_recorded_part_of_the_preparation_does_not_approve(factory, prepared):
    ready = ready_case(factory)
    log_a_message(ready.approver if prepared else ready.supervisor, ready.case)
    context = panel_context(ready.case, ready.approver)
    if prepared:
        assert "preparation" in context["blocker"]
        with pytest.raises(FourEyesViolation, match="preparation"):
            approve_return(ready.approver, ready.case, expected_version=ready.case.version)
        db.session.rollback()
        assert approvals(ready.case.id) == 0
        # Another supervisor of the agency, who wrote none of it, may.
        approve_return(ready.supervisor, ready.case, expected_version=ready.case.version)
    else:
        assert context["blocker"] is None
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    assert approvals(ready.case.id) == 1


def test_handing_the_case_on_does_not_make_the_preparation_anothers_work(factory):
    """The gap the caseworker rule left: a supervisor who took the case on, prepared the
    return and handed the case back is no longer its caseworker, but prepared it."""
    ready = ready_case(factory)
    caseworker = ready.case.caseworker
    for taking_over in (ready.approver, caseworker):
        reassign_case(
            ready.supervisor,
            ready.case,
            caseworker=taking_over,
            reason="Covering for a colleague on leave.",
            expected_version=ready.case.version,
        )
        db.session.commit()
        if taking_over is ready.approver:
            log_a_message(ready.approver, ready.case)
    assert ready.case.caseworker_id == caseworker.id
    with pytest.raises(FourEyesViolation, match="preparation"):
        approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.rollback()
    assert approvals(ready.case.id) == 0


@pytest.mark.parametrize("prepared", [True, False])
def test_preparing_after_approving_withdraws_the_approval(factory, prepared):
    """The approver who then records part of the preparation approved their own work: the
    hold withdraws the approval at once (S10), and the case is back in preparation."""
    ready = ready_case(factory)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    log_a_message(ready.approver if prepared else ready.supervisor, ready.case)
    db.session.expire_all()
    assert approvals(ready.case.id) == (0 if prepared else 1)
    assert (ready.case.stage is Stage.RETURN_APPROVED) is not prepared


@pytest.mark.parametrize("prepared", [True, False])
def test_a_standing_approval_by_a_preparer_leaves_s10_unmet(factory, prepared):
    """An approval in force whose giver the trail names as a preparer (an approval given before
    this rule) leaves S10 unmet, so the hold withdraws it on the next commit and the handover
    refuses it (002, Rec 2)."""
    ready = ready_case(factory)
    approve_return(ready.approver, ready.case, expected_version=ready.case.version)
    db.session.commit()
    # The entry alone, as an older trail holds it (flushed, not yet committed: no re-check).
    writer = ready.approver if prepared else ready.supervisor
    record(writer, AuditAction.TRAVEL_SAVE, case=ready.case, diff={"route": ["A", "B"]})
    db.session.flush()
    result = evaluate_return_gate(
        ready.case, today=clock.today(), policy=current_policy(), data=load_gate_data(ready.case)
    )
    assert ("S10" in result.unmet_ids) is prepared
    db.session.commit()
    db.session.expire_all()
    assert approvals(ready.case.id) == (0 if prepared else 1)
    if prepared:
        with pytest.raises(InvalidTransition):
            execute_return(ready)
        db.session.rollback()
    else:
        execute_return(ready)
        db.session.commit()


@pytest.mark.parametrize("attached_by_approver", [True, False])
def test_attaching_the_evidence_to_a_preparation_record_is_preparing(factory, attached_by_approver):
    """S11 and S12 read the attached paper: who attached it to the readiness confirmation
    prepared the return as much as who logged the message."""
    ready = ready_case(factory)
    uploader = ready.approver if attached_by_approver else ready.supervisor
    store_document(
        uploader,
        ready.case,
        filename="readiness.pdf",
        data=PDF,
        folder=upload_folder(current_app),
        max_bytes=10**7,
        record_type=ready.r["readiness"].__tablename__,
        record_id=ready.r["readiness"].id,
    )
    db.session.commit()
    own = ready.case.own_work_in_return(ready.approver, set(), load_gate_data(ready.case).preparers)
    assert (own is not None) is attached_by_approver


@pytest.mark.parametrize("prepared", [True, False])
def test_the_queue_lists_a_return_the_viewer_prepared_for_another_supervisor(
    factory, client, login, prepared
):
    ready = ready_case(factory)
    log_a_message(ready.approver if prepared else ready.supervisor, ready.case)
    login(ready.approver)
    html = client.get("/queue").get_data(as_text=True)
    link = f'/cases/{ready.case.id}/safeguards">{ready.case.number}'
    ready_list = html.split("Returns ready for approval")[1].split("Ready, for another")[0]
    assert (link in ready_list) is not prepared
    assert ("Ready, for another supervisor" in html) is prepared
    if prepared:
        assert "recorded part of this return" in html.split("Ready, for another supervisor")[1]


def test_only_the_records_that_prepare_the_return_count():
    """Words against the return and the participants' own confirmations are not preparation."""
    assert AuditAction.TRAVEL_SAVE in RETURN_PREPARATION_ACTIONS
    assert AuditAction.GUARANTEE_RECORD in RETURN_PREPARATION_ACTIONS
    for action in (
        AuditAction.GUARANTEE_WITHDRAW,
        AuditAction.WITHDRAWAL_RECORD,
        AuditAction.CENTRAL_APPROVAL_REFUSAL,
        AuditAction.CONSENT_GUARDIAN_GIVE,
        AuditAction.MONITORING_PLAN_ACCEPT,
        AuditAction.LAST_RESORT_APPROVE,
    ):
        assert action not in RETURN_PREPARATION_ACTIONS


def test_the_preparers_are_read_by_the_case_index(factory):
    """The gate reads a queue page's preparation entries through the cases' index, never every
    entry of those actions (at 100,000 cases the approval queue took 1.1 s a page by the
    action index, 1 ms by the case's; SQLite chooses without statistics)."""
    from caseapp.gate.data import load_gate_data_many

    cases = [factory.case() for _ in range(10)]  # a queue page
    db.session.commit()
    with sqlite_plans("audit_entry") as plans:
        load_gate_data_many(cases)
    plan = " ".join(plans)
    assert "ix_audit_entry_case_id_occurred_at" in plan
    assert "ix_audit_entry_action" not in plan
