"""Decision page: /cases/<id>/decision (outcome, notice, appeals, complaints, next step)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.pages import case_context, load_case
from caseapp.cases.versioning import record_version
from caseapp.core import web
from caseapp.core.forms import VersionedForm, VersionForm, saved_meanwhile
from caseapp.decision import forms as f
from caseapp.decision import operations as ops
from caseapp.decision import queries
from caseapp.decision.models import Appeal, Complaint, DecisionNotice
from caseapp.drafts.operations import dropping_draft, load_drafts, restore_into

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
    records = queries.page_records(case)  # one statement (issue 16)
    notice = records.current_notice
    for name in ("notify_child", "notify_guardian"):  # they edit the notice: its own lock
        page_forms[name].at(record_version(notice))
    appeals, complaints = records.appeals, records.complaints
    drafts: dict = {}
    if case.can_edit(current_user):
        # Text typed before a timeout comes back into its form (issue 12 item 2): the user's
        # drafts of this page's forms, in one statement whatever the number of rows.
        paths = {n: url_for(f"decision.{e}", case_id=case.id) for n, e in DRAFT_FORMS.items()}
        drafts = load_drafts(
            current_user,
            [*paths.values()]
            + [_row_path(case, a) for a in appeals]
            + [_row_path(case, c) for c in complaints],
        )
        for name, path in paths.items():
            restore_into(page_forms[name], drafts.get(path))
    bid = records.approved_bid
    if bid is not None and bid.recommended is not None:
        page_forms["decision"].outcome.data = bid.recommended.value
    page_forms.update(forms or {})
    return render_template(
        "decision/page.html",
        **case_context(case),
        forms=page_forms,
        errors=errors or {},
        bid=bid,
        latest_bid=records.current_bid,
        notice=notice,
        notices=records.notices,
        appeals=appeals,
        complaints=complaints,
        suspended=records.execution_suspended,
        suggest_stay=queries.suggests_tolerated_stay(case, records),
        reopenable=case.stage in ops.REOPENABLE_STAGES,
        # Row forms carry their record's own version (issue 12 item 2); a refused one comes
        # back with the user's text and what was saved in the meantime (``saved_meanwhile``).
        decide_form=lambda a: (
            page_forms.get(f"appeal-{a.id}")
            or _fresh_row(f.DecideAppealForm, f"appeal-{a.id}", a, drafts.get(_row_path(case, a)))
        ),
        answer_form=lambda c: (
            page_forms.get(f"complaint-{c.id}")
            or _fresh_row(
                f.AnswerComplaintForm, f"complaint-{c.id}", c, drafts.get(_row_path(case, c))
            )
        ),
    )


# The page's forms with long text kept as drafts (caseapp/drafts), by their endpoint.
DRAFT_FORMS = {"appeal": "lodge_appeal", "complaint": "lodge_complaint"}


def _row_path(case, obj) -> str:
    """The path a row's form posts to: the key of the user's draft of it."""
    if isinstance(obj, Appeal):
        return url_for("decision.decide_appeal", case_id=case.id, appeal_id=obj.id)
    return url_for("decision.answer_complaint", case_id=case.id, complaint_id=obj.id)


def _fresh_row(form_cls, prefix: str, obj, draft) -> VersionedForm:
    """A row's form at its record's own version, with the user's draft text if any."""
    form = form_cls(prefix=prefix, formdata=None).at(obj.version)
    restore_into(form, draft)
    return form


@bp.get("/<int:case_id>/decision")
@login_required
def page(case_id: int):
    """The decision and what follows it (002, Rec 1)."""
    return render_page(load_case(case_id))


def _submit(case_id: int, name: str, operation, success: str):
    case = load_case(case_id, edit=True)
    form = MAIN_FORMS[name](prefix=name)
    if name in DRAFT_FORMS:
        operation = dropping_draft(operation, current_user, request.path)
    page = "decision.page"
    return web.submit_on_page(
        form,
        operation,
        current_user,
        case,
        case=case,
        name=name,
        page=page,
        render_page=render_page,
        success=success,
    )


def _row(
    case_id: int,
    model,
    record_id: int,
    form_cls,
    prefix: str,
    operation,
    success: str,
    *,
    drafts: bool = True,
):
    """A form on one named record of the case (an appeal's result, a complaint's answer, a
    notice's notification): a refusal shows the page with the user's text in the form, and
    what was saved in the meantime. A superseded record (a notice of an earlier decision)
    comes back as a fresh form on the record in force, so nothing typed for the old one is
    posted to the new one by a second click (issue 12)."""
    case = load_case(case_id, edit=True)
    obj = web.load(model, record_id, case=case)
    next_url = url_for("decision.page", case_id=case.id)
    form = form_cls(prefix=prefix)
    if drafts:
        operation = dropping_draft(operation, current_user, request.path)

    def render(error: str | None) -> str:
        if getattr(obj, "superseded_at", None) is not None:
            return render_page(case, errors={prefix: error})
        saved_meanwhile(form, obj)
        return render_page(case, {prefix: form}, {prefix: error})

    return web.submit(
        form, operation, current_user, obj, success=success, next_url=next_url, render=render
    )


def _notice(case_id: int, notice_id: int, form_cls, prefix: str, operation, success: str):
    """A notification form on the notice it names (no drafts: dates and a language)."""
    args = (case_id, DecisionNotice, notice_id, form_cls, prefix, operation, success)
    return _row(*args, drafts=False)


@bp.post("/<int:case_id>/decision/record")
@login_required
def record_decision(case_id: int):
    """determination -> decided."""
    return _submit(case_id, "decision", ops.record_decision, _("The decision was recorded."))


@bp.post("/<int:case_id>/decision/notices/<int:notice_id>/notify-child")
@login_required
def notify_child(case_id: int, notice_id: int):
    """The child was notified in a language they understand (002, Rec 1). The form names its
    notice: one of an earlier decision is refused, never applied to the one in force."""
    success = _("Notification to the child recorded.")
    return _notice(case_id, notice_id, f.NotifyChildForm, "notify_child", ops.notify_child, success)


@bp.post("/<int:case_id>/decision/notices/<int:notice_id>/notify-guardian")
@login_required
def notify_guardian(case_id: int, notice_id: int):
    """The guardian was notified (002, Rec 1); the form names its notice, as above."""
    success = _("Notification to the guardian recorded.")
    form_cls, op = f.NotifyGuardianForm, ops.notify_guardian
    return _notice(case_id, notice_id, form_cls, "notify_guardian", op, success)


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
