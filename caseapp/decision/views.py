"""Decision page: /cases/<id>/decision (outcome, notice, appeals, complaints, next step)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Stage
from caseapp.cases.pages import case_context, load_case
from caseapp.core import web
from caseapp.core.errors import ValidationFailed
from caseapp.core.forms import VersionedForm, VersionForm
from caseapp.decision import forms as f
from caseapp.decision import operations as ops
from caseapp.decision import queries
from caseapp.decision.models import Appeal, Complaint
from caseapp.determination.operations import approved_bid, current_bid

bp = Blueprint("decision", __name__, url_prefix="/cases")

MAIN_FORMS: dict[str, type[VersionedForm]] = {
    "decision": f.DecisionForm,
    "notify_child": f.NotifyChildForm,
    "notify_guardian": f.NotifyGuardianForm,
    "appeal": f.AppealForm,
    "complaint": f.ComplaintForm,
    "proceed": VersionForm,
    "reopen": f.ReasonForm,
    "new_fact": f.NewFactForm,
}


def render_page(case, forms=None, errors=None):
    """Render the decision page."""
    v = case.version
    page_forms = {name: cls(prefix=name, formdata=None).at(v) for name, cls in MAIN_FORMS.items()}
    bid = approved_bid(case)
    if bid is not None and bid.recommended is not None:
        page_forms["decision"].outcome.data = bid.recommended.value
    page_forms.update(forms or {})
    return render_template(
        "decision/page.html",
        **case_context(case),
        forms=page_forms,
        errors=errors or {},
        bid=bid,
        latest_bid=current_bid(case),
        notice=queries.current_notice(case),
        notices=queries.notices(case),
        appeals=queries.appeals(case),
        complaints=queries.complaints(case),
        suspended=queries.execution_suspended(case),
        suggest_stay=queries.suggests_tolerated_stay(case),
        reopenable=case.stage in ops.REOPENABLE_STAGES,
        decide_form=lambda a: f.DecideAppealForm(prefix=f"appeal-{a.id}", formdata=None).at(v),
        answer_form=lambda c: f.AnswerComplaintForm(prefix=f"complaint-{c.id}", formdata=None).at(
            v
        ),
        appeal_labels=f.APPEAL_STATUS_LABELS,
        complainant_labels=f.COMPLAINANT_LABELS,
        Stage=Stage,
    )


@bp.get("/<int:case_id>/decision")
@login_required
def page(case_id: int):
    """The decision and what follows it (002, Rec 1)."""
    return render_page(load_case(case_id))


def _submit(case_id: int, name: str, operation, success: str):
    case = load_case(case_id, edit=True)
    form = MAIN_FORMS[name](prefix=name)
    return web.submit(
        form,
        operation,
        current_user,
        case,
        success=success,
        next_url=url_for("decision.page", case_id=case.id),
        render=lambda error: render_page(case, {name: form}, {name: error}),
    )


def _row(case_id: int, model, record_id: int, form_cls, prefix: str, operation, success: str):
    """A per-row form (an appeal's result, a complaint's answer): outcome flashed."""
    case = load_case(case_id, edit=True)
    obj = web.load(model, record_id, case=case)
    next_url = url_for("decision.page", case_id=case.id)
    form = form_cls(prefix=prefix)
    return web.submit(form, operation, current_user, obj, success=success, next_url=next_url)


def _on_notice(operation):
    """``operation`` applied to the case's decision in force (refused when there is none)."""

    def run(actor, case, **values):
        notice = queries.current_notice(case)
        if notice is None:
            raise ValidationFailed(_("There is no decision in force."))
        return operation(actor, notice, **values)

    return run


@bp.post("/<int:case_id>/decision/record")
@login_required
def record_decision(case_id: int):
    """determination -> decided."""
    return _submit(case_id, "decision", ops.record_decision, _("The decision was recorded."))


@bp.post("/<int:case_id>/decision/notify-child")
@login_required
def notify_child(case_id: int):
    """The child was notified in a language they understand."""
    success = _("Notification to the child recorded.")
    return _submit(case_id, "notify_child", _on_notice(ops.notify_child), success)


@bp.post("/<int:case_id>/decision/notify-guardian")
@login_required
def notify_guardian(case_id: int):
    """The guardian was notified."""
    success = _("Notification to the guardian recorded.")
    return _submit(case_id, "notify_guardian", _on_notice(ops.notify_guardian), success)


@bp.post("/<int:case_id>/decision/appeals")
@login_required
def lodge_appeal(case_id: int):
    """Record an appeal."""
    success = _("Appeal recorded: execution is suspended while it is pending.")
    return _submit(case_id, "appeal", ops.lodge_appeal, success)


@bp.post("/<int:case_id>/decision/appeals/<int:appeal_id>/decide")
@login_required
def decide_appeal(case_id: int, appeal_id: int):
    """Record an appeal's result (an upheld appeal reopens the determination)."""
    return _row(
        case_id,
        Appeal,
        appeal_id,
        f.DecideAppealForm,
        f"appeal-{appeal_id}",
        ops.decide_appeal,
        _("Appeal result recorded."),
    )


@bp.post("/<int:case_id>/decision/complaints")
@login_required
def lodge_complaint(case_id: int):
    """Record a complaint (an objection by the child or guardian reopens the determination)."""
    return _submit(case_id, "complaint", ops.lodge_complaint, _("Complaint recorded."))


@bp.post("/<int:case_id>/decision/complaints/<int:complaint_id>/answer")
@login_required
def answer_complaint(case_id: int, complaint_id: int):
    """Record the answer to a complaint."""
    return _row(
        case_id,
        Complaint,
        complaint_id,
        f.AnswerComplaintForm,
        f"complaint-{complaint_id}",
        ops.answer_complaint,
        _("Answer recorded."),
    )


@bp.post("/<int:case_id>/decision/proceed")
@login_required
def proceed(case_id: int):
    """decided -> return_preparation or implementation."""
    return _submit(case_id, "proceed", ops.proceed_after_decision, _("The case moved on."))


@bp.post("/<int:case_id>/decision/reopen")
@login_required
def reopen(case_id: int):
    """Reopen the determination (BID review)."""
    success = _("The determination was reopened; the BID and any return approval were withdrawn.")
    return _submit(case_id, "reopen", ops.reopen_determination, success)


@bp.post("/<int:case_id>/decision/new-fact")
@login_required
def new_fact(case_id: int):
    """Record a new fact, which reopens the determination."""
    success = _("New fact recorded; the determination was reopened.")
    return _submit(case_id, "new_fact", ops.record_new_fact, success)
