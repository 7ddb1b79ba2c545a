"""Checks shared by the assessment, determination and decision operations.

Every change to a case names the version the user loaded (hidden ``version`` field). A change
bumps ``case.version`` (SQLAlchemy's ``version_id_col`` adds ``WHERE version = ...`` to the
UPDATE), so of two people editing the same case only the first succeeds; the second gets
``StaleVersion`` and nothing is stored (DESIGN.md section 3, item 8).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from caseapp.cases import workflow
from caseapp.cases.models import Case, Stage
from caseapp.cases.versioning import (  # noqa: F401  (re-exported for the lifecycle packages)
    bump_version,
    check_editable,
    check_may_act,
    check_record_editable,
    check_version,
    flush,
    require_edit,
    stale_message,
    touch_case,
)
from caseapp.cases.workflow import (  # noqa: F401  (re-exported for the lifecycle packages)
    move,  # lost races become StaleVersion there
    require_stage,
)
from caseapp.core.errors import InvalidTransition


def require_transition(case: Case, target: Stage, *, sources: Iterable[Stage]) -> None:
    """Refuse early (before checking preconditions) unless the case is at one of this
    transition's ``sources`` and the lifecycle table allows the move. The source matters:
    determination -> assessment is in the table, but it is not ``start_assessment``."""
    if case.stage not in frozenset(sources) or not workflow.allowed(case.stage, target):
        raise InvalidTransition(
            _(
                "A case at stage “%(current)s” cannot move to “%(target)s”.",
                current=case.stage.label,
                target=target.label,
            )
        )


# Stages in which the assessment records may still be kept up to date: the child's guardian,
# placement, services and hearings matter until the case is closed.
RECORD_STAGES = frozenset(Stage) - {Stage.IDENTIFIED, Stage.CLOSED}
