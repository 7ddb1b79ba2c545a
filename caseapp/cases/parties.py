"""What a participant may do for themselves on a case (issue 10, item 2; DESIGN.md section 1).

Participants act through the same operations as the caseworker's pages: each such operation
asks ``case.party_may(actor, act)`` beside ``case.can_edit(actor)``
(``caseapp.cases.versioning.check_may_act``), so no rule is written twice. This module names
the acts and which participant part each belongs to; whether ``user`` holds that part on
``case`` (the assignment in force) is the access model's answer.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from caseapp.core.permissions import Access, RecordType, Role, participant_may
from caseapp.crossborder.models import WithdrawalKind
from caseapp.decision.models import ComplainantKind

if TYPE_CHECKING:
    from caseapp.auth.models import User
    from caseapp.cases.models import Case


class PartyAct(StrEnum):
    """An act a participant does for themselves (DESIGN.md section 1, the participants' table)."""

    # Central Authority officer: approve or refuse the return request (S11; 002, Moldova).
    CENTRAL_DECISION = "central_decision"
    # Independent monitor: accept the plan, report visits, escalate concerns (S17; 002, Rec 2).
    MONITORING_ACCEPT = "monitoring_accept"
    VISIT_REPORT = "visit_report"
    VISIT_ESCALATE = "visit_escalate"
    # Guardian: declare independence, consent or object, appeal or complain (002, Rec 1, Rec 3).
    GUARDIAN_DECLARE = "guardian_declare"
    GUARDIAN_CONSENT = "guardian_consent"
    GUARDIAN_WITHDRAW_CONSENT = "guardian_withdraw_consent"
    OBJECTION = "objection"
    COMPLAINT_AS_GUARDIAN = "complaint_as_guardian"
    # Guardian or lawyer: appeal the decision (002, Rec 1: the right to appeal).
    APPEAL = "appeal"
    # Lawyer (free legal assistance): their own complaint (002, Rec 3; Day 2 Q&A).
    COMPLAINT_AS_REPRESENTATIVE = "complaint_as_representative"


# A complaint is lodged by a participant only in their own name.
COMPLAINANT_ACTS: dict[ComplainantKind, PartyAct] = {
    ComplainantKind.GUARDIAN: PartyAct.COMPLAINT_AS_GUARDIAN,
    ComplainantKind.REPRESENTATIVE: PartyAct.COMPLAINT_AS_REPRESENTATIVE,
}
# The withdrawals a participant records for themselves: the guardian's own consent, an
# objection to the return.
WITHDRAWAL_ACTS: dict[WithdrawalKind, PartyAct] = {
    WithdrawalKind.GUARDIAN_CONSENT: PartyAct.GUARDIAN_WITHDRAW_CONSENT,
    WithdrawalKind.OBJECTION: PartyAct.OBJECTION,
}


_R = RecordType
# Each act: the kind of record it acts on (the matrix must give the role "act" on it:
# ``caseapp.core.permissions.PARTICIPANT_MATRIX``) and the roles whose part it is.
ACTS: dict[PartyAct, tuple[RecordType, frozenset[Role]]] = {
    PartyAct.CENTRAL_DECISION: (_R.CENTRAL_AUTHORITY, frozenset({Role.CENTRAL_AUTHORITY_OFFICER})),
    PartyAct.MONITORING_ACCEPT: (_R.MONITORING, frozenset({Role.MONITOR})),
    PartyAct.VISIT_REPORT: (_R.MONITORING, frozenset({Role.MONITOR})),
    PartyAct.VISIT_ESCALATE: (_R.MONITORING, frozenset({Role.MONITOR})),
    PartyAct.GUARDIAN_DECLARE: (_R.GUARDIAN, frozenset({Role.GUARDIAN})),
    PartyAct.GUARDIAN_CONSENT: (_R.CONSENT, frozenset({Role.GUARDIAN})),
    PartyAct.GUARDIAN_WITHDRAW_CONSENT: (_R.CONSENT, frozenset({Role.GUARDIAN})),
    PartyAct.OBJECTION: (_R.CONSENT, frozenset({Role.GUARDIAN})),
    PartyAct.COMPLAINT_AS_GUARDIAN: (_R.DECISION, frozenset({Role.GUARDIAN})),
    PartyAct.APPEAL: (_R.DECISION, frozenset({Role.GUARDIAN, Role.LEGAL_REPRESENTATIVE})),
    PartyAct.COMPLAINT_AS_REPRESENTATIVE: (_R.DECISION, frozenset({Role.LEGAL_REPRESENTATIVE})),
}


def party_may(case: Case, user: User, act: PartyAct | None) -> bool:
    """Whether ``user`` is the participant whose part ``act`` is, on ``case``, now: a
    participant of one of the act's roles, assigned to the case (the assignment in force),
    whose role the matrix lets act on the act's kind of record (``Case.can_act``). Staff:
    False (their rule is ``Case.can_edit``)."""
    if act is None or not user_is_participant(user):
        return False
    record, roles = ACTS[act]
    return user.role in roles and case.can_act(user, record)


def acts_of(case: Case, user: User) -> frozenset[PartyAct]:
    """Every act ``user`` may do for themselves on ``case`` now (``party_may`` of each, with
    the assignment read once: the links on the participant's case page)."""
    if not user_is_participant(user) or not case.can_view(user):
        return frozenset()
    return frozenset(
        act
        for act, (record, roles) in ACTS.items()
        if user.role in roles and participant_may(user.role, record, Access.ACT) and case.is_open
    )


def answer_open_requests(actor: User, case: Case, kind, *, agreed: bool, reference=None) -> None:
    """The participant's act answers the open requests of ``kind`` sent to them on ``case``
    (issue 10 item 3: "the answer is recorded on the case"), through the requests' own
    operation: the Central Authority's decision answers the request to approve, the
    monitor's acceptance the request to confirm, a visit report the request to report."""
    from sqlalchemy import select

    from caseapp.core.extensions import db
    from caseapp.participants.models import Assignment, ParticipantRequest, RequestAnswer
    from caseapp.participants.operations import record_answer

    if not user_is_participant(actor):
        return
    rows = db.session.scalars(
        select(ParticipantRequest)
        .join(Assignment, Assignment.id == ParticipantRequest.assignment_id)
        .where(
            ParticipantRequest.case_id == case.id,
            ParticipantRequest.kind == kind,
            ParticipantRequest.answered_at.is_(None),
            Assignment.user_id == actor.id,
        )
        .order_by(ParticipantRequest.id)
    ).all()
    for row in rows:
        record_answer(
            actor,
            row,
            answer=RequestAnswer.AGREED if agreed else RequestAnswer.DECLINED,
            note=None,
            reference=reference,
            expected_version=case.version,
        )


def user_is_participant(user: User) -> bool:
    return bool(getattr(user, "is_participant", False))
