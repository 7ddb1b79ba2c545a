"""Checks shared by the assessment, determination and decision operations.

Every change to a case names the version the user loaded (hidden ``version`` field). A change
bumps ``case.version`` (SQLAlchemy's ``version_id_col`` adds ``WHERE version = ...`` to the
UPDATE), so of two people editing the same case only the first succeeds; the second gets
``StaleVersion`` and nothing is stored (DESIGN.md section 3, item 8).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from caseapp.cases import workflow
from caseapp.cases.models import Case, Stage
from caseapp.core.db import utcnow
from caseapp.core.errors import InvalidTransition, PermissionDenied, StaleVersion
from caseapp.core.extensions import db


def stale_message() -> str:
    """The message shown when the record changed under the user."""
    return _(
        "Someone else changed this case while you were working on it. Nothing was saved: "
        "reload the page to see the current record, then make your change again."
    )


def require_edit(actor, case: Case) -> None:
    """Refuse unless ``actor`` may record on ``case`` (lead agency's caseworkers and
    supervisors; ombudspersons read only; admins never see child records)."""
    if not case.can_edit(actor):
        raise PermissionDenied(_("You may not change this case."))


def check_version(case: Case, expected_version: int | None) -> None:
    """Refuse a change made on an out-of-date view of the case."""
    if expected_version is None or int(expected_version) != case.version:
        raise StaleVersion(stale_message())


def check_editable(actor, case: Case, expected_version: int | None) -> None:
    """Permission first, then the version."""
    require_edit(actor, case)
    check_version(case, expected_version)


def require_stage(case: Case, stages: Iterable[Stage]) -> None:
    """Refuse a record change outside the stages where it belongs."""
    stages = frozenset(stages)
    if case.stage not in stages:
        raise InvalidTransition(
            _(
                "This cannot be recorded while the case is at stage “%(stage)s”.",
                stage=case.stage.value,
            )
        )


def require_transition(case: Case, target: Stage, *, sources: Iterable[Stage]) -> None:
    """Refuse early (before checking preconditions) unless the case is at one of this
    transition's ``sources`` and the lifecycle table allows the move. The source matters:
    determination -> assessment is in the table, but it is not ``start_assessment``."""
    if case.stage not in frozenset(sources) or not workflow.allowed(case.stage, target):
        raise InvalidTransition(
            _(
                "A case at stage “%(current)s” cannot move to “%(target)s”.",
                current=case.stage.value,
                target=target.value,
            )
        )


def flush() -> None:
    """Flush, turning a lost optimistic-lock race into ``StaleVersion``."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleVersion(stale_message()) from exc


def move(
    actor,
    case: Case,
    target: Stage,
    *,
    expected_version: int | None,
    reason: str | None = None,
    extra_diff: dict | None = None,
) -> None:
    """``workflow.move`` (the only way to change the stage; writes ``case:stage:change``),
    with a lost race turned into ``StaleVersion``."""
    try:
        workflow.move(
            actor,
            case,
            target,
            expected_version=expected_version,
            reason=reason,
            extra_diff=extra_diff,
        )
    except StaleDataError as exc:
        raise StaleVersion(stale_message()) from exc


def touch_case(case: Case) -> None:
    """Bump the case's version now, failing with ``StaleVersion`` if another writer won."""
    case.updated_at = utcnow()
    flush()


def bump_version(obj) -> None:
    """Bump the optimistic version of ``obj`` (e.g. a BID whose panel changed) and flush."""
    obj.version = obj.version + 1
    flush()


# Stages in which the assessment records may still be kept up to date: the child's guardian,
# placement, services and hearings matter until the case is closed.
RECORD_STAGES = frozenset(Stage) - {Stage.IDENTIFIED, Stage.CLOSED}
