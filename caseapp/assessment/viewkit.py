"""Request-layer helpers shared by the assessment, determination and decision pages.

Views load the case with ``load_or_404`` (404 outside the user's scope), require
``case.can_edit`` for any POST (403 for ombudspersons), run one operation, and commit only
when it succeeded; a refusal is shown next to the form and nothing is committed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseapp.assessment.forms import OUTCOME_LABELS
from caseapp.cases.models import Case, Stage
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import load_or_404, require

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
    """The case, or 404 outside the user's scope; 403 when ``edit`` and read-only."""
    case = load_or_404(Case, case_id, current_user)
    if edit:
        require(case.can_edit(current_user))
    return case


def load_child(model, record_id: int, case: Case):
    """A record of ``case`` by id, or 404 (also when it belongs to another case)."""
    obj = db.session.get(model, record_id)
    if obj is None or obj.case_id != case.id:
        abort(404)
    return obj


def case_page_url(case: Case) -> str:
    """The case page when the intake branch provides it, else the case list."""
    if "cases.show" in current_app.view_functions:
        return url_for("cases.show", case_id=case.id)
    return url_for("cases.index")


def common(case: Case) -> dict:
    """What every lifecycle page needs: the case, its page, and stage/outcome labels."""
    return {
        "case": case,
        "case_url": case_page_url(case),
        "stage_labels": STAGE_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "can_edit": case.can_edit(current_user),
    }


def submit(
    form,
    name: str,
    action: Callable[[], object],
    success: str,
    *,
    render: Callable[..., str],
    next_url: str,
):
    """Validate ``form``, run ``action`` (one operation), commit and redirect; on invalid
    input or a refusal, render the page again with the message next to the form (nothing
    committed)."""
    if not form.validate_on_submit():
        db.session.rollback()
        return render(forms={name: form}), 400
    try:
        action()
    except DomainError as err:
        db.session.rollback()
        return render(forms={name: form}, errors={name: err.message}), err.status_code
    db.session.commit()
    flash(success, "success")
    return redirect(next_url)


def submit_row(form, action: Callable[[], object], success: str, *, next_url: str):
    """Like ``submit`` for the small per-row forms (end, remove, decide): the outcome is
    flashed at the top of the page."""
    if not form.validate_on_submit():
        db.session.rollback()
        messages = [f"{form[f].label.text}: {e}" for f, errs in form.errors.items() for e in errs]
        flash(_("Nothing was saved. %(errors)s", errors=" ".join(messages)), "error")
        return redirect(next_url)
    try:
        action()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
        return redirect(next_url)
    db.session.commit()
    flash(success, "success")
    return redirect(next_url)


def with_version(form, version: int):
    """Set the hidden version on a fresh (GET) form."""
    form.version.data = version
    return form
