"""Close and reopen pages: /cases/<case_id>/close and /cases/<case_id>/reopen."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseapp.cases.models import Case
from caseapp.cases.pages import load_case
from caseapp.closure import forms
from caseapp.closure.operations import close_case, closure_reason_text, reopen_case
from caseapp.core import web
from caseapp.core.confirm import confirm_then_submit
from caseapp.drafts.operations import dropping_draft, load_draft, restore_into

bp = Blueprint("closure", __name__, url_prefix="/cases/<int:case_id>")


@bp.route("/close", methods=["GET", "POST"])
@login_required
def close(case_id: int):
    """Close the case with a reason, or reopen a closed one."""
    case = load_case(case_id)
    web.require(case.can_close_or_reopen(current_user))
    form = _close_form(case)
    return confirm_then_submit(
        form,
        dropping_draft(close_case, current_user, request.path),
        current_user,
        case,
        title=_("Close the case?"),
        facts=lambda: _close_facts(case, form),
        back_url=url_for("closure.close", case_id=case_id),
        success=_("The case is closed."),
        next_url=url_for("closure.close", case_id=case_id),
        render=lambda error: _close_page(case, form, error),
    )


def _close_form(case: Case) -> forms.CloseForm:
    """The close form at the case's version, with a note typed before a timeout (issue 12)."""
    form = forms.CloseForm().loaded_at(case.version)
    if case.can_edit(current_user):
        restore_into(form, load_draft(current_user, request.path))
    return form


def _close_page(case: Case, form: forms.CloseForm, error: str | None) -> str:
    """The close page (a closed case shows the reopen form instead)."""
    return render_template(
        "closure/close.html",
        case=case,
        form=form,
        error=error,
        reopen=forms.ReopenForm(formdata=None).at(case.version),
        closure_reason_text=closure_reason_text,
    )


def _close_facts(case: Case, form) -> list[tuple[str, str]]:
    from caseapp.closure.operations import ClosureReason

    name = case.child.primary_name if case.child else None
    facts = [
        (_("Case"), case.number),
        (_("Child"), name.full_name if name else _("name not recorded")),
        (_("Stage now"), str(case.stage.label)),
        (_("Reason"), str(ClosureReason(form.reason.data).label)),
    ]
    if form.note.data:
        facts.append((_("Note"), form.note.data))
    if case.approved_for_return:
        facts.append((_("Return approval"), _("The approval in force will be withdrawn.")))
    facts.append((_("What happens"), _("The case is closed; it can be reopened later.")))
    return facts


@bp.post("/reopen")
@login_required
def reopen(case_id: int):
    """Reopen a closed case at the registered stage."""
    case = load_case(case_id)
    web.require(case.can_close_or_reopen(current_user))
    return web.submit(
        forms.ReopenForm(),
        reopen_case,
        current_user,
        case,
        success=_("The case is reopened."),
        next_url=url_for("closure.close", case_id=case_id),
    )
