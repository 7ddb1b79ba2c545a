"""Four eyes on a non-voluntary return's last resort: the second supervisor is not the consent's
recorder, nor anyone whose own work the return is -- the case's caseworker, a writer of the
determination or of a record that prepared the return, read from the audit trail as the
return's approval reads them (002, fn 12 (v); PICUM: "measure of last resort"; DESIGN.md
section 1: "never their own work"). Each rule both ways: the approval, S15, the queue, the
home page and the consent page."""

from __future__ import annotations

import pytest

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.cases.operations import reassign_case
from caseapp.core import clock
from caseapp.core.errors import FourEyesViolation
from caseapp.core.extensions import db
from caseapp.crossborder import operations as ops
from caseapp.dashboard.home import approvals_waiting
from caseapp.dashboard.queries import last_resorts_awaiting
from caseapp.gate.data import load_gate_data
from caseapp.gate.evaluation import evaluate_return_gate
from caseapp.gate.policy import current_policy
from tests.gate.test_preparers import log_a_message
from tests.support.gate_builder import ready_case, record_non_voluntary
from tests.support.plans import sqlite_plans


def unmet(ready) -> list[str]:
    data = load_gate_data(ready.case)
    return evaluate_return_gate(
        ready.case, today=clock.today(), policy=current_policy(), data=data
    ).unmet_ids


@pytest.mark.parametrize("prepared", [True, False])
def test_a_supervisor_who_prepared_the_return_does_not_approve_its_last_resort(factory, prepared):
    ready = ready_case(factory)
    consent = record_non_voluntary(ready, guardian_consents=False)
    log_a_message(ready.approver if prepared else ready.supervisor, ready.case)
    if prepared:
        with pytest.raises(FourEyesViolation, match="preparation"):
            ops.approve_last_resort(ready.approver, consent, expected_version=ready.case.version)
        db.session.rollback()
        assert consent.last_resort_approved_by_id is None
        assert unmet(ready) == ["S15"]
        # Another supervisor of the agency, who prepared none of it, may.
        ops.approve_last_resort(ready.supervisor, consent, expected_version=ready.case.version)
    else:
        ops.approve_last_resort(ready.approver, consent, expected_version=ready.case.version)
    db.session.commit()
    assert consent.last_resort_approved_by_id is not None
    assert unmet(ready) == []


def test_the_cases_caseworker_does_not_approve_its_last_resort(factory):
    """A supervisor who holds the case as its caseworker is not the second pair of eyes."""
    ready = ready_case(factory)
    consent = record_non_voluntary(ready, guardian_consents=False)
    reassign_case(
        ready.supervisor,
        ready.case,
        caseworker=ready.approver,
        reason="Covering for a colleague on leave.",
        expected_version=ready.case.version,
    )
    db.session.commit()
    with pytest.raises(FourEyesViolation, match="caseworker"):
        ops.approve_last_resort(ready.approver, consent, expected_version=ready.case.version)
    db.session.rollback()
    ops.approve_last_resort(ready.supervisor, consent, expected_version=ready.case.version)
    db.session.commit()
    assert consent.last_resort_approved_by_id == ready.supervisor.id


@pytest.mark.parametrize("prepared", [True, False])
def test_a_last_resort_approved_by_a_preparer_leaves_s15_unmet(factory, prepared):
    """The approver of the last resort whom the trail names as a preparer (who prepared the
    return afterwards, or before this rule): S15 reads the same rule as the approval."""
    ready = ready_case(factory)
    consent = record_non_voluntary(ready, guardian_consents=False)
    ops.approve_last_resort(ready.approver, consent, expected_version=ready.case.version)
    db.session.commit()
    assert unmet(ready) == []
    writer = ready.approver if prepared else ready.supervisor
    record(writer, AuditAction.TRAVEL_SAVE, case=ready.case, diff={"route": ["A", "B"]})
    db.session.flush()
    assert unmet(ready) == (["S15"] if prepared else [])
    db.session.rollback()


@pytest.mark.parametrize("prepared", [True, False])
def test_the_queues_leave_out_a_last_resort_the_viewer_prepared(factory, client, login, prepared):
    ready = ready_case(factory)
    consent = record_non_voluntary(ready, guardian_consents=False)
    preparer = ready.approver if prepared else ready.supervisor
    log_a_message(preparer, ready.case)
    for supervisor in (ready.approver, ready.supervisor):
        listed = supervisor is not preparer
        rows = last_resorts_awaiting(supervisor)[0]
        assert ([row[0].id for row in rows] == [consent.id]) is listed
        waiting = [w.case_id for w in approvals_waiting(supervisor, clock.today())]
        assert (ready.case.id in waiting) is listed
    login(ready.approver)
    html = client.get("/queue").get_data(as_text=True)
    assert (f"/cases/{ready.case.id}/return/consent" in html) is not prepared


@pytest.mark.parametrize("prepared", [True, False])
def test_the_consent_page_says_why_the_viewer_may_not_approve(factory, client, login, prepared):
    ready = ready_case(factory)
    record_non_voluntary(ready, guardian_consents=False)
    log_a_message(ready.approver if prepared else ready.supervisor, ready.case)
    login(ready.approver)
    html = client.get(f"/cases/{ready.case.id}/return/consent").get_data(as_text=True)
    assert ("Approve the last resort (second supervisor)" in html) is not prepared
    assert ("You recorded part of this return" in html) is prepared
    login(ready.caseworker)  # the recorder, not a supervisor: neither the button nor a reason
    html = client.get(f"/cases/{ready.case.id}/return/consent").get_data(as_text=True)
    assert "Approve the last resort" not in html
    assert 'id="last-resort-blocker"' not in html


def test_the_queue_reads_the_preparers_by_the_case_index(factory):
    """The last-resort queue's four eyes reads each candidate case's own entries, never every
    entry of the preparation's actions nor every entry of the supervisor (SQLite chooses its
    index without statistics)."""
    ready = ready_case(factory)
    record_non_voluntary(ready, guardian_consents=False)
    with sqlite_plans("audit_entry") as plans:
        last_resorts_awaiting(ready.approver)
    plan = " ".join(plans)
    assert "ix_audit_entry_case_id_occurred_at" in plan
    assert "ix_audit_entry_action" not in plan
    assert "ix_audit_entry_actor_id" not in plan
    # The documents and determinations by their case too, not by the user's indexes (which
    # PostgreSQL, with statistics, reads once for the supervisor's few).
    assert "ix_document_case_id" in plan and "ix_document_uploaded_by_id" not in plan
    assert "ix_best_interests_determination_case_id" in plan
    assert "ix_best_interests_determination_author_id" not in plan


def test_the_home_page_lists_the_last_resorts_longest_waiting_first(factory):
    """A last resort waits from when its consent was last recorded (``Consent.recorded_at``):
    recorded again, it waits anew, behind the others."""
    first = ready_case(factory)
    second = ready_case(factory, agency=first.agency)
    for ready in (first, second):
        record_non_voluntary(ready, guardian_consents=False)

    def order() -> list[int]:
        return [w.case_id for w in approvals_waiting(first.approver, clock.today())]

    assert order() == [first.case.id, second.case.id]
    record_non_voluntary(
        first,
        guardian_consents=False,
        justification="Justification revised after the family's new statement.",
    )
    assert order() == [second.case.id, first.case.id]


def test_the_home_page_reads_the_last_resorts_in_order_from_their_index(factory):
    """The longest waiting first, read in order from ``ix_consent_last_resort_since`` and
    stopped at the page: not every last resort of the agency timed from the audit trail and
    sorted (3,200 at 100,000 cases: 106 ms a page; by the action's index 200 s)."""
    ready = ready_case(factory)
    record_non_voluntary(ready, guardian_consents=False)
    with sqlite_plans("consent") as plans:
        approvals_waiting(ready.approver, clock.today())
    plan = " ".join(plans)
    assert "ix_consent_last_resort_since" in plan
    assert "ix_audit_entry_action" not in plan
    last_resorts = plan.split("ix_consent_last_resort_since")[1].split("SCAN")[0]
    assert "TEMP B-TREE" not in last_resorts
