"""A last line of defence: no flush may move a case to ``return_approved`` without a return
approval in force added in the same flush (DESIGN.md section 4: "no form, URL, API call or
script can bypass it").

``gate.operations.approve_return`` adds the ``ReturnApproval`` and moves the stage together;
anything else that sets ``Case.stage`` to ``return_approved`` (a script, a stray form) is
refused here, before a row is written. Registered on import of ``caseapp.gate.models``.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from caseapp.core.errors import GateNotSatisfied


def _moves_to_approved(case) -> bool:
    from caseapp.cases.models import Stage

    state = inspect(case)
    if state.pending or state.transient:
        return case.stage is Stage.RETURN_APPROVED
    hist = state.attrs.stage.history
    return (
        bool(hist.added)
        and hist.added[0] is Stage.RETURN_APPROVED
        and (not hist.deleted or hist.deleted[0] is not Stage.RETURN_APPROVED)
    )


def check_flush(session: Session, flush_context=None, instances=None) -> None:
    """Refuse a flush that approves a return without a new approval in force."""
    from caseapp.cases.models import Case
    from caseapp.gate.models import ReturnApproval

    moving = [
        obj
        for obj in list(session.new) + list(session.dirty)
        if isinstance(obj, Case) and _moves_to_approved(obj)
    ]
    if not moving:
        return
    approvals = [
        obj for obj in session.new if isinstance(obj, ReturnApproval) and obj.withdrawn_at is None
    ]
    for case in moving:
        if not any(
            a.case is case or (a.case_id is not None and a.case_id == case.id) for a in approvals
        ):
            raise GateNotSatisfied(
                _(
                    "A return can only be approved through the return gate "
                    "(every safeguard met, approved by a supervisor)."
                )
            )


def register() -> None:
    """Install the guard on every session (idempotent)."""
    if not event.contains(Session, "before_flush", check_flush):
        event.listen(Session, "before_flush", check_flush)
