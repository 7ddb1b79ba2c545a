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


def party_may(case: Case, user: User, act: PartyAct | None) -> bool:
    """Whether ``user`` is the participant whose part ``act`` is, on ``case``, now."""
    return False
