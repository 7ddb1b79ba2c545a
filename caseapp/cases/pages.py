"""What every page about one case needs (the lifecycle pages share a header)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseapp.assessment.forms import OUTCOME_LABELS
from caseapp.cases.models import Case, Stage
from caseapp.core import web

STAGE_LABELS = {
    Stage.IDENTIFIED: _l("Identified"),
    Stage.REGISTERED: _l("Registered"),
    Stage.ASSESSMENT: _l("Assessment"),
    Stage.DETERMINATION: _l("Determination"),
    Stage.DECIDED: _l("Decided"),
    Stage.RETURN_PREPARATION: _l("Return preparation"),
    Stage.RETURN_APPROVED: _l("Return approved"),
    Stage.RETURNED: _l("Returned"),
    Stage.MONITORING: _l("Monitoring"),
    Stage.IMPLEMENTATION: _l("Implementation"),
    Stage.CLOSED: _l("Closed"),
}


def load_case(case_id: int, *, edit: bool = False) -> Case:
    """The case, or 404 outside the user's scope; 403 when ``edit`` and the user may not."""
    case = web.load(Case, case_id)
    if edit:
        web.require(case.can_edit(current_user))
    return case


def case_context(case: Case) -> dict[str, Any]:
    """The case, its page, the stage and outcome labels, and whether the user may edit."""
    return {
        "case": case,
        "case_url": url_for("cases.show", case_id=case.id),
        "stage_labels": STAGE_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "can_edit": case.can_edit(current_user),
    }
