"""The case lifecycle as data: which stage may follow which (DESIGN.md section 3).

Each transition has one operation in the owning domain's ``operations.py`` (e.g.
``determination.operations.approve_bid`` moves determination -> decided). Those operations
check their own preconditions, then call ``move`` here, which checks the table and the
optimistic lock and writes the ``case:stage:change`` audit entry. Nothing else sets
``Case.stage``.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import record
from caseapp.cases import versioning
from caseapp.cases.models import Case, Outcome, Stage
from caseapp.core.db import utcnow
from caseapp.core.errors import InvalidTransition

OPEN_STAGES = frozenset(Stage) - {Stage.CLOSED}

# stage -> stages it may move to (besides closing, allowed from any open stage).
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.IDENTIFIED: frozenset({Stage.REGISTERED}),
    Stage.REGISTERED: frozenset({Stage.ASSESSMENT}),
    Stage.ASSESSMENT: frozenset({Stage.DETERMINATION}),
    Stage.DETERMINATION: frozenset({Stage.DECIDED, Stage.ASSESSMENT}),
    # A reopened determination (appeal upheld, new fact, objection) goes back to determination.
    Stage.DECIDED: frozenset({Stage.RETURN_PREPARATION, Stage.IMPLEMENTATION, Stage.DETERMINATION}),
    Stage.RETURN_PREPARATION: frozenset({Stage.RETURN_APPROVED, Stage.DETERMINATION}),
    # return_approved is entered only through the return gate (gate.operations.approve_return),
    # and left back to return_preparation when a safeguard is no longer met (gate/hold.py).
    Stage.RETURN_APPROVED: frozenset(
        {Stage.RETURNED, Stage.DETERMINATION, Stage.RETURN_PREPARATION}
    ),
    Stage.RETURNED: frozenset({Stage.MONITORING}),
    Stage.MONITORING: frozenset(),
    Stage.IMPLEMENTATION: frozenset(),
    Stage.CLOSED: frozenset({Stage.REGISTERED}),  # reopening
}

# The stages that follow a decision for each outcome.
AFTER_DECISION: dict[Outcome, Stage] = {
    Outcome.RETURN: Stage.RETURN_PREPARATION,
    Outcome.LOCAL_INTEGRATION: Stage.IMPLEMENTATION,
    Outcome.TOLERATED_STAY: Stage.IMPLEMENTATION,
    Outcome.THIRD_COUNTRY: Stage.IMPLEMENTATION,
}


def allowed(current: Stage, target: Stage) -> bool:
    """Whether the lifecycle allows ``current`` -> ``target``."""
    if target is Stage.CLOSED:
        return current in OPEN_STAGES
    return target in TRANSITIONS[current]


def require_stage(case: Case, stages: Iterable[Stage], message: str | None = None) -> None:
    """Refuse a record change outside the stages where it belongs (``message``: what the
    area tells the user instead of the stage it is at)."""
    if case.stage not in frozenset(stages):
        raise InvalidTransition(
            message
            or _(
                "This cannot be recorded while the case is at stage “%(stage)s”.",
                stage=case.stage.label,
            )
        )


def move(
    actor,
    case: Case,
    target: Stage,
    *,
    expected_version: int | None,
    reason: str | None = None,
    action: AuditAction = AuditAction.CASE_STAGE_CHANGE,
    extra_diff: dict | None = None,
) -> None:
    """Move ``case`` to ``target`` after checking the table and the version; audit it.

    Callers are the per-transition operations, which have already checked the domain
    preconditions. The version bump on flush makes a concurrent second move fail
    (SQLAlchemy's version_id_col), so only one of two racing requests can win.
    """
    versioning.check_version(case, expected_version)
    if not allowed(case.stage, target):
        raise InvalidTransition(
            _(
                "A case at stage “%(current)s” cannot move to “%(target)s”.",
                current=case.stage.label,
                target=target.label,
            )
        )
    old = case.stage
    case.stage = target
    if target is Stage.CLOSED:
        case.closed_at = utcnow()
        case.closure_reason = reason
    elif old is Stage.CLOSED:
        case.closed_at = None
        case.closure_reason = None
    # Flush here so a lost optimistic-lock race surfaces as StaleVersion for every caller.
    versioning.flush()
    diff = {"stage": [old.value, target.value], **(extra_diff or {})}
    record(actor, action, case, diff=diff, reason=reason)
