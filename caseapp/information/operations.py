"""Record the child-friendly information given at a step (002, Rec 1; Rec 2). One audit
entry (``information:record``); the case version is checked and bumped."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from caseapp.audit.actions import AuditAction
from caseapp.audit.recorder import diff_of, record
from caseapp.cases import versioning
from caseapp.cases.models import Case
from caseapp.cases.records import require_filled
from caseapp.core.errors import InvalidTransition, ValidationFailed
from caseapp.core.extensions import db
from caseapp.core.validators import date_problem
from caseapp.information.models import InformationGiven, Means, Step

if TYPE_CHECKING:
    from caseapp.auth.models import User


def record_information(
    actor: User,
    case: Case,
    *,
    step: Step | str,
    given_on: date,
    what: str | None,
    language: str | None,
    means: Means | str,
    given_by: str | None,
    interpreter: bool = False,
    understood: bool = False,
    expected_version: int | None,
) -> InformationGiven:
    """What the child was told at ``step``, in which language, how and by whom."""
    versioning.check_editable(actor, case, expected_version)
    if not case.is_open:
        raise InvalidTransition(_("The case is closed."))
    what, language, given_by = (
        (what or "").strip(),
        (language or "").strip(),
        (given_by or "").strip(),
    )
    if not (what and language and given_by):
        raise ValidationFailed(_("Say what was explained, in which language and by whom."))
    require_filled(given_on=given_on)
    problem = date_problem(given_on)
    if problem:
        raise ValidationFailed(problem)
    item = InformationGiven(
        case=case,
        step=Step(step),
        given_on=given_on,
        what=what,
        language=language,
        means=Means(means),
        interpreter=bool(interpreter),
        understood=bool(understood),
        given_by=given_by,
        recorded_by_id=actor.id,
    )
    db.session.add(item)
    diff = diff_of(item)
    versioning.touch_case(case)
    record(actor, AuditAction.INFORMATION_RECORD, item, case=case, diff=diff)
    return item
