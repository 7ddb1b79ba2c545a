"""Return execution and monitoring pages under /cases/<case_id>/monitoring."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from caseapp.cases.models import Case
from caseapp.core import clock, web
from caseapp.core.extensions import db
from caseapp.core.forms import saved_meanwhile
from caseapp.drafts.operations import dropping_draft, load_draft, restore_into
from caseapp.monitoring import forms
from caseapp.monitoring import operations as ops
from caseapp.monitoring.models import MonitoringVisit, ReturnExecution

bp = Blueprint("monitoring", __name__, url_prefix="/cases/<int:case_id>/monitoring")


def _case(case_id: int) -> Case:
    case = web.load(Case, case_id)
    if request.method == "POST":
        web.require(case.can_edit(current_user))  # read-only users: 403 before the form is read
    return case


def render_index(case: Case, form: forms.ExecutionForm, error: str | None) -> str:
    """The return execution, the visit schedule and overdue visits."""
    return render_template(
        "monitoring/index.html",
        case=case,
        form=form,
        error=error,
        execution=db.session.scalar(
            select(ReturnExecution).where(ReturnExecution.case_id == case.id)
        ),
        visits=db.session.scalars(
            select(MonitoringVisit)
            .where(MonitoringVisit.case_id == case.id)
            .order_by(MonitoringVisit.due_on)
        ).all(),
        today=clock.today(),
        start_form=forms.StartForm(formdata=None).at(case.version),
        can_edit=case.can_edit(current_user),
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(case_id: int):
    """Return execution, the visit schedule and overdue visits (002, Rec 2)."""
    case = _case(case_id)
    form = forms.ExecutionForm().loaded_at(case.version)
    return web.submit(
        form,
        ops.record_return_execution,
        current_user,
        case,
        success=_("The return is recorded and the monitoring visits are scheduled."),
        next_url=url_for("monitoring.index", case_id=case.id),
        render=lambda error: render_index(case, form, error),
    )


@bp.post("/start")
@login_required
def start(case_id: int):
    """returned -> monitoring."""
    case = _case(case_id)
    next_url = url_for("monitoring.index", case_id=case_id)
    return web.submit(
        forms.StartForm(),
        ops.start_monitoring,
        current_user,
        case,
        success=_("Monitoring has started."),
        next_url=next_url,
    )


def _visit(case_id: int, visit_id: int) -> MonitoringVisit:
    case = web.load(Case, case_id)
    visit = web.load(MonitoringVisit, visit_id, case=case)
    if request.method == "POST":
        web.require(visit.can_edit(current_user))  # read-only users: 403 before the form
    return visit


def render_visit(visit: MonitoringVisit, form: forms.VisitForm, error: str | None) -> str:
    """A visit: its report, or the form to record it. A report refused because the visit
    changed in between keeps the user's text and shows what was saved in the meantime."""
    saved_meanwhile(form, visit)
    return render_template(
        "monitoring/visit.html",
        case=visit.case,
        visit=visit,
        form=form,
        error=error,
        escalate_form=forms.EscalateForm(formdata=None).at(visit.version),
        can_edit=visit.can_edit(current_user),
        today=clock.today(),
    )


@bp.route("/visits/<int:visit_id>", methods=["GET", "POST"])
@login_required
def visit(case_id: int, visit_id: int):
    """A visit: its report, or the form to record it."""
    visit = _visit(case_id, visit_id)
    # The visit's own version (issue 12 item 2): another record's change does not refuse it.
    form = forms.VisitForm(obj=visit).loaded_at(visit.version)
    if visit.can_edit(current_user):  # text typed before a timeout comes back (issue 12)
        restore_into(form, load_draft(current_user, request.path))
    return web.submit(
        form,
        dropping_draft(ops.record_visit_report, current_user, request.path),
        current_user,
        visit,
        success=_("The visit report is saved."),
        next_url=url_for("monitoring.index", case_id=case_id),
        render=lambda error: render_visit(visit, form, error),
    )


@bp.post("/visits/<int:visit_id>/escalate")
@login_required
def escalate(case_id: int, visit_id: int):
    """Flag a visit for escalation."""
    visit = _visit(case_id, visit_id)
    return web.submit(
        forms.EscalateForm(),
        ops.escalate_visit,
        current_user,
        visit,
        success=_("The visit is escalated."),
        next_url=url_for("monitoring.visit", case_id=case_id, visit_id=visit_id),
    )
