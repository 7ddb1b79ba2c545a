"""Decision page: /cases/<id>/decision (outcome, notice, appeals, complaints, next step)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.assessment.forms import StartForm
from caseapp.assessment.viewkit import (
    common,
    load_case,
    load_child,
    submit,
    submit_row,
    with_version,
)
from caseapp.cases.models import Stage
from caseapp.decision import forms as f
from caseapp.decision import operations as ops
from caseapp.decision import queries
from caseapp.decision.models import Appeal, Complaint
from caseapp.determination.operations import approved_bid, current_bid

bp = Blueprint("decision", __name__, url_prefix="/cases")

MAIN_FORMS = {
    "decision": f.DecisionForm,
    "notify_child": f.NotifyChildForm,
    "notify_guardian": f.NotifyGuardianForm,
    "appeal": f.AppealForm,
    "complaint": f.ComplaintForm,
    "proceed": StartForm,
    "reopen": f.ReasonForm,
    "new_fact": f.ReasonForm,
}


def render_page(case, forms=None, errors=None):
    """Render the decision page."""
    v = case.version
    page_forms = {
        name: with_version(cls(prefix=name, formdata=None), v) for name, cls in MAIN_FORMS.items()
    }
    bid = approved_bid(case)
    if bid is not None and bid.recommended is not None:
        page_forms["decision"].outcome.data = bid.recommended.value
    page_forms.update(forms or {})
    return render_template(
        "decision/page.html",
        **common(case),
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
        decide_form=lambda a: with_version(
            f.DecideAppealForm(prefix=f"appeal-{a.id}", formdata=None), v
        ),
        answer_form=lambda c: with_version(
            f.AnswerComplaintForm(prefix=f"complaint-{c.id}", formdata=None), v
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


def _post(case_id: int, name: str, action, success: str):
    case = load_case(case_id, edit=True)
    form = MAIN_FORMS[name](prefix=name)
    return submit(
        form,
        name,
        lambda: action(case, form),
        success,
        render=lambda **kw: render_page(case, **kw),
        next_url=url_for("decision.page", case_id=case.id),
    )


@bp.post("/<int:case_id>/decision/record")
@login_required
def record_decision(case_id: int):
    """determination -> decided."""
    return _post(
        case_id,
        "decision",
        lambda case, form: ops.record_decision(
            current_user,
            case,
            outcome=form.outcome.data,
            decided_on=form.decided_on.data,
            reasons=form.reasons.data,
            expected_version=form.version.data,
        ),
        _("The decision was recorded."),
    )


def _notice(case):
    notice = queries.current_notice(case)
    if notice is None:
        from caseapp.core.errors import ValidationFailed

        raise ValidationFailed(_("There is no decision in force."))
    return notice


@bp.post("/<int:case_id>/decision/notify-child")
@login_required
def notify_child(case_id: int):
    """The child was notified in a language they understand."""
    return _post(
        case_id,
        "notify_child",
        lambda case, form: ops.notify_child(
            current_user,
            _notice(case),
            notified_on=form.notified_on.data,
            language=form.language.data,
            child_understands_language=form.child_understands_language.data,
            expected_version=form.version.data,
        ),
        _("Notification to the child recorded."),
    )


@bp.post("/<int:case_id>/decision/notify-guardian")
@login_required
def notify_guardian(case_id: int):
    """The guardian was notified."""
    return _post(
        case_id,
        "notify_guardian",
        lambda case, form: ops.notify_guardian(
            current_user,
            _notice(case),
            notified_on=form.notified_on.data,
            expected_version=form.version.data,
        ),
        _("Notification to the guardian recorded."),
    )


@bp.post("/<int:case_id>/decision/appeals")
@login_required
def lodge_appeal(case_id: int):
    """Record an appeal."""
    return _post(
        case_id,
        "appeal",
        lambda case, form: ops.lodge_appeal(
            current_user,
            case,
            lodged_on=form.lodged_on.data,
            lodged_by=form.lodged_by.data,
            body=form.body.data,
            grounds=form.grounds.data,
            expected_version=form.version.data,
        ),
        _("Appeal recorded: execution is suspended while it is pending."),
    )


@bp.post("/<int:case_id>/decision/appeals/<int:appeal_id>/decide")
@login_required
def decide_appeal(case_id: int, appeal_id: int):
    """Record an appeal's result (an upheld appeal reopens the determination)."""
    case = load_case(case_id, edit=True)
    appeal = load_child(Appeal, appeal_id, case)
    form = f.DecideAppealForm(prefix=f"appeal-{appeal_id}")
    return submit_row(
        form,
        lambda: ops.decide_appeal(
            current_user,
            appeal,
            status=form.status.data,
            decided_on=form.decided_on.data,
            result_summary=form.result_summary.data,
            expected_version=form.version.data,
        ),
        _("Appeal result recorded."),
        next_url=url_for("decision.page", case_id=case.id),
    )


@bp.post("/<int:case_id>/decision/complaints")
@login_required
def lodge_complaint(case_id: int):
    """Record a complaint (an objection by the child or guardian reopens the determination)."""
    return _post(
        case_id,
        "complaint",
        lambda case, form: ops.lodge_complaint(
            current_user,
            case,
            lodged_by=form.lodged_by.data,
            lodged_on=form.lodged_on.data,
            subject=form.subject.data,
            objects_to_decision=form.objects_to_decision.data,
            expected_version=form.version.data,
        ),
        _("Complaint recorded."),
    )


@bp.post("/<int:case_id>/decision/complaints/<int:complaint_id>/answer")
@login_required
def answer_complaint(case_id: int, complaint_id: int):
    """Record the answer to a complaint."""
    case = load_case(case_id, edit=True)
    complaint = load_child(Complaint, complaint_id, case)
    form = f.AnswerComplaintForm(prefix=f"complaint-{complaint_id}")
    return submit_row(
        form,
        lambda: ops.answer_complaint(
            current_user,
            complaint,
            response=form.response.data,
            responded_on=form.responded_on.data,
            close=form.close.data,
            expected_version=form.version.data,
        ),
        _("Answer recorded."),
        next_url=url_for("decision.page", case_id=case.id),
    )


@bp.post("/<int:case_id>/decision/proceed")
@login_required
def proceed(case_id: int):
    """decided -> return_preparation or implementation."""
    return _post(
        case_id,
        "proceed",
        lambda case, form: ops.proceed_after_decision(
            current_user, case, expected_version=form.version.data
        ),
        _("The case moved on."),
    )


@bp.post("/<int:case_id>/decision/reopen")
@login_required
def reopen(case_id: int):
    """Reopen the determination (BID review)."""
    return _post(
        case_id,
        "reopen",
        lambda case, form: ops.reopen_determination(
            current_user, case, reason=form.reason.data, expected_version=form.version.data
        ),
        _("The determination was reopened; the BID and any return approval were withdrawn."),
    )


@bp.post("/<int:case_id>/decision/new-fact")
@login_required
def new_fact(case_id: int):
    """Record a new fact, which reopens the determination."""
    return _post(
        case_id,
        "new_fact",
        lambda case, form: ops.record_new_fact(
            current_user, case, form.reason.data, expected_version=form.version.data
        ),
        _("New fact recorded; the determination was reopened."),
    )
