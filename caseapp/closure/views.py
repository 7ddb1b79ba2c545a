"""Close and reopen pages: /cases/<case_id>/close and /cases/<case_id>/reopen."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Case
from caseapp.closure import forms
from caseapp.closure.operations import ClosureReason, close_case, reopen_case
from caseapp.core.errors import DomainError
from caseapp.core.extensions import db
from caseapp.core.permissions import Permission, load_or_404, require

bp = Blueprint("closure", __name__, url_prefix="/cases/<int:case_id>")


def _version(form) -> int:
    if not (form.version.data or "").isdigit():
        abort(400)
    return int(form.version.data)


@bp.route("/close", methods=["GET", "POST"])
@login_required
def close(case_id: int):
    """Close the case with a reason, or reopen a closed one."""
    case = load_or_404(Case, case_id, current_user)
    require(current_user.can(Permission.CASE_EDIT))
    form = forms.CloseForm(version=case.version)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            close_case(
                current_user,
                case,
                reason=ClosureReason(form.reason.data),
                note=form.note.data,
                expected_version=_version(form),
            )
        except DomainError as err:
            db.session.rollback()
            error, status = err.message, err.status_code
        else:
            db.session.commit()
            flash(_("The case is closed."), "success")
            return redirect(url_for("closure.close", case_id=case_id))
    elif form.is_submitted():
        status = 400
    html = render_template(
        "closure/close.html",
        case=case,
        form=form,
        error=error,
        reopen=forms.ReopenForm(version=case.version),
    )
    return html, status


@bp.post("/reopen")
@login_required
def reopen(case_id: int):
    """Reopen a closed case at the registered stage."""
    case = load_or_404(Case, case_id, current_user)
    require(current_user.can(Permission.CASE_EDIT))
    form = forms.ReopenForm()
    if form.validate_on_submit():
        try:
            reopen_case(
                current_user, case, reason=form.reason.data, expected_version=_version(form)
            )
        except DomainError as err:
            db.session.rollback()
            flash(err.message, "error")
        else:
            db.session.commit()
            flash(_("The case is reopened."), "success")
    else:
        flash(_("Explain why the case is reopened."), "error")
    return redirect(url_for("closure.close", case_id=case_id))
