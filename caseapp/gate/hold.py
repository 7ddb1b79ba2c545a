"""The gate holds until the handover (issue 9, principle 6; DESIGN.md section 3 and 4.1 item 6).

An approval is not a permanent pass: whatever is recorded after it, the return may only go
ahead while every safeguard S1-S19 is still met (002, Rec 1: non-refoulement and the right
to appeal; Day 1 plenary: crisis provisions; fn 12 (v): voluntary return). Three ways in:

1. **Every write transaction.** The audit trail already names the case of every change
   (every change is written with its audit entry). A ``before_flush`` listener notes the
   cases (and suspended countries, policy and agency-register changes) named by the audit
   entries of the transaction; a ``before_commit`` listener re-evaluates the gate *today* for
   every noted case still in ``return_approved`` and, where anything is unmet, withdraws the
   approval in the same transaction: the approval is marked withdrawn with the unmet
   safeguards (never deleted), the case goes back to ``return_preparation``, both audited
   (``return:approval:withdraw``, ``case:stage:change``) under the user whose record caused
   it. A suspension (added or lifted) re-checks every approved case whose destination or
   transit route includes that country. The hook never commits: it runs inside the commit
   the request layer (or CLI command) makes, so the withdrawal is part of that transaction.
2. **At the handover.** ``check_execution`` evaluates the gate on the day of the return;
   ``monitoring.operations.record_return_execution`` refuses (``GateNotSatisfied``) while
   anything is unmet, and the refusal is audited by ``gate.operations.GateRefusal.write`` (in the
   request layer's or the CLI's transaction), which re-checks the approval too.
3. **Time.** The 18th birthday, validity windows and the appeal clock change the verdict with
   no record at all: ``flask gate recheck`` (meant to run daily, just after midnight in the
   instance's zone: verdicts change only with the day) re-evaluates every approved case.

The verdict is always ``evaluate_return_gate`` on ``load_gate_data``: whatever the evidence
side of the gate learns to read, the hold applies it too. The flush guard in
``gate/guard.py`` (nothing enters ``return_approved`` without an approval) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from caseapp.core import clock
from caseapp.core.errors import GateNotSatisfied

if TYPE_CHECKING:
    from caseapp.auth.models import User
    from caseapp.cases.models import Case
    from caseapp.gate.evaluation import GateResult
    from caseapp.gate.models import ReturnApproval

NOTES = "gate_hold_notes"
RUNNING = "gate_hold_running"
# Audit entries that change nothing: reading, downloading, refusals.
READ_ONLY_SUFFIXES = (":view", ":download", ":refuse")
# Changes outside any one case that can change a gate verdict: re-check every approved case.
# A partner's activity and country decide whether its documents count (gate/safeguards/
# received.py).
GLOBAL_OBJECTS = frozenset({"PolicySettings", "Agency", "Partner"})


@dataclass
class Notes:
    """What the audit entries of the current transaction touched."""

    # case id -> id of the last user who recorded on it (None: a system action)
    cases: dict[int, int | None] = field(default_factory=dict)
    # suspension id -> id of the user who added or lifted it
    suspensions: dict[int, int | None] = field(default_factory=dict)
    everything: bool = False
    last_actor_id: int | None = None

    def __bool__(self) -> bool:
        return bool(self.cases or self.suspensions or self.everything)


def _note_audit_entries(session: Session, flush_context=None, instances=None) -> None:
    """``before_flush``: note what the new audit entries of this flush name."""
    if session.info.get(RUNNING):
        return
    from caseapp.audit.models import AuditEntry

    notes: Notes | None = None
    for obj in session.new:
        if not isinstance(obj, AuditEntry) or obj.action.endswith(READ_ONLY_SUFFIXES):
            continue
        if notes is None:
            notes = session.info.setdefault(NOTES, Notes())
        if obj.actor_id is not None:
            notes.last_actor_id = obj.actor_id
        if obj.case_id is not None:
            notes.cases[obj.case_id] = obj.actor_id
        elif obj.object_type == "ReturnSuspension" and obj.object_id is not None:
            notes.suspensions[obj.object_id] = obj.actor_id
        elif obj.object_type in GLOBAL_OBJECTS:
            notes.everything = True


def _hold_before_commit(session: Session) -> None:
    """``before_commit``: withdraw every approval the transaction's records left unmet."""
    if session.info.get(RUNNING):
        return
    if session.new or session.deleted or session.dirty:
        session.flush()  # the last changes' audit entries pass through the listener
    notes = session.info.pop(NOTES, None)
    if not notes:
        return
    session.info[RUNNING] = True
    try:
        hold_after(notes)
        session.flush()
    finally:
        session.info.pop(RUNNING, None)
        session.info.pop(NOTES, None)


def _forget(session: Session, *args) -> None:
    """After a commit or a rollback the notes of that transaction are void."""
    session.info.pop(NOTES, None)


def register() -> None:
    """Install the listeners on every session (idempotent)."""
    for name, fn in (
        ("before_flush", _note_audit_entries),
        ("before_commit", _hold_before_commit),
        ("after_commit", _forget),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


# -- the re-evaluation -------------------------------------------------------------------------


def _user(user_id: int | None) -> User | None:
    from caseapp.auth.models import User
    from caseapp.core.extensions import db

    return db.session.get(User, user_id) if user_id is not None else None


def approved_cases() -> list[Case]:
    """Every case in ``return_approved``, oldest number first."""
    from caseapp.cases.models import Case, Stage
    from caseapp.core.extensions import db

    return list(
        db.session.scalars(
            select(Case).where(Case.stage == Stage.RETURN_APPROVED).order_by(Case.number)
        )
    )


def route_countries(case: Case) -> set[str]:
    """The destination and the transit countries of the return route (DESIGN.md section 4,
    S18: a suspension of either stops the return)."""
    from caseapp.gate.data import load_route

    destination, transit = load_route(case)
    return {c for c in (destination, *transit) if c}


def cases_on_route(countries: set[str]) -> list[Case]:
    """Approved cases whose destination or transit route includes one of ``countries``."""
    return [c for c in approved_cases() if route_countries(c) & countries]


def hold_after(notes: Notes, *, today: date | None = None) -> list[ReturnApproval]:
    """Re-check every approved case ``notes`` names; withdraw where the gate is unmet."""
    from caseapp.cases.models import Case, Stage
    from caseapp.core.extensions import db
    from caseapp.gate.models import ReturnSuspension

    todo: dict[int, tuple[Case, int | None]] = {}
    for case_id, actor_id in notes.cases.items():
        case = db.session.get(Case, case_id)
        if case is not None and case.stage is Stage.RETURN_APPROVED:
            todo[case_id] = (case, actor_id)
    # S19 reads the siblings' determinations: a record on one child's case re-checks the
    # approved cases of the same family (caseapp/gate/safeguards/family.py).
    family_ids = {
        c.family_id
        for c in (db.session.get(Case, cid) for cid in notes.cases)
        if c is not None and c.family_id is not None
    }
    if family_ids:
        for sibling in db.session.scalars(
            select(Case).where(Case.family_id.in_(family_ids), Case.stage == Stage.RETURN_APPROVED)
        ):
            todo.setdefault(sibling.id, (sibling, notes.last_actor_id))
    if notes.everything:
        for case in approved_cases():
            todo.setdefault(case.id, (case, notes.last_actor_id))
    elif notes.suspensions:
        for suspension_id, actor_id in notes.suspensions.items():
            suspension = db.session.get(ReturnSuspension, suspension_id)
            if suspension is None:
                continue
            for case in cases_on_route({suspension.country}):
                todo.setdefault(case.id, (case, actor_id))
    withdrawn = []
    for case, actor_id in todo.values():
        approval = recheck_case(_user(actor_id), case, today=today)
        if approval is not None:
            withdrawn.append(approval)
    return withdrawn


def recheck_case(actor: User | None, case: Case, *, today: date | None = None):
    """Evaluate the gate for an approved ``case`` on ``today``; if anything is unmet,
    withdraw the approval (``withdraw_unmet``). Returns the withdrawn approval, else None."""
    from caseapp.cases.models import Stage
    from caseapp.gate.evaluation import evaluate_return_gate
    from caseapp.gate.policy import current_policy

    if case.stage is not Stage.RETURN_APPROVED:
        return None
    result = evaluate_return_gate(case, today=today or clock.today(), policy=current_policy())
    if result.all_met:
        return None
    return withdraw_unmet(actor, case, result)


def withdraw_unmet(actor: User | None, case: Case, result: GateResult):
    """Withdraw the approval of ``case`` because ``result`` has unmet safeguards: the approval
    keeps its record with the unmet ids, the case goes back to return preparation, both
    audited. Only flushes. Returns the withdrawn approval (None if none was in force)."""
    from caseapp.audit.actions import AuditAction
    from caseapp.audit.recorder import diff_of, record
    from caseapp.cases import workflow
    from caseapp.cases.models import Stage
    from caseapp.core.db import utcnow
    from caseapp.core.extensions import db
    from caseapp.gate.models import ReturnApproval

    unmet = result.unmet_ids
    reason = _("Safeguards no longer met: %(ids)s.", ids=", ".join(unmet))
    approval = db.session.scalar(
        select(ReturnApproval).where(
            ReturnApproval.case_id == case.id, ReturnApproval.withdrawn_at.is_(None)
        )
    )
    if approval is not None:
        approval.withdrawn_at = utcnow()
        approval.withdrawn_reason = reason
        approval.withdrawn_unmet = unmet
        diff: dict[str, Any] = diff_of(approval)
        diff["gate"] = result.to_dict()
        record(
            actor,
            AuditAction.RETURN_APPROVAL_WITHDRAW,
            approval,
            case=case,
            diff=diff,
            reason=reason,
        )
        from caseapp.dashboard.models import NotificationKind
        from caseapp.dashboard.operations import notify_parties

        # The parties are told (issue 10 item 2); the caseworker sees it on the case.
        notify_parties(actor, case, NotificationKind.RETURN_APPROVAL_WITHDRAWN)
    # The hold acts on the case as it is in this transaction (its own version).
    workflow.move(
        actor, case, Stage.RETURN_PREPARATION, expected_version=case.version, reason=reason
    )
    return approval


def recheck_all(actor: User | None = None, *, today: date | None = None) -> list:
    """Re-evaluate every approved case (``flask gate recheck``): ``[(case, unmet ids)]`` of
    those whose approval was withdrawn. Only flushes; the command commits."""
    out = []
    for case in approved_cases():
        approval = recheck_case(actor, case, today=today)
        if approval is not None:
            out.append((case, approval.withdrawn_unmet or []))
    return out


def check_execution(case: Case, *, on: date) -> GateResult:
    """The gate on the day of the handover: refuse (``GateNotSatisfied`` with the result in
    ``details``) while anything is unmet; the request layer audits the refusal."""
    from caseapp.gate.evaluation import evaluate_return_gate
    from caseapp.gate.policy import current_policy

    result = evaluate_return_gate(case, today=on, policy=current_policy())
    if not result.all_met:
        raise GateNotSatisfied(
            _(
                "The return cannot be recorded as carried out: on %(day)s these safeguards "
                "were not met: %(ids)s.",
                day=on.isoformat(),
                ids=", ".join(result.unmet_ids),
            ),
            details=result,
        )
    return result
