"""Return execution and monitoring pages under /cases/<case_id>/monitoring."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Case, Stage
from caseapp.core.errors import DomainError, GateNotSatisfied
from caseapp.core.extensions import db
from caseapp.core.permissions import load_or_404, require
from caseapp.gate.operations import refuse_and_record
from caseapp.monitoring import forms
from caseapp.monitoring import operations as ops
from caseapp.monitoring.models import MonitoringVisit, ReturnExecution

bp = Blueprint("monitoring", __name__, url_prefix="/cases/<int:case_id>/monitoring")


def _version(form) -> int:
    if not (form.version.data or "").isdigit():
        abort(400)
    return int(form.version.data)


def _run(action, success: str) -> None:
    try:
        action()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        db.session.commit()
        flash(success, "success")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(case_id: int):
    """Return execution, the visit schedule and overdue visits (002, Rec 2)."""
    case = load_or_404(Case, case_id, current_user)
    if request.method == "POST":
        require(case.can_edit(current_user))  # read-only users: 403 before the form is read
    form = forms.ExecutionForm(version=case.version)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            ops.record_return_execution(
                current_user,
                case,
                travelled_on=form.travelled_on.data,
                received_on=form.received_on.data,
                received_by=form.received_by.data,
                notes=form.notes.data,
                expected_version=_version(form),
            )
        except GateNotSatisfied as err:
            # Audited as a refusal; an approval no longer met is withdrawn (gate/hold.py).
            refuse_and_record(current_user, case, err.details)
            error, status = err.message, err.status_code
        except DomainError as err:
            db.session.rollback()
            error, status = err.message, err.status_code
        else:
            db.session.commit()
            flash(_("The return is recorded and the monitoring visits are scheduled."), "success")
            return redirect(url_for("monitoring.index", case_id=case.id))
    elif form.is_submitted():
        status = 400
    execution = db.session.scalar(select(ReturnExecution).where(ReturnExecution.case_id == case.id))
    visits = db.session.scalars(
        select(MonitoringVisit)
        .where(MonitoringVisit.case_id == case.id)
        .order_by(MonitoringVisit.due_on)
    ).all()
    html = render_template(
        "monitoring/index.html",
        case=case,
        form=form,
        error=error,
        execution=execution,
        visits=visits,
        today=date.today(),
        start_form=forms.VersionForm(version=case.version),
        can_edit=case.can_edit(current_user),
        Stage=Stage,
    )
    return html, status


@bp.post("/start")
@login_required
def start(case_id: int):
    """returned -> monitoring."""
    case = load_or_404(Case, case_id, current_user)
    require(case.can_edit(current_user))
    form = forms.VersionForm()
    if form.validate_on_submit():
        _run(
            lambda: ops.start_monitoring(current_user, case, expected_version=_version(form)),
            _("Monitoring has started."),
        )
    return redirect(url_for("monitoring.index", case_id=case_id))


def _visit(case_id: int, visit_id: int) -> MonitoringVisit:
    visit = load_or_404(MonitoringVisit, visit_id, current_user)
    if visit.case_id != case_id:
        abort(404)
    return visit


@bp.route("/visits/<int:visit_id>", methods=["GET", "POST"])
@login_required
def visit(case_id: int, visit_id: int):
    """A visit: its report, or the form to record it."""
    visit = _visit(case_id, visit_id)
    if request.method == "POST":
        require(visit.can_edit(current_user))  # read-only users: 403 before the form is read
    form = forms.VisitForm(obj=visit)
    if not form.is_submitted():
        form.version.data = str(visit.case.version)
    error, status = None, 200
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token", "version")}
        try:
            ops.record_visit_report(current_user, visit, expected_version=_version(form), **data)
        except DomainError as err:
            db.session.rollback()
            error, status = err.message, err.status_code
        else:
            db.session.commit()
            flash(_("The visit report is saved."), "success")
            return redirect(url_for("monitoring.index", case_id=case_id))
    elif form.is_submitted():
        status = 400
    html = render_template(
        "monitoring/visit.html",
        case=visit.case,
        visit=visit,
        form=form,
        error=error,
        escalate_form=forms.EscalateForm(version=visit.case.version),
        can_edit=visit.can_edit(current_user),
        today=date.today(),
    )
    return html, status


@bp.post("/visits/<int:visit_id>/escalate")
@login_required
def escalate(case_id: int, visit_id: int):
    """Flag a visit for escalation."""
    visit = _visit(case_id, visit_id)
    require(visit.can_edit(current_user))
    form = forms.EscalateForm()
    if form.validate_on_submit():
        _run(
            lambda: ops.escalate_visit(
                current_user, visit, reason=form.reason.data, expected_version=_version(form)
            ),
            _("The visit is escalated."),
        )
    else:
        flash(_("Give the reason for escalation."), "error")
    return redirect(url_for("monitoring.visit", case_id=case_id, visit_id=visit_id))
